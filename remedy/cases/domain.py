"""The case workflow, in plain Python: the one transition table, who may take each step and
whether a reason is needed, and the deadline clocks.

`next_transition(current, target, actor, role)` is the only way to learn whether a move is
allowed; `cases.services.apply_transition` is the only code that assigns a case's state.
Clocks are data (`CLOCKS`), organisations change their lengths, not their logic.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from remedy.accounts.domain import CASEWORKER, SUPERVISOR, at_least
from remedy.core.errors import Conflict, ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import whole_number

RECEIVED, TRIAGE, NEEDS_INFO, INADMISSIBLE = "received", "triage", "needs_info", "inadmissible"
INVESTIGATING, REFERRED, REMEDY_PROPOSED = "investigating", "referred", "remedy_proposed"
REMEDY_MONITORING, CLOSED, WITHDRAWN = "remedy_monitoring", "closed", "withdrawn"

STATES = (RECEIVED, TRIAGE, NEEDS_INFO, INADMISSIBLE, INVESTIGATING, REFERRED, REMEDY_PROPOSED,
          REMEDY_MONITORING, CLOSED, WITHDRAWN)
FINAL = frozenset({INADMISSIBLE, CLOSED, WITHDRAWN})
OPEN = tuple(s for s in STATES if s not in FINAL)

STAFF, COMPLAINANT = "staff", "complainant"

# The rights dimensions of a case as bits of one integer, so that the queue filters and
# counts them inside its indexes (see Case.rights_mask).
RIGHTS_BITS = {"privacy_data_protection": 1, "equality_non_discrimination": 2,
               "access_to_remedy": 4, "other": 8}


def rights_mask(dimensions) -> int:
    mask = 0
    for dimension in dimensions or ():
        mask |= RIGHTS_BITS.get(dimension, 0)
    return mask

# States as staff call them (the complainant reads core.vocabulary.STATES instead).
STATE_NAMES = {
    RECEIVED: N_("Received"),
    TRIAGE: N_("Triage"),
    NEEDS_INFO: N_("Waiting for the complainant"),
    INADMISSIBLE: N_("Inadmissible"),
    INVESTIGATING: N_("Investigating"),
    REFERRED: N_("Referred"),
    REMEDY_PROPOSED: N_("Remedy proposed"),
    REMEDY_MONITORING: N_("Monitoring the remedy"),
    CLOSED: N_("Closed"),
    WITHDRAWN: N_("Withdrawn by the complainant"),
}

# The complainant's consents, as staff read them (short; the complainant reads the full text).
CONSENT_NAMES = {
    "contact": N_("may be contacted"),
    "share_across_borders": N_("details may cross borders"),
    "publish_narrative": N_("story may be published"),
    "share_with_respondent": N_("may be shown to the respondent"),
}

# Lines of the complainant's timeline, as staff read them.
EVENT_NAMES = {
    "filed": N_("filed the complaint"),
    "message": N_("message"),
    "amendment": N_("added to the complaint"),
    "evidence_added": N_("added files"),
    "consent_changed": N_("changed consents"),
    "withdrawn": N_("withdrew the complaint"),
    "state_changed": N_("next step"),
    "remedy_update": N_("remedy"),
    "respondent_asked": N_("sent to the respondent"),
    "respondent_answered": N_("the respondent answered"),
    "feedback": N_("said whether the answer resolves it"),
    "remedy_check": N_("asked whether a remedy happened"),
    "remedy_check_answered": N_("said whether a remedy happened"),
    "claim_invitation": N_("invited to a collective claim"),
    "claim_opt_in": N_("joined the collective claim"),
    "claim_opt_out": N_("declined the collective claim"),
    "duplicate_closed": N_("closed as a duplicate"),
}

# Why a case needs a caseworker's eyes again (shown in the queue until someone clears it).
ATTENTION_REASONS = {
    "respondent_answered": N_("The respondent answered"),
    "respondent_late": N_("The respondent missed a deadline"),
    "complainant_disputes": N_("The complainant disputes the respondent's answer"),
    "complainant_satisfied": N_("The complainant accepts the respondent's answer"),
    "complainant_answered": N_("The complainant answered the request for information"),
    "remedy_not_done": N_("The complainant says a remedy did not happen"),
    "remedy_done": N_("The complainant says a remedy happened"),
    "referral_info_requested": N_("The authority the case was referred to asks for information"),
    "referral_accepted": N_("The authority accepted the referred case"),
    "referral_declined": N_("The authority declined the referred case"),
    "referral_concluded": N_("The authority concluded the referred case"),
    "referral_late": N_("The authority has not replied to the referral in time"),
    "referral_withdrawn": N_("The sender withdrew the referral after this case was opened"),
}

# What a caseworker sees on the button, by target state.
ACTION_LABELS = {
    TRIAGE: N_("Triage: decide whether to take it up"),
    NEEDS_INFO: N_("Ask the complainant for information"),
    INADMISSIBLE: N_("Close as inadmissible"),
    INVESTIGATING: N_("Investigate"),
    REFERRED: N_("Mark as referred to another authority"),
    REMEDY_PROPOSED: N_("Propose a remedy"),
    REMEDY_MONITORING: N_("Monitor the remedy"),
    CLOSED: N_("Close the case"),
    WITHDRAWN: N_("Withdraw"),
}


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actor: str = STAFF
    min_role: str | None = CASEWORKER
    reason_required: bool = False

    @property
    def closes(self) -> bool:
        return self.target in FINAL


def _staff(source, target, reason=False):
    return Transition(source, target, STAFF, CASEWORKER, reason)


TRANSITIONS: tuple[Transition, ...] = (
    _staff(RECEIVED, TRIAGE),
    _staff(TRIAGE, NEEDS_INFO, reason=True),  # the reason is the question to the complainant
    _staff(NEEDS_INFO, TRIAGE),
    _staff(TRIAGE, INADMISSIBLE, reason=True),
    _staff(TRIAGE, INVESTIGATING),
    _staff(INVESTIGATING, REFERRED, reason=True),
    _staff(REFERRED, INVESTIGATING),
    _staff(REFERRED, CLOSED, reason=True),
    _staff(INVESTIGATING, REMEDY_PROPOSED),
    _staff(INVESTIGATING, CLOSED, reason=True),  # e.g. no breach found
    _staff(REMEDY_PROPOSED, INVESTIGATING, reason=True),  # the remedy was refused
    _staff(REMEDY_PROPOSED, REMEDY_MONITORING),
    _staff(REMEDY_MONITORING, CLOSED, reason=True),
    _staff(CLOSED, INVESTIGATING, reason=True),  # reopened on review
    _staff(INADMISSIBLE, INVESTIGATING, reason=True),
) + tuple(Transition(s, WITHDRAWN, COMPLAINANT, None, False) for s in OPEN)

_TABLE = {(t.source, t.target, t.actor): t for t in TRANSITIONS}


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"

    def __init__(self, message, allowed: list[str]):
        super().__init__(message)
        self.allowed = allowed


class ReasonRequired(ValidationFailed):
    pass


def allowed_targets(current: str, actor: str = STAFF, role: str | None = CASEWORKER) -> list[str]:
    return [t.target for t in TRANSITIONS
            if t.source == current and t.actor == actor
            and (t.min_role is None or (role is not None and at_least(role, t.min_role)))]


def next_transition(current: str, target: str, *, actor: str = STAFF, role: str | None = None,
                    reason: str | None = None) -> Transition:
    """The transition from `current` to `target`, or why not.

    Raises TransitionNotAllowed (with the targets that are allowed) when the graph or the
    role forbids it, and ReasonRequired when the step needs a reason and none was given.
    """
    transition = _TABLE.get((current, target, actor))
    if transition is None or (transition.min_role and not (role and at_least(role, transition.min_role))):
        raise TransitionNotAllowed(
            N_("A case cannot go from this state to that one."),
            allowed_targets(current, actor, role),
        )
    if transition.reason_required and not (reason or "").strip():
        raise ReasonRequired(N_("Give a reason for this step."), {"reason": [N_("This is required.")]})
    return transition


def duplicate_closure(current: str, role: str | None) -> Transition:
    """Closing a case as a duplicate of another (the same person's same complaint filed
    again): from any open state, by staff, with the reason. Not a decision on the merits (the
    original goes on), so it is not one of the steps offered on the case page."""
    if current not in OPEN or current == WITHDRAWN or not (role and at_least(role, CASEWORKER)):
        raise TransitionNotAllowed(N_("This case cannot be closed as a duplicate now."), [])
    return Transition(current, CLOSED, STAFF, CASEWORKER, True)


def needs_approval(transition: Transition, role: str | None, organisation_requires: bool) -> bool:
    """A closing step by a caseworker waits for a supervisor when the organisation says so."""
    return (organisation_requires and transition.actor == STAFF and transition.closes
            and not (role and at_least(role, SUPERVISOR)))


# --- clocks -------------------------------------------------------------------------------

WORKING_DAYS, CALENDAR_DAYS = "working_days", "calendar_days"


@dataclass(frozen=True)
class ClockRule:
    """A named deadline: it starts when a case enters one of `starts_in`, stops when it
    enters one of `stops_in`, and stands still while the case is in one of `pauses_in`."""

    name: str
    label: str
    length: int
    unit: str
    starts_in: frozenset[str]
    stops_in: frozenset[str]
    pauses_in: frozenset[str] = field(default_factory=frozenset)


CLOCKS: tuple[ClockRule, ...] = (
    ClockRule("acknowledge", N_("Acknowledge the complaint"), 5, WORKING_DAYS,
              frozenset({RECEIVED}), frozenset(STATES) - {RECEIVED}),
    ClockRule("triage_decision", N_("Decide whether to take the case up"), 20, WORKING_DAYS,
              frozenset({TRIAGE}), frozenset({INVESTIGATING, INADMISSIBLE, CLOSED, WITHDRAWN}),
              frozenset({NEEDS_INFO})),
    ClockRule("investigation", N_("Investigate"), 90, WORKING_DAYS,
              frozenset({INVESTIGATING}), frozenset({REMEDY_PROPOSED, CLOSED, WITHDRAWN, INADMISSIBLE}),
              frozenset({NEEDS_INFO, REFERRED})),
)
# Deadlines that others keep, started by a step rather than by entering a state: the
# respondent's first and final answers and the complainant's say on them (remedy.responses).
RESPONDENT_CLOCKS: tuple[ClockRule, ...] = (
    ClockRule("respondent_answer", N_("The respondent's first answer"), 15, CALENDAR_DAYS,
              frozenset(), frozenset()),
    ClockRule("respondent_final", N_("The respondent's final answer"), 60, CALENDAR_DAYS,
              frozenset(), frozenset()),
    ClockRule("complainant_feedback", N_("The complainant's say on the answer"), 60,
              CALENDAR_DAYS, frozenset(), frozenset()),
)
# Every clock an organisation can set the length of.
SETTABLE_CLOCKS = CLOCKS + RESPONDENT_CLOCKS
CLOCK_NAMES = tuple(c.name for c in SETTABLE_CLOCKS) + ("referral_reply",)


def clock_rules(settings: dict | None = None,
                clocks: tuple[ClockRule, ...] = CLOCKS) -> tuple[ClockRule, ...]:
    """The clocks with an organisation's own settings where it made them: by clock name,
    a length (`{"acknowledge": 3}`) or a length and unit (`{"length": 3, "unit": ...}`)."""
    settings = settings or {}
    rules = []
    for clock in clocks:
        own = settings.get(clock.name, {})
        own = {"length": own} if isinstance(own, int) else own
        rules.append(ClockRule(clock.name, clock.label, int(own.get("length", clock.length)),
                               own.get("unit", clock.unit), clock.starts_in, clock.stops_in,
                               clock.pauses_in))
    return tuple(rules)


MAX_CLOCK_DAYS = 365


def parse_clock_settings(values: dict) -> dict:
    """Form or API values (`acknowledge_length`, `acknowledge_unit`, ...) as clock settings,
    or ValidationFailed naming the field."""
    settings, fields = {}, {}
    for clock in SETTABLE_CLOCKS:
        length = whole_number(str(values.get(f"{clock.name}_length", "") or ""))
        unit = values.get(f"{clock.name}_unit") or clock.unit
        if length is None or not 1 <= length <= MAX_CLOCK_DAYS:
            fields[f"{clock.name}_length"] = [N_("Write a whole number of days from 1 to 365.")]
            continue
        if unit not in (WORKING_DAYS, CALENDAR_DAYS):
            fields[f"{clock.name}_unit"] = [N_("Choose only from the options given.")]
            continue
        settings[clock.name] = {"length": length, "unit": unit}
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return settings


def add_days(start: date, days: int, unit: str, is_holiday: Callable[[date], bool]) -> date:
    """`days` after `start`: calendar days, or working days (no weekends, no holidays)."""
    if unit == CALENDAR_DAYS:
        return start + timedelta(days=days)
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and not is_holiday(current):
            left -= 1
    return current


def days_between(start: date, end: date, unit: str, is_holiday: Callable[[date], bool]) -> int:
    """How many (working) days from `start` to `end`, not counting `start`."""
    if end <= start:
        return 0
    if unit == CALENDAR_DAYS:
        return (end - start).days
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5 and not is_holiday(current):
            count += 1
    return count


@dataclass
class ClockState:
    """A running (or finished) clock of one case, as plain values."""

    name: str
    started_on: date
    due_on: date
    paused_since: date | None = None
    stopped_on: date | None = None

    def overdue(self, today: date) -> bool:
        return self.stopped_on is None and self.paused_since is None and today > self.due_on


def advance_clocks(clocks: Iterable[ClockState], entered: str, today: date,
                   rules: tuple[ClockRule, ...], is_holiday: Callable[[date], bool]) -> list[ClockState]:
    """The clocks after a case enters state `entered` on `today`: new ones started, finished
    ones stopped, paused ones paused or resumed (a resumed clock's due date moves on by the
    days it stood still). Returns every clock, changed or not."""
    result = list(clocks)
    by_name = {c.name: c for c in result if c.stopped_on is None}
    for rule in rules:
        clock = by_name.get(rule.name)
        if clock is None:
            if entered in rule.starts_in:
                result.append(ClockState(rule.name, today,
                                         add_days(today, rule.length, rule.unit, is_holiday)))
            continue
        if entered in rule.stops_in:
            clock.stopped_on = today
        elif entered in rule.pauses_in:
            clock.paused_since = clock.paused_since or today
        elif clock.paused_since is not None:
            stood_still = days_between(clock.paused_since, today, rule.unit, is_holiday)
            clock.due_on = add_days(clock.due_on, stood_still, rule.unit, is_holiday)
            clock.paused_since = None
    return result
