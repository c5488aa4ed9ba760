"""Keeping the rollups: a month of an organisation is counted again from its cases (one
GROUP BY on an index range) whenever something in it changed; the whole table only by the
`rollups` command."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case as when
from sqlalchemy import delete, exists, func, select, text

from remedy.cases.models import Case, Remedy
from remedy.collective.models import ClaimMember, CollectiveClaim
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.observatory import marginals, tallies
from remedy.observatory.models import ComplaintCount, Marginal, RollupRun, Tally


def month_of(moment) -> date:
    return date(moment.year, moment.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    return (datetime.combine(month, time(), tzinfo=UTC),
            datetime.combine(next_month(month), time(), tzinfo=UTC))


OUTCOMES = ("open", "remedy_obtained", "closed_without_remedy", "inadmissible", "withdrawn")


def _outcome():
    """How a case ended, as the observatory counts it: a remedy carried out comes first."""
    implemented = exists().where(Remedy.case_id == Case.id, Remedy.status == "implemented")
    return when((implemented, "remedy_obtained"), (Case.state == "inadmissible", "inadmissible"),
                (Case.state == "withdrawn", "withdrawn"),
                (Case.state == "closed", "closed_without_remedy"), else_="open")


def refresh(organisation_id: int, month: date) -> int:
    """Count one month of one organisation again (in the caller's transaction)."""
    start, end = _bounds(month)
    written = tallies.refresh(organisation_id, start, end, month)
    db.session.execute(delete(ComplaintCount).where(
        ComplaintCount.organisation_id == organisation_id, ComplaintCount.month == month))
    outcome = _outcome().label("outcome")
    counted = (select(func.coalesce(Complaint.complainant_country, "").label("country"),
                      func.coalesce(Case.sector, "").label("sector"),
                      func.coalesce(Case.filer_type, "").label("filer_type"),
                      Case.state.label("state"), Case.rights_mask.label("mask"), outcome)
               .join(Complaint, Complaint.id == Case.complaint_id)
               .where(Case.organisation_id == organisation_id, Complaint.received_at >= start,
                      Complaint.received_at < end)).subquery()
    rows = db.session.execute(
        select(counted.c.country, counted.c.sector, counted.c.filer_type, counted.c.state,
               counted.c.mask, counted.c.outcome, func.count())
        .group_by(counted.c.country, counted.c.sector, counted.c.filer_type, counted.c.state,
                  counted.c.mask, counted.c.outcome)).all()
    db.session.add_all(ComplaintCount(
        month=month, organisation_id=organisation_id, country=country, sector=sector,
        filer_type=filer_type, state=state, rights_mask=mask, outcome=result, count=count)
        for country, sector, filer_type, state, mask, result, count in rows)
    return written + len(rows)


def _months(since=None) -> set[tuple[int, date]]:
    """(organisation, month) of everything counted — or only of what changed `since`: a
    case (in its complaint's month, or its own), a claim formed or a member's step. Each
    part reads an index on its time column."""
    came_in = func.coalesce(Complaint.received_at, Case.opened_at)
    cases = select(Case.organisation_id, came_in).outerjoin(
        Complaint, Complaint.id == Case.complaint_id)
    claims = select(CollectiveClaim.organisation_id, CollectiveClaim.created_at)
    queries = [cases, claims]
    if since is not None:
        queries = [cases.where(Case.updated_at >= since),
                   claims.where(CollectiveClaim.created_at >= since),
                   select(CollectiveClaim.organisation_id, CollectiveClaim.created_at).join(
                       ClaimMember, ClaimMember.claim_id == CollectiveClaim.id).where(
                       ClaimMember.updated_at >= since)]
    return {(org, month_of(moment)) for query in queries
            for org, moment in db.session.execute(query)}


def _one_at_a_time() -> None:
    """Two refreshes at once would both delete and re-insert a month: on PostgreSQL they wait
    for each other (SQLite writes one at a time anyway)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7420101)"))


def _refresh_all(pairs) -> int:
    """Each (organisation, month) counted again, then the marginals of those months."""
    written = sum(refresh(org, month) for org, month in sorted(pairs))
    return written + sum(marginals.refresh_month(month) for month in sorted({m for _, m in pairs}))


def rebuild() -> int:
    """Every month of every organisation counted again; the number of rows written."""
    _one_at_a_time()
    db.session.execute(delete(ComplaintCount))
    db.session.execute(delete(Tally))
    db.session.execute(delete(Marginal))
    written = _refresh_all(_months())
    db.session.add(RollupRun(rows=written))
    db.session.commit()
    return written


def refresh_changed() -> int:
    """The months in which a case changed since the last run (the periodic job)."""
    _one_at_a_time()
    last = db.session.scalar(select(func.max(RollupRun.refreshed_at)))
    if last is None:
        return rebuild()
    started = utcnow()
    since = last - timedelta(seconds=5)  # a change committed while the last run read
    written = _refresh_all(_months(since))
    db.session.add(RollupRun(rows=written, refreshed_at=started))
    db.session.commit()
    return written

