"""Runs after the fuzz tests of this package (files run in name order): each sent every case
it meant to, and a full run sent at least MIN_CASES generated cases."""

import pytest

from tests.abuse.fuzzing import CASES, MIN_CASES, PLANNED, RAN, SCALE

FULL_RUN = {"forms:accounts", "forms:cases", "forms:collective_registry", "forms:complainant",
            "forms:public", "forms:referrals_directory", "forms:respondents", "api:bodies"}


def test_the_fuzz_tests_sent_every_case_they_planned():
    if not PLANNED:
        pytest.skip("no fuzz test ran in this session")
    for kind, planned in PLANNED.items():
        assert CASES[kind] >= planned, f"{kind}: {CASES[kind]} of {planned} cases sent"
    if not FULL_RUN <= RAN:
        pytest.skip(f"only part of the fuzz tests ran: {sorted(RAN)}")
    total = sum(CASES.values())
    print(f"\n{total} generated cases: {dict(CASES)}")
    assert total >= MIN_CASES * min(SCALE, 1), f"only {total} generated cases in a full run"
