"""Scheduled casework jobs."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from remedy.accounts.domain import SUPERVISOR, at_least
from remedy.accounts.models import User
from remedy.cases import domain
from remedy.cases.models import Case
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.jobs import commit
from remedy.notifications.services import queue_email

DUE_SOON_DAYS = 2


def send_deadline_digests() -> int:
    """Each morning: every assignee gets their cases due within two days or overdue, and
    those that need their attention again; every supervisor gets the organisation's overdue
    cases. At most one digest a person a day
    (running the job twice sends nothing more). Returns how many digests were queued."""
    today = utcnow().date()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    due = db.session.scalars(
        select(Case).where(Case.state.in_(domain.OPEN), Case.next_due_on.is_not(None),
                           Case.next_due_on <= soon)
        .options(selectinload(Case.complaint))
        .order_by(Case.next_due_on)
    ).all()
    # Cases something happened on (the respondent answered, the complainant disputes...).
    noticed = db.session.scalars(
        select(Case).where(Case.attention_since.is_not(None), Case.assignee_id.is_not(None))
        .options(selectinload(Case.complaint)).order_by(Case.attention_since)
    ).all()
    staff = db.session.scalars(select(User).where(User.active.is_(True),
                                                  User.organisation_id.is_not(None))).all()
    queued = 0
    for user in staff:
        mine = [c for c in due if c.assignee_id == user.id]
        overdue_in_org = ([c for c in due if c.organisation_id == user.organisation_id
                           and c.next_due_on < today] if at_least(user.role, SUPERVISOR) else [])
        attention = [{"reference": c.complaint.reference if c.complaint else f"#{c.id}",
                      "reason": c.attention_reason, "url_path": f"/cases/{c.id}"}
                     for c in noticed if c.assignee_id == user.id]
        if not mine and not overdue_in_org and not attention:
            continue
        rows = lambda cases: [  # noqa: E731
            {"reference": c.complaint.reference if c.complaint else f"#{c.id}",
             "due_on": c.next_due_on.isoformat(), "overdue": c.next_due_on < today,
             "url_path": f"/cases/{c.id}"} for c in cases]
        if queue_email("deadline_digest", to=user.email, locale=user.locale,
                       dedupe_key=f"digest:{user.id}:{today.isoformat()}",
                       mine=rows(mine), organisation_overdue=rows(overdue_in_org),
                       attention=attention,
                       day=today.isoformat()):
            queued += 1
    commit()
    return queued


def apply_retention() -> int:
    """Anonymise cases closed longer ago than RETENTION_DAYS (no limit when unset).
    Returns how many were anonymised."""
    from flask import current_app

    from remedy.cases.services import erase_complainant_data

    days = current_app.config.get("RETENTION_DAYS")
    if not days:
        return 0
    cutoff = utcnow() - timedelta(days=int(days))
    due = db.session.scalars(
        select(Case).where(Case.state.in_(domain.FINAL), Case.closed_at < cutoff,
                           Case.anonymised_at.is_(None)).limit(1000)
    ).all()
    return sum(erase_complainant_data(case, reason="retention period ended") for case in due)
