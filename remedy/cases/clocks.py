"""Deadline clocks of a case, between the pure rules (`cases.domain`) and the database.

Working days are counted in the organisation's country, with public holidays from the
`holidays` library (no holidays for a country it does not know).
"""

from datetime import date
from functools import cache

import holidays as holiday_calendars

from remedy.cases import domain
from remedy.cases.models import Case, CaseClock


@cache
def _calendar(country: str):
    try:
        return holiday_calendars.country_holidays(country)
    except (KeyError, NotImplementedError):
        return {}


def holiday_check(country: str):
    calendar = _calendar(country)
    return lambda day: day in calendar


def advance(case: Case, entered: str, today: date) -> None:
    """Start, stop, pause or resume the case's clocks as it enters `entered`."""
    organisation = case.organisation
    rules = domain.clock_rules(organisation.clock_lengths)
    current = [domain.ClockState(c.name, c.started_on, c.due_on, c.paused_since, c.stopped_on)
               for c in case.clocks]
    updated = domain.advance_clocks(current, entered, today, rules,
                                    holiday_check(organisation.country))
    for row, state in zip(case.clocks, updated[: len(case.clocks)], strict=True):
        row.due_on, row.paused_since, row.stopped_on = state.due_on, state.paused_since, state.stopped_on
    for state in updated[len(case.clocks):]:
        case.clocks.append(CaseClock(name=state.name, started_on=state.started_on,
                                     due_on=state.due_on))
    refresh_next_due(case)


def refresh_next_due(case: Case) -> None:
    running = [c.due_on for c in case.clocks if c.stopped_on is None and c.paused_since is None]
    case.next_due_on = min(running) if running else None


def running(case: Case) -> list[CaseClock]:
    return [c for c in case.clocks if c.stopped_on is None]
