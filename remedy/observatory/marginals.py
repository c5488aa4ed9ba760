"""The marginals of the complaint counts: for each month, the count of every table's key,
overall and under each single filter value. A question with at most one filter besides
the period (nearly all of them, and every table of the unfiltered page) reads a few hundred
rows of them; only a question with two or more filters reads the finer cube.

A complaint about several rights counts once under each right, as in the cube."""

from collections import Counter
from datetime import date

from sqlalchemy import delete, select

from remedy.cases.domain import RIGHTS_BITS
from remedy.extensions import db
from remedy.observatory.models import ComplaintCount, Marginal

FILTERS = ("country", "sector", "rights_dimension")


def _rights(mask: int) -> list[str]:
    return [name for name, bit in RIGHTS_BITS.items() if mask & bit]


def month_counts(rows, month: date) -> Counter:
    """(filter, value, group_by, key) -> count, from the cube's rows of one month (plain
    tuples: country, sector, filer_type, state, outcome, rights mask, count)."""
    counts: Counter = Counter()
    label = month.strftime("%Y-%m")
    for country, sector, filer_type, state, outcome, mask, count in rows:
        rights = _rights(mask)
        keys = [("month", label), ("country", country), ("sector", sector),
                ("filer_type", filer_type), ("state", state), ("outcome", outcome)]
        keys += [("rights_dimension", right) for right in rights]
        filters = [("", ""), ("country", country), ("sector", sector)]
        filters += [("rights_dimension", right) for right in rights]
        for name, value in filters:
            for group, key in keys:
                counts[(name, value, group, key)] += count
    return counts


def refresh_month(month: date) -> int:
    """Count one month's marginals again from the cube (in the caller's transaction)."""
    db.session.execute(delete(Marginal).where(Marginal.month == month))
    rows = db.session.execute(select(
        ComplaintCount.country, ComplaintCount.sector, ComplaintCount.filer_type,
        ComplaintCount.state, ComplaintCount.outcome, ComplaintCount.rights_mask,
        ComplaintCount.count).where(ComplaintCount.month == month)).all()
    counts = month_counts(rows, month)
    if counts:
        db.session.execute(Marginal.__table__.insert(), [
            {"month": month, "filter": name, "value": value, "group_by": group, "key": key,
             "count": count} for (name, value, group, key), count in counts.items()])
    return len(counts)
