"""Use-cases of respondent responses: a caseworker sends a case to its respondent, the
respondent answers, the complainant says whether the answer resolves the matter and, later,
whether an offered remedy happened. Each function is one unit of work and one commit.
"""

import secrets
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from remedy.accounts.models import User
from remedy.accounts.services import actor_of
from remedy.cases import clocks
from remedy.cases import domain as case_domain
from remedy.cases.models import Case
from remedy.cases.services import flag_attention, put_remedy
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.core.messages import N_, Message, msg
from remedy.extensions import db
from remedy.intake.evidence import InspectedFile
from remedy.intake.services import tell_complainant
from remedy.intake.storage import document_store
from remedy.intake.uploads import inspect_and_store
from remedy.jobs import commit
from remedy.notifications.services import queue_email
from remedy.registry.models import Respondent
from remedy.responses import access, domain
from remedy.responses.access import RespondentPrincipal
from remedy.responses.models import RespondentRequest, RespondentResponse, ResponseDocument

LIVE = (domain.AWAITING, domain.ANSWERING)


# --- asking -------------------------------------------------------------------------------


def _respondent(case: Case, target: str) -> Respondent:
    complaint = case.complaint
    respondent = None
    if complaint is not None:
        respondent = complaint.provider if target == "provider" else complaint.deployer
    if respondent is None:
        raise ValidationFailed(domain.INVALID, {"target": [
            N_("The complaint names no such organisation in the registry.")]})
    if not respondent.contact_email:
        raise ValidationFailed(domain.INVALID, {"target": [
            N_("The registry has no contact email for this organisation: add one on its "
               "registry page first.")]})
    return respondent


def identity_shared(case: Case) -> bool:
    return bool(case.complaint and case.complaint.consent_share_with_respondent
                and case.anonymised_at is None)


def prepare_request(user: User, case: Case, values: dict):
    """What would be sent, without sending it: (draft, respondent, packet). The caseworker
    sees exactly this before sending."""
    if case.state in case_domain.FINAL:
        raise Conflict(N_("This case is closed: it cannot be sent to the respondent."))
    if case.complaint is None:
        raise ValidationFailed(N_("This case has no complaint to send."))
    shared = identity_shared(case)
    draft = domain.parse_request(values, identity_shared=shared)
    respondent = _respondent(case, draft.target)
    complaint = case.complaint
    facts = domain.CaseFacts(
        organisation=case.organisation.name, ai_system=complaint.ai_system_as_named,
        respondent_as_named=(complaint.provider_as_named if draft.target == "provider"
                             else complaint.deployer_as_named),
        sector=complaint.sector, rights_dimensions=tuple(complaint.rights_dimensions),
        title=complaint.title, narrative=complaint.narrative, language=complaint.language,
        complainant_name=complaint.contact_name, date_of_harm=complaint.date_of_harm,
        remedies_sought=tuple(complaint.remedies_sought))
    return draft, respondent, domain.build_packet(facts, draft, identity_shared=shared)


def send_request(user: User, case: Case, values: dict, *, today: date | None = None):
    """Send the case to its respondent: the request, its clocks, an email with the access
    link, a line on the complainant's timeline. Returns (request, access link)."""
    draft, respondent, packet = prepare_request(user, case, values)
    live = [r for r in case.respondent_requests
            if r.respondent_id == respondent.id and r.status in LIVE]
    if live:
        raise Conflict(N_("This organisation already has an unanswered request on this case."))
    today = today or utcnow().date()
    organisation = case.organisation
    rules = domain.respondent_clock_rules(organisation.clock_lengths)
    deadlines = domain.request_deadlines(today, rules, clocks.holiday_check(organisation.country))
    request = RespondentRequest(
        case=case, organisation_id=case.organisation_id, respondent=respondent,
        sent_to=respondent.contact_email, sent_by_id=user.id, questions=list(draft.questions),
        extra_question=draft.extra_question, summary=draft.summary, packet=packet,
        status=domain.AWAITING, link_nonce=secrets.token_hex(16),
        initial_due_on=deadlines.initial_due_on, final_due_on=deadlines.final_due_on,
        link_expires_at=access.link_expiry(deadlines.final_due_on), language=user.locale)
    db.session.add(request)
    db.session.flush()
    case.respondent_due_on = deadlines.initial_due_on
    audit.record("respondent_request.sent", actor=actor_of(user), subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id,
                 new={"request": request.id, "respondent": respondent.id,
                      "identity_shared": packet["identity"] is not None,
                      "questions": list(draft.questions)})
    tell_complainant(case.complaint, "respondent_asked", data={"request": request.id},
                     email="case_update")
    link = access.access_link(request)
    email_respondent(request, link)
    commit()
    return request, link


