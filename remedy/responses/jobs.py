"""The daily job of respondent responses: remind respondents before their answers fall
due, mark missed deadlines as untimely, and ask complainants whether a remedy happened.

Idempotent: running it twice on a day changes and sends nothing more (reminders carry a
dedupe key, a missed deadline is marked once, a complainant is asked once)."""

from flask import current_app
from sqlalchemy import or_, select

from remedy.cases import domain as case_domain
from remedy.cases.models import Case, Remedy
from remedy.cases.services import flag_attention
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.services import tell_complainant
from remedy.jobs import commit
from remedy.responses import access, domain
from remedy.responses.models import RespondentRequest
from remedy.responses.services import email_respondent

LIVE = (domain.AWAITING, domain.ANSWERING)


def check_respondent_deadlines(today=None) -> dict[str, int]:
    """Returns what it did: {"reminded", "untimely", "remedy_checks"}."""
    today = today or utcnow().date()
    days_before = current_app.config["RESPONDENT_REMINDER_DAYS"]
    counts = {"reminded": 0, "untimely": 0, "remedy_checks": 0}
    live = db.session.scalars(select(RespondentRequest).where(
        RespondentRequest.status.in_(LIVE),
        or_(RespondentRequest.initial_timely.is_(None), RespondentRequest.final_timely.is_(None)),
    ).order_by(RespondentRequest.id)).all()
    for request in live:
        counts["untimely"] += _mark_missed(request, today)
        counts["reminded"] += _remind(request, today, days_before)
    counts["remedy_checks"] = _ask_about_remedies(today)
    commit()
    return counts


def _mark_missed(request: RespondentRequest, today) -> int:
    missed = []
    if request.status == domain.AWAITING and request.initial_timely is None \
            and today > request.initial_due_on:
        request.initial_timely = False
        missed.append("initial")
    if request.final_timely is None and today > request.final_due_on:
        request.final_timely = False
        missed.append("final")
    if missed:
        flag_attention(request.case, "respondent_late")
        audit.record("respondent_request.untimely", actor="system", subject_type="case",
                     subject_id=request.case_id, organisation_id=request.organisation_id,
                     new={"request": request.id, "missed": missed})
    return len(missed)


def _remind(request: RespondentRequest, today, days_before: int) -> int:
    if request.link_expires_at < utcnow():
        return 0
    which = None
    if request.status == domain.AWAITING and domain.reminder_due(today, request.initial_due_on,
                                                                 days_before):
        which = "initial"
    elif domain.reminder_due(today, request.final_due_on, days_before):
        which = "final"
    if which is None:
        return 0
    queued = email_respondent(request, access.access_link(request), reminder=which,
                              dedupe_key=f"respondent-reminder:{request.id}:{which}")
    return 1 if queued is not None else 0


def _ask_about_remedies(today) -> int:
    """After a remedy's due date, ask the complainant (once) whether it happened."""
    due = db.session.scalars(
        select(Remedy).join(Case).where(
            Remedy.due_on < today, Remedy.status.in_(("proposed", "agreed")),
            Remedy.complainant_asked_at.is_(None), Case.state.notin_(case_domain.FINAL - {case_domain.CLOSED}),
            Case.anonymised_at.is_(None))
        .order_by(Remedy.id)).all()
    for remedy in due:
        remedy.complainant_asked_at = utcnow()
        if remedy.case.complaint is not None:
            tell_complainant(remedy.case.complaint, "remedy_check",
                             data={"remedy": remedy.id, "type": remedy.remedy_type},
                             email="case_update")
    return len(due)
