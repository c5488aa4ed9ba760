"""The workflow table and the deadline clocks, without a request or a database."""

from datetime import date

import pytest

from remedy.cases import domain
from remedy.cases.domain import (
    CALENDAR_DAYS,
    WORKING_DAYS,
    ClockState,
    ReasonRequired,
    TransitionNotAllowed,
    add_days,
    advance_clocks,
    allowed_targets,
    clock_rules,
    needs_approval,
    next_transition,
)

NO_HOLIDAYS = lambda day: False  # noqa: E731
CHRISTMAS = {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)}


def test_the_happy_path_of_the_design_is_allowed():
    path = ["received", "triage", "needs_info", "triage", "investigating", "remedy_proposed",
            "remedy_monitoring", "closed"]
    for current, target in zip(path, path[1:], strict=False):
        reason = "because" if target in ("needs_info", "closed") else None
        assert next_transition(current, target, role="caseworker", reason=reason).target == target


@pytest.mark.parametrize("current, target", [
    ("received", "closed"), ("received", "investigating"), ("closed", "triage"),
    ("withdrawn", "investigating"), ("needs_info", "investigating"), ("triage", "remedy_proposed"),
])
def test_moves_outside_the_graph_are_refused_with_the_allowed_targets(current, target):
    with pytest.raises(TransitionNotAllowed) as refusal:
        next_transition(current, target, role="supervisor", reason="x")
    assert refusal.value.allowed == allowed_targets(current, "staff", "supervisor")
    assert target not in refusal.value.allowed


def test_only_the_complainant_withdraws_and_from_any_open_state():
    for state in domain.OPEN:
        assert next_transition(state, "withdrawn", actor="complainant").target == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        next_transition("triage", "withdrawn", role="org_admin")
    for state in domain.FINAL:
        with pytest.raises(TransitionNotAllowed):
            next_transition(state, "withdrawn", actor="complainant")


def test_staff_roles_are_needed_and_a_sysadmin_has_none():
    assert allowed_targets("received", "staff", "caseworker") == ["triage"]
    assert allowed_targets("received", "staff", "sysadmin") == []
    assert allowed_targets("received", "staff", None) == []


@pytest.mark.parametrize("current, target", [
    ("triage", "needs_info"), ("triage", "inadmissible"), ("investigating", "closed"),
    ("closed", "investigating"), ("inadmissible", "investigating"),
])
def test_some_steps_need_a_reason(current, target):
    with pytest.raises(ReasonRequired) as failure:
        next_transition(current, target, role="caseworker", reason="  ")
    assert "reason" in failure.value.fields
    assert next_transition(current, target, role="caseworker", reason="Clear reason").target == target


def test_closing_waits_for_a_supervisor_only_when_the_organisation_says_so():
    closing = next_transition("investigating", "closed", role="caseworker", reason="done")
    assert needs_approval(closing, "caseworker", True)
    assert not needs_approval(closing, "supervisor", True)
    assert not needs_approval(closing, "caseworker", False)
    moving = next_transition("triage", "investigating", role="caseworker")
    assert not needs_approval(moving, "caseworker", True)


def test_working_days_skip_weekends_and_holidays():
    friday = date(2026, 11, 27)
    assert add_days(friday, 1, WORKING_DAYS, NO_HOLIDAYS) == date(2026, 11, 30)
    assert add_days(friday, 5, WORKING_DAYS, NO_HOLIDAYS) == date(2026, 12, 4)
    assert add_days(date(2026, 12, 23), 1, WORKING_DAYS, CHRISTMAS.__contains__) == date(2026, 12, 28)
    assert add_days(friday, 5, CALENDAR_DAYS, NO_HOLIDAYS) == date(2026, 12, 2)


def test_clocks_start_stop_and_pause():
    rules = clock_rules()
    monday = date(2026, 11, 2)
    clocks = advance_clocks([], "received", monday, rules, NO_HOLIDAYS)
    assert [(c.name, c.due_on) for c in clocks] == [("acknowledge", date(2026, 11, 9))]
    clocks = advance_clocks(clocks, "triage", date(2026, 11, 3), rules, NO_HOLIDAYS)
    acknowledge, triage = clocks
    assert acknowledge.stopped_on == date(2026, 11, 3)
    assert triage.due_on == add_days(date(2026, 11, 3), 20, WORKING_DAYS, NO_HOLIDAYS)
    due_before = triage.due_on
    clocks = advance_clocks(clocks, "needs_info", date(2026, 11, 4), rules, NO_HOLIDAYS)
    assert triage.paused_since == date(2026, 11, 4) and not triage.overdue(date(2027, 1, 1))
    # the complainant answers a week (five working days) later: the deadline moves by five
    clocks = advance_clocks(clocks, "triage", date(2026, 11, 11), rules, NO_HOLIDAYS)
    assert triage.paused_since is None
    assert triage.due_on == add_days(due_before, 5, WORKING_DAYS, NO_HOLIDAYS)
    assert len(clocks) == 2  # going back to triage does not start a second triage clock


def test_an_organisation_sets_its_own_lengths():
    rules = clock_rules({"acknowledge": 2})
    [clock] = advance_clocks([], "received", date(2026, 11, 2), rules, NO_HOLIDAYS)
    assert clock.due_on == date(2026, 11, 4)


def test_overdue_means_past_due_while_running():
    clock = ClockState("acknowledge", date(2026, 11, 2), date(2026, 11, 9))
    assert clock.overdue(date(2026, 11, 10)) and not clock.overdue(date(2026, 11, 9))
    clock.stopped_on = date(2026, 11, 10)
    assert not clock.overdue(date(2026, 12, 1))
