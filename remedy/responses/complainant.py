"""The complainant's say on the respondent's answer: whether it resolves the matter (once,
within the organisation's window), and, after a remedy's due date, whether it happened.
Either puts the case before its caseworker again."""

from datetime import date

from remedy.cases.models import Remedy
from remedy.cases.services import flag_attention
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotFound
from remedy.core.messages import N_
from remedy.intake.models import Complaint, ComplaintEvent
from remedy.jobs import commit
from remedy.responses import domain
from remedy.responses.models import RespondentResponse


def answers_for_complainant(complaint: Complaint) -> list[RespondentResponse]:
    """The respondent's answers to this complainant's case, oldest first."""
    case = getattr(complaint, "case", None)
    if case is None:
        return []
    return [response for request in case.respondent_requests if request.status != domain.REVOKED
            for response in request.responses]


def feedback_open(response: RespondentResponse, today: date) -> bool:
    return (response.category in domain.FINAL_CATEGORIES and response.feedback_at is None
            and response.feedback_due_on is not None and today <= response.feedback_due_on
            and response.request.status != domain.REVOKED)


def give_feedback(complaint: Complaint, values: dict, *, response_id: int | None = None,
                  today: date | None = None) -> RespondentResponse:
    """The complainant says whether the respondent's final answer resolves the matter (once,
    within the organisation's window). A dispute puts the case before the caseworker again."""
    today = today or utcnow().date()
    answers = [r for r in answers_for_complainant(complaint)
               if response_id is None or r.id == response_id]
    open_answers = [r for r in answers if feedback_open(r, today)]
    if not open_answers:
        raise Conflict(N_("There is no answer waiting for your view."))
    feedback = domain.parse_feedback(values)
    response = open_answers[-1]
    response.feedback_satisfied, response.feedback_comment = feedback.satisfied, feedback.comment
    response.feedback_at = utcnow()
    complaint.events.append(ComplaintEvent(kind="feedback", author="complainant",
                                           body=feedback.comment,
                                           data={"satisfied": feedback.satisfied,
                                                 "response": response.id}))
    case = complaint.case
    flag_attention(case, "complainant_satisfied" if feedback.satisfied else "complainant_disputes")
    audit.record("respondent_response.feedback", actor="complainant", subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id,
                 new={"response": response.id, "satisfied": feedback.satisfied})
    commit()
    return response


def remedies_to_confirm(complaint: Complaint) -> list[Remedy]:
    """Remedies the complainant was asked about and has not answered yet."""
    case = getattr(complaint, "case", None)
    if case is None:
        return []
    return [r for r in case.remedies
            if r.complainant_asked_at is not None and r.complainant_answered_at is None]


def confirm_remedy(complaint: Complaint, remedy_id: int, values: dict) -> Remedy:
    """The complainant says whether a remedy happened, after its due date."""
    remedy = next((r for r in remedies_to_confirm(complaint) if r.id == remedy_id), None)
    if remedy is None:
        raise NotFound(N_("There is no such remedy."))
    answer = domain.parse_remedy_check(values)
    remedy.complainant_says_done, remedy.complainant_comment = answer.satisfied, answer.comment
    remedy.complainant_answered_at = utcnow()
    complaint.events.append(ComplaintEvent(kind="remedy_check_answered", author="complainant",
                                           body=answer.comment,
                                           data={"remedy": remedy.id, "type": remedy.remedy_type,
                                                 "happened": answer.satisfied}))
    case = complaint.case
    flag_attention(case, "remedy_done" if answer.satisfied else "remedy_not_done")
    audit.record("remedy.complainant_answered", actor="complainant", subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id,
                 new={"remedy": remedy.id, "happened": answer.satisfied})
    commit()
    return remedy
