"""The tables of `tallies` as anyone may read them, through the same suppression rules as
the complaint tables: remedies carried out by type, collective claims and the people they
represent, and — only for organisations that chose to publish them — the names of the AI
systems and organisations complained about (a name counted fewer times than the threshold
is not shown at all)."""

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from remedy.accounts.models import Organisation
from remedy.core.i18n import translate
from remedy.extensions import db
from remedy.observatory import suppression, tallies
from remedy.observatory.models import Tally
from remedy.registry.models import AISystem, Respondent

_MEASURE = {"remedy_type": tallies.REMEDY, "ai_system": tallies.AI_SYSTEM,
            "respondent": tallies.RESPONDENT}
_NAMES = {"ai_system": AISystem, "respondent": Respondent}


def _sums(column, conditions) -> dict[str, int]:
    rows = db.session.execute(select(column, func.sum(Tally.count)).where(*conditions)
                              .group_by(column)).all()
    return {(key.strftime("%Y-%m") if isinstance(key, date) else key): int(count)
            for key, count in rows if count}


def published_tally(filters, where) -> dict:
    from remedy.observatory.stats import NOTE

    threshold = current_app.config["OBSERVATORY_THRESHOLD"]
    conditions = where(filters, Tally)
    table = {"filters": filters.applied, "group_by": filters.group_by, "threshold": threshold,
             "rounded_to": threshold, "note": translate(NOTE)}
    if filters.group_by == "collective_claims":
        claims = _sums(Tally.month, [*conditions, Tally.measure == tallies.CLAIMS])
        people = _sums(Tally.month, [*conditions, Tally.measure == tallies.PEOPLE])
        cells, total = suppression.publish(claims, threshold)
        # Fewer claims than the threshold in all: how many people they represent is not said
        # either (it would describe those few claims).
        people_total = (suppression.rounded(sum(people.values()), threshold)
                        if sum(claims.values()) >= threshold else None)
        table.update(total=total, people_total=people_total,
                     items=[{"key": c.key, "count": c.count, "suppressed": c.suppressed,
                             "people": None if c.suppressed else
                             suppression.rounded(people.get(c.key, 0), threshold)}
                            for c in sorted(cells, key=lambda c: c.key)])
        return table
    conditions.append(Tally.measure == _MEASURE[filters.group_by])
    if filters.group_by in _NAMES:
        conditions.append(Tally.organisation_id.in_(
            select(Organisation.id).where(Organisation.publishes_names)))
    cells, total = suppression.publish(_sums(Tally.key, conditions), threshold)
    items = [{"key": c.key, "count": c.count, "suppressed": c.suppressed} for c in cells]
    if filters.group_by in _NAMES:
        items = _named([item for item in items if not item["suppressed"]], _NAMES[filters.group_by])
        table["hidden_names"] = sum(1 for c in cells if c.suppressed)
    table.update(total=total, items=items)
    return table


def _named(items: list[dict], model) -> list[dict]:
    """The registry's name of each entry; the key becomes the name (ids say nothing)."""
    ids = [int(item["key"]) for item in items]
    names = dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
    return [{**item, "key": names.get(int(item["key"]), "?")} for item in items]