def email_respondent(request: RespondentRequest, link: str, reminder: str | None = None,
                      dedupe_key: str | None = None):
    """The email with the access link (first sending, renewal, or a reminder); None when
    this reminder was already sent."""
    return queue_email("respondent_request", to=request.sent_to, locale=request.language,
                dedupe_key=dedupe_key, url=link, reminder=reminder,
                organisation_name=request.organisation.name, request_id=request.id,
                initial_due=request.initial_due_on.isoformat(),
                final_due=request.final_due_on.isoformat())


def request_of_case(case: Case, request_id: int) -> RespondentRequest:
    request = next((r for r in case.respondent_requests if r.id == request_id), None)
    if request is None:
        raise NotFound(N_("There is no such request."))
    return request


def _revoke(request: RespondentRequest, actor: str) -> None:
    request.status = domain.REVOKED
    request.revoked_at = utcnow()
    request.link_nonce = secrets.token_hex(16)
    _refresh_respondent_due(request.case)
    audit.record("respondent_request.revoked", actor=actor, subject_type="case",
                 subject_id=request.case_id, organisation_id=request.organisation_id,
                 new={"request": request.id})


def revoke_request(user: User, case: Case, request_id: int) -> RespondentRequest:
    """Withdraw a request: its link stops working at once and no answer is awaited."""
    request = request_of_case(case, request_id)
    if request.status in LIVE:
        _revoke(request, actor_of(user))
    commit()
    return request


def withdraw_live_requests(case: Case, *, actor: str) -> None:
    """The complaint was withdrawn: every unanswered request is withdrawn too (in the
    caller's transaction)."""
    for request in case.respondent_requests:
        if request.status in LIVE:
            _revoke(request, actor)


def erase_respondent_exchange(case: Case) -> list[str]:
    """Erase what the exchange with the respondent holds about the complainant (in the
    caller's transaction): their part of what was sent, the answers' texts about them and
    the documents, and their feedback. Categories, dates and timeliness stay for
    statistics; a public response stays public. Returns the document files no answer
    uses any more, to delete."""
    from remedy.intake.privacy import ERASED

    files = []
    for request in case.respondent_requests:
        if request.packet.get("identity"):
            request.packet = {**request.packet, "identity": None, "identity_erased": True}
        for response in request.responses:
            for name in ("explanation", "human_review", "data_used", "remedy_offered",
                         "extra_answer", "feedback_comment"):
                if getattr(response, name):
                    setattr(response, name, ERASED)
            files += [d.sha256 for d in response.documents]
            response.documents.clear()
    if not files:
        return []
    db.session.flush()  # the same file may be another answer's document: it stays
    still_used = set(db.session.scalars(
        select(ResponseDocument.sha256).where(ResponseDocument.sha256.in_(files))))
    return sorted(set(files) - still_used)


def renew_link(user: User, case: Case, request_id: int) -> str:
    """A new access link (the old ones stop working), valid again until after the final
    deadline, sent to the respondent's contact."""
    request = request_of_case(case, request_id)
    if request.status == domain.REVOKED:
        raise Conflict(N_("This request was withdrawn."))
    request.link_nonce = secrets.token_hex(16)
    request.link_expires_at = access.link_expiry(max(request.final_due_on, utcnow().date()))
    audit.record("respondent_request.link_renewed", actor=actor_of(user), subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id,
                 new={"request": request.id})
    link = access.access_link(request)
    email_respondent(request, link)
    commit()
    return link


def _refresh_respondent_due(case: Case) -> None:
    due = []
    for request in case.respondent_requests:
        if request.status == domain.AWAITING:
            due.append(request.initial_due_on)
        elif request.status == domain.ANSWERING:
            promised = request.latest_response.final_due_on if request.latest_response else None
            due.append(min(d for d in (promised, request.final_due_on) if d))
    case.respondent_due_on = min(due) if due else None


# --- answering ----------------------------------------------------------------------------


def open_link(token: str | None) -> RespondentRequest:
    """The respondent follows its link: the request, with the opening in the audit trail;
    NotAuthorised for a wrong, expired or withdrawn link."""
    request = access.request_for_link(token)
    audit.record("respondent_request.opened", actor=f"respondent-link:{request.id}",
                 subject_type="case", subject_id=request.case_id,
                 organisation_id=request.organisation_id, new={"request": request.id})
    commit()
    return request


def _requests_query(principal: RespondentPrincipal):
    query = select(RespondentRequest).where(
        RespondentRequest.respondent_id == principal.respondent_id,
        RespondentRequest.organisation_id == principal.organisation_id,
        RespondentRequest.status != domain.REVOKED)
    if principal.request_id is not None:
        query = query.where(RespondentRequest.id == principal.request_id)
    return query


def requests_for(principal: RespondentPrincipal, *, page: int = 1,
                 per_page: int | None = None) -> list[RespondentRequest]:
    """The requests this respondent may open, newest first (a page of them if asked)."""
    query = _requests_query(principal).order_by(RespondentRequest.id.desc())
    if per_page is not None:
        query = query.offset((page - 1) * per_page).limit(per_page)
    return db.session.scalars(query).all()


