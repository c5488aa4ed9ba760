"""The public observatory follows what happens, read in a real browser as the public reads it:
people in Sweden file complaints (Sweden goes from absent, to hidden at three, to 5 at five:
the observatory hides counts under OBSERVATORY_THRESHOLD and rounds to multiples of it), a
caseworker starts reading them (five complaints move from "received" to "being read"), and
after the rollups' refresh (jobs with Redis; the periodic job catches what a triggered
refresh skipped) the page shows the new figures. With JavaScript on and off; screenshots of
each step; axe-core on every page (with JavaScript on)."""

import json
import urllib.request

import pytest

from remedy.cases.domain import STATE_NAMES
from remedy.observatory.jobs import refresh_rollups
from remedy.observatory.views import STATES
from tests.browser.conftest import log_in
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs
from tests.factories import PASSWORD, complaint_payload, make_user

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests: the Python package playwright is missing "
    "(.venv/bin/pip install -e '.[test]')").expect

CASEWORKER = "reader@nhri.example.org"
HIDDEN = "hidden (small numbers)"
SWEDISH = {"complainant_country": "SE", "sector": "housing", "deployer_country": "SE",
           "title": "Refused a flat by a scoring system", "ai_system": "TenantScore",
           "deployer": "Nordic Homes AB",
           "narrative": "The letting agency's scoring system refused me a flat in a minute."}


def figures(page, group: str) -> dict[str, str]:
    """A table of the observatory as the reader sees it: its rows' labels and numbers."""
    rows = page.locator(f'section[aria-labelledby="h-{group}"] tbody tr').evaluate_all(
        "rows => rows.filter(r => r.querySelector('th'))"
        "            .map(r => [r.querySelector('th').innerText, r.querySelector('td').innerText])")
    return dict(rows)


def headline(page) -> str:
    return page.locator("main p.panel strong").inner_text()


def file_in_public(base_url: str, **changes) -> str:
    """A complaint filed on the public API over HTTP, as an app would: its reference."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/complaints", method="POST",
        data=json.dumps(complaint_payload(**changes)).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return json.loads(response.read())["reference"]


def refreshed(app) -> None:
    """The rollups brought up to date as a running installation does: the refreshes the
    changes asked for (a worker drains them, with Redis; in-process they already ran, at most
    one per OBSERVATORY_REFRESH_SECONDS), then the periodic job that catches up the rest."""
    run_jobs(app)
    with app_context(app):
        refresh_rollups()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_observatory_shows_new_complaints_and_cases_moving_on(
        app, org, live_server, new_context, journey, js):
    for _ in range(10):  # what was already there: ten Danish complaints about employment
        file_complaint(app)
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0
    with app_context(app):
        make_user(email=CASEWORKER, org_slug=org)
    steps = journey(js)
    look = steps.look

    public = new_context(js=js).new_page()
    public.goto(f"{live_server}/observatory?lang=en")
    assert headline(public) == "Complaints: 10"
    assert figures(public, "country") == {"Denmark": "10"}
    assert figures(public, "sector") == {"Work and employment": "10"}
    assert figures(public, "state") == {STATES["received"]: "10"}
    look(public, "before", "/observatory (before)")

    # Three people in Sweden complain about housing: too few to show. Sweden's count is
    # hidden, and Denmark's with it (else it would be the total minus Denmark's), and the
    # page does not say that Denmark's is small (it once said "fewer than 5" of both).
    swedish = [file_in_public(live_server, **SWEDISH) for _ in range(3)]
    refreshed(app)
    public.reload()
    assert headline(public) == "Complaints: 15"  # 13, rounded
    assert figures(public, "country") == {"Denmark": HIDDEN, "Sweden": HIDDEN}
    assert figures(public, "sector") == {"Work and employment": HIDDEN, "Housing": HIDDEN}
    look(public, "hidden", "/observatory (small counts hidden)")

    # Two more: five people in Sweden.
    swedish += [file_in_public(live_server, **SWEDISH) for _ in range(2)]
    refreshed(app)
    public.reload()
    assert headline(public) == "Complaints: 15"
    assert figures(public, "country") == {"Denmark": "10", "Sweden": "5"}
    assert figures(public, "sector") == {"Work and employment": "10", "Housing": "5"}
    assert figures(public, "state") == {STATES["received"]: "15"}
    look(public, "after-filing", "/observatory (after five complaints)")

    # A caseworker starts reading the Swedish complaints.
    staff = new_context(js=js).new_page()
    log_in(staff, live_server, CASEWORKER, PASSWORD)
    expect(staff).to_have_url(f"{live_server}/cases")
    look(staff, "queue", "the queue")
    for number, reference in enumerate(swedish):
        staff.goto(f"{live_server}/cases")
        staff.get_by_role("link", name=reference).click()
        staff.locator("#to").select_option("triage")
        if number == 0:
            look(staff, "case", "a case page")
        staff.get_by_role("button", name="Take this step").click()
        expect(staff.locator("dl.summary dd").first).to_have_text(STATE_NAMES["triage"])
    refreshed(app)
    public.reload()
    assert headline(public) == "Complaints: 15"
    assert figures(public, "country") == {"Denmark": "10", "Sweden": "5"}
    assert figures(public, "state") == {STATES["received"]: "10", STATES["triage"]: "5"}
    look(public, "after-reading", "/observatory (after the caseworker started reading)")

    # The open data says the same.
    with urllib.request.urlopen(f"{live_server}/observatory/data/state.csv") as response:
        rows = response.read().decode().splitlines()
    assert rows[1:] == ["received,10,false", "triage,5,false", "total,15,false"]

    steps.assert_accessible()
