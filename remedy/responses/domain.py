"""The rules of asking a respondent and of its answer, in plain Python: the questions, the
answer categories, what each category requires, the clocks, and what the respondent may see.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from remedy.cases.domain import RESPONDENT_CLOCKS, ClockRule, add_days, clock_rules
from remedy.core.errors import ValidationFailed
from remedy.core.messages import N_, msg
from remedy.core.text import checked_text
from remedy.core.vocabulary import REMEDIES

# The questions a caseworker can ask; each is also the name of the field that answers it.
QUESTIONS = {
    "explanation": N_("Explain the decision and the role the AI system played in it."),
    "human_review": N_("Say whether a person reviewed the decision, and how."),
    "data_used": N_("Say what data about the person was used."),
    "remedy_offered": N_("Say what remedy you offer to put things right."),
}

# The same, as headings of the answers (for the complainant and the caseworker).
ANSWER_HEADINGS = {
    "explanation": N_("How the decision was made, and the AI system's part in it"),
    "human_review": N_("Whether a person reviewed the decision"),
    "data_used": N_("The data about the person that was used"),
    "remedy_offered": N_("What is offered to put things right"),
}

CLOSED_WITH_EXPLANATION = "closed_with_explanation"
CLOSED_WITH_MONETARY_RELIEF = "closed_with_monetary_relief"
CLOSED_WITH_NON_MONETARY_RELIEF = "closed_with_non_monetary_relief"
IN_PROGRESS = "in_progress"
WRONG_RESPONDENT = "wrong_respondent"

CATEGORIES = {
    CLOSED_WITH_EXPLANATION: N_("Closed with an explanation"),
    CLOSED_WITH_MONETARY_RELIEF: N_("Closed with monetary relief"),
    CLOSED_WITH_NON_MONETARY_RELIEF: N_("Closed with non-monetary relief"),
    IN_PROGRESS: N_("In progress: a final answer will follow"),
    WRONG_RESPONDENT: N_("Not our system, or we are the wrong organisation"),
}
FINAL_CATEGORIES = frozenset(CATEGORIES) - {IN_PROGRESS}
RELIEF_CATEGORIES = frozenset({CLOSED_WITH_MONETARY_RELIEF, CLOSED_WITH_NON_MONETARY_RELIEF})

# Where a request stands.
AWAITING, ANSWERING, ANSWERED, REVOKED = "awaiting", "in_progress", "answered", "revoked"
REQUEST_STATUSES = {
    AWAITING: N_("Waiting for the first answer"),
    ANSWERING: N_("Answer in progress"),
    ANSWERED: N_("Answered"),
    REVOKED: N_("Withdrawn by the caseworker"),
}

LONG_TEXT = 20_000
SHORT_TEXT = 5_000
INVALID = N_("Some answers need attention.")


class _Errors(dict):
    def add(self, name, message):
        self.setdefault(name, []).append(message)

    def raise_if_any(self):
        if self:
            raise ValidationFailed(INVALID, dict(self))


def _text(errors: _Errors, values: dict, name: str, limit: int = LONG_TEXT,
          required: bool = False) -> str | None:
    text, problem = checked_text(values.get(name), limit=limit, required=required)
    if problem is not None:
        errors.add(name, problem)
    return text


def _date(errors: _Errors, values: dict, name: str) -> date | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        errors.add(name, N_("Write the date as year-month-day, like 2025-03-31."))
        return None


def _choices(errors: _Errors, values: dict, name: str, allowed) -> list[str]:
    raw = values.get(name) or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple) or any(not isinstance(v, str) or v not in allowed
                                                for v in raw):
        errors.add(name, N_("Choose only from the options given."))
        return []
    return list(dict.fromkeys(raw))


# --- asking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDraft:
    questions: tuple[str, ...]
    extra_question: str | None
    summary: str | None
    target: str  # deployer | provider


TARGETS = ("deployer", "provider")


def parse_request(values: dict, *, identity_shared: bool) -> RequestDraft:
    """A caseworker's request. Without the complainant's consent the respondent gets the
    caseworker's summary instead of the complainant's words, so a summary is required."""
    errors = _Errors()
    questions = _choices(errors, values, "questions", QUESTIONS)
    if not questions and "questions" not in errors:
        errors.add("questions", N_("Ask at least one question."))
    extra = _text(errors, values, "extra_question", SHORT_TEXT)
    summary = _text(errors, values, "summary", SHORT_TEXT, required=not identity_shared)
    target = values.get("target") or "deployer"
    if not isinstance(target, str) or target not in TARGETS:
        errors.add("target", N_("Choose only from the options given."))
    errors.raise_if_any()
    return RequestDraft(tuple(q for q in QUESTIONS if q in questions), extra, summary, target)


@dataclass(frozen=True)
class Deadlines:
    initial_due_on: date
    final_due_on: date


def request_deadlines(sent_on: date, rules: dict[str, ClockRule],
                      is_holiday: Callable[[date], bool]) -> Deadlines:
    first, final = rules["respondent_answer"], rules["respondent_final"]
    return Deadlines(add_days(sent_on, first.length, first.unit, is_holiday),
                     add_days(sent_on, final.length, final.unit, is_holiday))


def respondent_clock_rules(settings: dict | None) -> dict[str, ClockRule]:
    """The respondent clocks with an organisation's own lengths where it set them."""
    return {rule.name: rule for rule in clock_rules(settings, RESPONDENT_CLOCKS)}


