"""Keeping the rollups: a month of an organisation is counted again from its cases (one
GROUP BY on an index range) whenever something in it changed; the whole table only by the
`rollups` command."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case as when
from sqlalchemy import delete, exists, func, or_, select

from remedy.cases.models import Case, Remedy
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.observatory.models import ComplaintCount, RollupRun


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
    return len(rows)


def _months_of(query) -> set[tuple[int, date]]:
    return {(org, month_of(received)) for org, received in db.session.execute(query)}


def rebuild() -> int:
    """Every month of every organisation counted again; the number of rows written."""
    db.session.execute(delete(ComplaintCount))
    pairs = _months_of(select(Case.organisation_id, Complaint.received_at).join(
        Complaint, Complaint.id == Case.complaint_id))
    written = sum(refresh(org, month) for org, month in sorted(pairs))
    db.session.add(RollupRun(rows=written))
    db.session.commit()
    return written


def refresh_changed() -> int:
    """The months in which a case changed since the last run (the periodic job)."""
    last = db.session.scalar(select(func.max(RollupRun.refreshed_at)))
    if last is None:
        return rebuild()
    started = utcnow()
    since = last - timedelta(seconds=5)  # a change committed while the last run read
    pairs = _months_of(select(Case.organisation_id, Complaint.received_at).join(
        Complaint, Complaint.id == Case.complaint_id).where(
        or_(Case.updated_at >= since, Complaint.received_at >= since)))
    written = sum(refresh(org, month) for org, month in sorted(pairs))
    db.session.add(RollupRun(rows=written, refreshed_at=started))
    db.session.commit()
    return written

