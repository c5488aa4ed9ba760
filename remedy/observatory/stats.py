"""The public statistics, read from the rollups only, and published through the
suppression rules."""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import case as when
from sqlalchemy import func, select

from remedy.cases.domain import RIGHTS_BITS
from remedy.core.codes import country_codes
from remedy.core.errors import ValidationFailed
from remedy.core.i18n import translate
from remedy.core.messages import N_
from remedy.core.vocabulary import RIGHTS_DIMENSIONS, SECTORS
from remedy.extensions import db
from remedy.observatory import marginals, suppression
from remedy.observatory.models import ComplaintCount, Marginal

GROUPS = ("month", "country", "sector", "rights_dimension", "filer_type", "state", "outcome")
# Tables of other things than complaints (`tallies`): remedies carried out by type,
# collective claims by the month they were formed (with the people they represent), and
# the AI systems and organisations complained about where the organisation names them.
TALLY_GROUPS = ("remedy_type", "collective_claims", "ai_system", "respondent")
ALL_GROUPS = GROUPS + TALLY_GROUPS
INVALID = N_("Some answers need attention.")
NOTE = N_("Counts are rounded to a multiple of the threshold; counts below it are suppressed.")


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None  # the first day of the last month included
    country: str | None = None
    sector: str | None = None
    rights_dimension: str | None = None
    group_by: str = "month"
    applied: dict = field(default_factory=dict)


def _month(value: str, name: str, errors: dict) -> date | None:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        errors[name] = [N_("Give a month as YYYY-MM, like 2026-03.")]
        return None


def parse(args) -> Filters:
    """Filters from a query string; ValidationFailed with every wrong field at once."""
    errors: dict = {}
    start = _month(args["from"], "from", errors) if args.get("from") else None
    end = _month(args["to"], "to", errors) if args.get("to") else None
    if start and end and start > end:
        errors["to"] = [N_("The end comes before the start.")]
    country = (args.get("country") or "").upper() or None
    if country and country not in country_codes():
        errors["country"] = [N_("Give a country code like DK.")]
    sector = args.get("sector") or None
    if sector and sector not in SECTORS:
        errors["sector"] = [N_("Unknown area of life.")]
    rights = args.get("rights_dimension") or None
    if rights and rights not in RIGHTS_DIMENSIONS:
        errors["rights_dimension"] = [N_("Unknown rights dimension.")]
    group_by = args.get("group_by") or "month"
    if group_by not in ALL_GROUPS:
        errors["group_by"] = [N_("Group by month, country, sector, rights_dimension, "
                                 "filer_type, state, outcome, remedy_type, "
                                 "collective_claims, ai_system or respondent.")]
    if errors:
        raise ValidationFailed(INVALID, errors)
    applied = {k: v for k, v in (("from", args.get("from")), ("to", args.get("to")),
                                 ("country", country), ("sector", sector),
                                 ("rights_dimension", rights)) if v}
    return Filters(start, end, country, sector, rights, group_by, applied)


def _where(filters: Filters, table=ComplaintCount):
    """The filters as conditions on a rollup table (both have the same public columns)."""
    conditions = []
    if filters.start:
        conditions.append(table.month >= filters.start)
    if filters.end:
        conditions.append(table.month <= filters.end)
    if filters.country:
        conditions.append(table.country == filters.country)
    if filters.sector:
        conditions.append(table.sector == filters.sector)
    if filters.rights_dimension:
        conditions.append(table.rights_mask.op("&")(
            RIGHTS_BITS[filters.rights_dimension]) != 0)
    return conditions


def _marginal(filters: Filters) -> tuple[str, str] | None:
    """(filter, value) of the marginals that answer these filters — when at most one of
    country, sector and rights is chosen — or None (the cube answers)."""
    chosen = [(name, getattr(filters, name)) for name in marginals.FILTERS
              if getattr(filters, name)]
    return chosen[0] if len(chosen) == 1 else ("", "") if not chosen else None


def _from_marginals(filters: Filters, name: str, value: str, group_by: str) -> dict[str, int]:
    conditions = [Marginal.filter == name, Marginal.value == value, Marginal.group_by == group_by]
    if filters.start:
        conditions.append(Marginal.month >= filters.start)
    if filters.end:
        conditions.append(Marginal.month <= filters.end)
    rows = db.session.execute(select(Marginal.key, func.sum(Marginal.count))
                              .where(*conditions).group_by(Marginal.key)).all()
    return {key: int(count) for key, count in rows if count}


def raw_counts(filters: Filters) -> dict[str, int]:
    """Exact counts by the chosen dimension (never published as they are)."""
    if (marginal := _marginal(filters)) is not None:
        return _from_marginals(filters, *marginal, filters.group_by)
    conditions = _where(filters)
    if filters.group_by == "rights_dimension":
        sums = [func.coalesce(func.sum(when((ComplaintCount.rights_mask.op("&")(bit) != 0,
                                            ComplaintCount.count), else_=0)), 0)
                for bit in RIGHTS_BITS.values()]
        row = db.session.execute(select(*sums).where(*conditions)).one()
        return {name: int(value) for name, value in zip(RIGHTS_BITS, row, strict=True) if value}
    column = {"month": ComplaintCount.month, "country": ComplaintCount.country,
              "sector": ComplaintCount.sector, "filer_type": ComplaintCount.filer_type,
              "state": ComplaintCount.state,
              "outcome": ComplaintCount.outcome}[filters.group_by]
    rows = db.session.execute(select(column, func.sum(ComplaintCount.count))
                              .where(*conditions).group_by(column)).all()
    return {(key.strftime("%Y-%m") if isinstance(key, date) else key): int(count)
            for key, count in rows if count}


def raw_total(filters: Filters) -> int:
    if (marginal := _marginal(filters)) is not None:
        return sum(_from_marginals(filters, *marginal, "month").values())
    return int(db.session.scalar(select(func.coalesce(func.sum(ComplaintCount.count), 0))
                                 .where(*_where(filters))))


def published(filters: Filters, total: int | None = None) -> dict:
    """The statistics as anyone may read them (`total`: the exact total of these filters,
    when the caller already counted it for another table)."""
    if filters.group_by in TALLY_GROUPS:
        from remedy.observatory.tally_stats import published_tally

        return published_tally(filters, _where)
    threshold = current_app.config["OBSERVATORY_THRESHOLD"]
    cells, _ = suppression.publish(raw_counts(filters), threshold)
    return {
        "filters": filters.applied, "group_by": filters.group_by, "threshold": threshold,
        "rounded_to": threshold,
        "total": suppression.rounded(raw_total(filters) if total is None else total, threshold),
        "items": [{"key": c.key, "count": c.count, "suppressed": c.suppressed} for c in cells],
        "note": translate(NOTE),
    }