@dataclass(frozen=True)
class CaseFacts:
    """What the packet may be built from, as plain values."""

    organisation: str
    ai_system: str
    respondent_as_named: str | None
    sector: str
    rights_dimensions: tuple[str, ...]
    title: str
    narrative: str
    language: str
    complainant_name: str | None
    date_of_harm: date | None
    remedies_sought: tuple[str, ...] = field(default_factory=tuple)


def build_packet(facts: CaseFacts, draft: RequestDraft, *, identity_shared: bool) -> dict:
    """What the respondent is shown, frozen at sending. The `identity` part (the
    complainant's name, words and date) is only there with consent; without it the
    respondent reads the caseworker's summary and nothing that names the person."""
    packet = {
        "version": 1,
        "organisation": facts.organisation,
        "ai_system": facts.ai_system,
        "respondent_as_named": facts.respondent_as_named,
        "sector": facts.sector,
        "rights_dimensions": list(facts.rights_dimensions),
        "remedies_sought": list(facts.remedies_sought),
        "questions": list(draft.questions),
        "extra_question": draft.extra_question,
        "summary": draft.summary,
        "identity": None,
    }
    if identity_shared:
        packet["identity"] = {
            "title": facts.title,
            "narrative": facts.narrative,
            "language": facts.language,
            "complainant_name": facts.complainant_name,
            "date_of_harm": facts.date_of_harm.isoformat() if facts.date_of_harm else None,
        }
    return packet


def visible_packet(packet: dict, consent_now: bool) -> dict:
    """The packet as the respondent may see it today: a withdrawn consent hides the
    complainant's part again at once."""
    if consent_now or not packet.get("identity"):
        return packet
    return {**packet, "identity": None, "identity_withdrawn": True}


# --- answering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseDraft:
    category: str
    explanation: str | None
    human_review: str | None
    data_used: str | None
    remedy_offered: str | None
    remedy_types: tuple[str, ...]
    remedy_due_on: date | None
    extra_answer: str | None
    public_response: str | None
    final_due_on: date | None
    suggested_respondent: str | None

    @property
    def is_final(self) -> bool:
        return self.category in FINAL_CATEGORIES