def count_requests_for(principal: RespondentPrincipal) -> int:
    return db.session.scalar(select(func.count()).select_from(_requests_query(principal).subquery()))


def request_for(principal: RespondentPrincipal, request_id: int, *,
                lock: bool = False) -> RespondentRequest:
    """A request this respondent may open; NotFound for any other (as if absent)."""
    query = select(RespondentRequest).where(RespondentRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    request = db.session.scalar(query)
    if request is None or request.status == domain.REVOKED or not principal.may_open(request):
        raise NotFound(N_("There is no such request."))
    return request


def packet_for_respondent(request: RespondentRequest) -> dict:
    """What the respondent may read of the case today (see domain.visible_packet)."""
    return domain.visible_packet(request.packet, identity_shared(request.case))


def too_many_documents(uploads) -> Message | None:
    limit = current_app.config["UPLOAD_MAX_FILES"]
    if len(uploads) > limit:
        return msg(N_("You can attach at most %(max)d files."), max=limit)
    return None


def store_documents(uploads) -> list[InspectedFile]:
    """The respondent's files, inspected and stored; ValidationFailed on `documents` if
    there are too many or one is refused (then nothing is kept of the answer)."""
    problem = too_many_documents(uploads)
    if problem is not None:
        raise ValidationFailed(domain.INVALID, {"documents": [problem]})
    stored, problems = inspect_and_store(uploads, store=document_store())
    if problems:
        raise ValidationFailed(domain.INVALID, {"documents": problems})
    return stored


def check_response(request: RespondentRequest, values: dict, *, today: date | None = None):
    """An answer checked against this request (its questions and final deadline), without
    saving anything: ValidationFailed or Conflict as `submit_response` would raise."""
    ensure_answerable(request)
    return domain.parse_response(values, questions=request.questions,
                                 today=today or utcnow().date(),
                                 final_deadline=request.final_due_on)


def ensure_answerable(request: RespondentRequest) -> None:
    if request.status == domain.ANSWERED:
        raise Conflict(N_("This request already has a final answer."))


def submit_response(principal: RespondentPrincipal, request_id: int, values: dict,
                    files: list[InspectedFile] = (), *, today: date | None = None) -> RespondentResponse:
    """The respondent's answer. A first answer may say "in progress" with a date; a final
    answer settles the request. Each is marked timely or not against its deadline; an offered
    remedy becomes a tracked remedy on the case; the complainant and the caseworker hear of it."""
    request = request_for(principal, request_id, lock=True)
    today = today or utcnow().date()
    draft = check_response(request, values, today=today)
    timeliness = domain.timeliness_after_answer(
        today, initial_due=request.initial_due_on, final_due=request.final_due_on,
        initial_before=request.initial_timely, is_final=draft.is_final)
    window = domain.respondent_clock_rules(request.organisation.clock_lengths)["complainant_feedback"]
    response = RespondentResponse(
        category=draft.category, explanation=draft.explanation, human_review=draft.human_review,
        data_used=draft.data_used, remedy_offered=draft.remedy_offered,
        remedy_types=list(draft.remedy_types), remedy_due_on=draft.remedy_due_on,
        extra_answer=draft.extra_answer, public_response=draft.public_response,
        final_due_on=draft.final_due_on, suggested_respondent=draft.suggested_respondent,
        submitted_by=principal.actor, timely=timeliness.final if draft.is_final else timeliness.initial,
        feedback_due_on=(case_domain.add_days(today, window.length, window.unit,
                                                      clocks.holiday_check(request.organisation.country))
                         if draft.is_final else None))
    for item in files:
        response.documents.append(ResponseDocument(sha256=item.sha256, size=item.size,
                                                   media_type=item.media_type,
                                                   display_name=item.display_name))
    request.responses.append(response)
    request.initial_timely, request.final_timely = timeliness.initial, timeliness.final
    request.status = domain.ANSWERED if draft.is_final else domain.ANSWERING
    case = request.case
    _refresh_respondent_due(case)
    db.session.flush()
    audit.record("respondent_request.answered", actor=principal.actor, subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id,
                 new={"request": request.id, "response": response.id, "category": draft.category,
                      "timely": response.timely, "documents": len(files)})
    for remedy_type in draft.remedy_types:
        put_remedy(case, actor=principal.actor, remedy_type=remedy_type, status="proposed",
                   due_on=draft.remedy_due_on, follow_up=draft.remedy_offered,
                   offered_by="respondent")
    flag_attention(case, "respondent_answered")
    if case.complaint is not None:
        tell_complainant(case.complaint, "respondent_answered",
                         data={"request": request.id, "response": response.id},
                         email="case_update")
    commit()
    return response