def parse_response(values: dict, *, questions: tuple[str, ...] | list[str], today: date,
                   final_deadline: date) -> ResponseDraft:
    """A respondent's answer, or ValidationFailed naming each field.

    A final answer answers every question asked; relief names what is offered (compensation
    for monetary relief); "in progress" gives a date for the final answer within the final
    deadline; "wrong respondent" says who it should be.
    """
    errors = _Errors()
    category = values.get("category")
    if not isinstance(category, str) or category not in CATEGORIES:
        errors.add("category", N_("Choose how you answer."))
        category = None
    final = category in FINAL_CATEGORIES and category != WRONG_RESPONDENT
    answers = {name: _text(errors, values, name, required=final and name in questions)
               for name in QUESTIONS}
    if category == CLOSED_WITH_EXPLANATION and not answers["explanation"] and "explanation" not in errors:
        errors.add("explanation", N_("This is required."))
    remedy_types = _choices(errors, values, "remedy_types", REMEDIES)
    remedy_due = _date(errors, values, "remedy_due_on")
    if category in RELIEF_CATEGORIES:
        if not remedy_types and "remedy_types" not in errors:
            errors.add("remedy_types", N_("Choose at least one remedy you offer."))
        if not answers["remedy_offered"] and "remedy_offered" not in errors:
            errors.add("remedy_offered", N_("This is required."))
    if category == CLOSED_WITH_MONETARY_RELIEF and remedy_types and "compensation" not in remedy_types:
        errors.add("remedy_types", N_("Monetary relief is compensation: choose it too."))
    if remedy_due is not None and remedy_due < today:
        errors.add("remedy_due_on", N_("This date is in the past."))
    extra = _text(errors, values, "extra_answer")
    public = _text(errors, values, "public_response", SHORT_TEXT)
    final_due = _date(errors, values, "final_due")
    if category == IN_PROGRESS:
        if final_due is None and "final_due" not in errors:
            errors.add("final_due", N_("Say by when you will give your final answer."))
        elif final_due is not None and not today <= final_due <= final_deadline:
            errors.add("final_due", msg(
                N_("Choose a date from today until %(date)s, when the final answer is due."),
                date=final_deadline.isoformat()))
    suggested = _text(errors, values, "suggested_respondent", 300,
                      required=category == WRONG_RESPONDENT)
    errors.raise_if_any()
    return ResponseDraft(category, answers["explanation"], answers["human_review"],
                         answers["data_used"], answers["remedy_offered"], tuple(remedy_types),
                         remedy_due, extra, public, final_due if category == IN_PROGRESS else None,
                         suggested if category == WRONG_RESPONDENT else None)


def is_timely(answered_on: date, due_on: date) -> bool:
    return answered_on <= due_on


@dataclass(frozen=True)
class Timeliness:
    initial: bool | None
    final: bool | None


def timeliness_after_answer(answered_on: date, *, initial_due: date, final_due: date,
                            initial_before: bool | None, is_final: bool) -> Timeliness:
    """Which of the two deadlines this answer met. The first answer settles the initial one;
    a final answer settles the final one (a first answer that is final settles both)."""
    initial = initial_before if initial_before is not None else is_timely(answered_on, initial_due)
    final = is_timely(answered_on, final_due) if is_final else None
    return Timeliness(initial, final)


def reminder_due(today: date, due_on: date, days_before: int) -> bool:
    """Whether a reminder of a deadline `due_on` should go out today (once, from
    `days_before` days before it until it falls due)."""
    return 0 <= (due_on - today).days <= days_before


# --- the complainant's say ------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    satisfied: bool
    comment: str | None


def _yes_or_no(values: dict, name: str, question, *, comment_if_no: bool) -> Feedback:
    """A yes/no answer (JSON true/false, or a form's "yes"/"no") with an optional comment."""
    errors = _Errors()
    answer = values.get(name)
    if isinstance(answer, str):
        answer = {"yes": True, "true": True, "no": False, "false": False}.get(answer.lower())
    if not isinstance(answer, bool):
        errors.add(name, question)
    comment = _text(errors, values, "comment", SHORT_TEXT,
                    required=comment_if_no and answer is False)
    errors.raise_if_any()
    return Feedback(answer, comment)


def parse_feedback(values: dict) -> Feedback:
    """Does the answer resolve the matter (`satisfied`)? If not, the complainant says why."""
    return _yes_or_no(values, "satisfied", N_("Say whether the answer resolves the matter."),
                      comment_if_no=True)


def parse_remedy_check(values: dict) -> Feedback:
    """The complainant's answer to "did the remedy happen?" (`happened`, `comment`)."""
    return _yes_or_no(values, "happened", N_("Say whether it happened."), comment_if_no=False)
