"""A case crosses a border in a real browser: a caseworker in Denmark, on one installation,
reads where the case could go, prepares a referral to the Irish data protection authority on
another installation, looks at exactly what will be sent, and sends it; a caseworker there
finds it among the referrals received and accepts it; the Danish caseworker sees it
accepted, and the complainant reads on /track that the complaint was passed on and taken
up. With JavaScript on and off; screenshots of each step; axe-core on every page (with
JavaScript on)."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from remedy.core.vocabulary import TIMELINE_EVENTS
from remedy.referrals.domain import ACTIONS, EVENTS, STATES
from tests.browser.conftest import log_in
from tests.factories import CANARY_CONTACT, CANARY_EMAIL, CANARY_NAME, CANARY_NARRATIVE
from tests.referrals.installations import PASSWORD, Installation, wait_for

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests: the Python package playwright is missing "
    "(.venv/bin/pip install -e '.[test]')").expect

# The planted values of tests/factories.py: the installations' logs are searched for them.
COMPLAINT = {
    "filer_type": "individual", "title": "My location sold to advertisers",
    "narrative": "The weather app sold my location history to advertisers without asking. "
                 f"Write to me at {CANARY_EMAIL}. ({CANARY_NARRATIVE})",
    "complainant_country": "DK", "ai_system": "AdTarget", "deployer": "Emerald Ads Ltd",
    "deployer_country": "IE", "sector": "consumer_services",
    "rights_dimensions": ["privacy_data_protection"],
    "contact": CANARY_CONTACT, "consents": {"contact": True},
}
MESSAGE = "The deployer's main establishment is in Dublin: we ask you to take this up."


@pytest.fixture(scope="module")
def installations(tmp_path_factory):
    """Denmark's human rights institution on one installation, Ireland's data protection
    authority on another, each trusting the other (Redis databases 10 and 11)."""
    work = tmp_path_factory.mktemp("browser-referral")
    denmark, ireland = Installation("brx_a", work, 10), Installation("brx_b", work, 11)
    try:
        # The operators' commands of both sides side by side: each starts a Python process.
        with ThreadPoolExecutor(2) as both:
            for steps in ([(denmark.set_up, "dk-nhri", "DK", "nhri"),
                           (ireland.set_up, "ie-dpc", "IE", "dpa")],
                          [(denmark.trust, ireland, "IE", "dpa"),
                           (ireland.trust, denmark, "DK", "nhri")],
                          [(denmark.start,), (ireland.start,)]):
                for done in [both.submit(*step) for step in steps]:
                    done.result()
        yield denmark, ireland
    finally:
        denmark.close()
        ireland.close()


def sign_in(page, installation) -> None:
    """The caseworker `set_up` made, signed in on the installation: the queue of cases."""
    log_in(page, installation.base_url, f"caseworker@{installation.slug}.example.org", PASSWORD)
    expect(page).to_have_url(f"{installation.base_url}/cases")


def reloaded_until(page, text: str, what: str) -> None:
    """Reload the page until its main part says `text` (the other side works on its own
    time: its worker, with Redis)."""
    main = page.get_by_role("main")
    wait_for(lambda: page.reload() and text in main.inner_text(), what=what, timeout=60)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_case_referred_to_an_authority_on_another_installation_is_accepted_there(
        installations, new_context, journey, js):
    denmark, ireland = installations
    # Each run its own title: the installations live for the module.
    title = f"{COMPLAINT['title']} ({'with' if js else 'without'} JavaScript)"
    status, filed = denmark.post("/api/v1/complaints", {**COMPLAINT, "title": title}, auth=False)
    assert status == 201, filed
    reference = filed["reference"]
    steps = journey(js)
    look = steps.look

    # Denmark: the case, and where it could go.
    dk = new_context(js=js).new_page()
    sign_in(dk, denmark)
    look(dk, "dk-queue", "the queue (Denmark)")
    dk.get_by_role("link", name=reference).click()
    expect(dk.locator("h1")).to_contain_text(title)
    section = dk.locator("#referrals")
    expect(section).to_contain_text("ie-dpc authority")
    expect(section).to_contain_text("suggested")
    section.scroll_into_view_if_needed()
    look(dk, "dk-case-routing", "the case page with its routing (Denmark)")

    # Prepare the referral, see exactly what goes, send it.
    section.get_by_role("link", name="Refer to ie-dpc authority").click()
    expect(dk.locator("#authority_id")).to_have_value(
        str(denmark.scalar("SELECT id FROM authorities WHERE slug = 'ie-dpc'")))
    expect(dk.locator("#authority_id option:checked")).to_have_text("ie-dpc authority (Ireland)")
    dk.locator("#message").fill(MESSAGE)
    expect(dk.get_by_role("button", name=ACTIONS["send"].label)).to_have_count(0)
    look(dk, "dk-referral-form", "the referral form")
    dk.get_by_role("button", name="Show what will be sent").click()
    preview = dk.get_by_role("region", name="Exactly what the authority will receive")
    expect(preview).to_contain_text(title)
    expect(preview).to_contain_text(MESSAGE)
    expect(preview).not_to_contain_text(CANARY_EMAIL)  # no consent to share: withheld
    expect(dk.locator("#message")).to_have_value(MESSAGE)
    look(dk, "dk-preview", "the preview of the packet")
    dk.get_by_role("button", name=ACTIONS["send"].label).click()
    expect(dk.locator("h1")).to_have_text("Referral to ie-dpc authority")
    expect(dk.get_by_role("main")).to_contain_text(STATES["sent"])
    look(dk, "dk-sent", "the referral sent")

    # Ireland: the referral received, opened, accepted.
    ie = new_context(js=js).new_page()
    sign_in(ie, ireland)
    ie.goto(f"{ireland.base_url}/referrals")
    received = ie.get_by_role("table", name="Referrals received")
    wait_for(lambda: ie.reload() and title in received.inner_text(),
             what="the referral in Ireland's inbox", timeout=60)
    look(ie, "ie-inbox", "the referrals (Ireland)")
    received.get_by_role("row").filter(has_text=title).get_by_role(
        "link", name="dk-nhri authority").click()
    expect(ie.locator("h1")).to_have_text("Referral from dk-nhri authority")
    main = ie.get_by_role("main")
    expect(main).to_contain_text(MESSAGE)
    expect(main).to_contain_text(COMPLAINT["ai_system"])
    expect(main).not_to_contain_text(CANARY_EMAIL)
    expect(main).not_to_contain_text(CANARY_NAME)
    look(ie, "ie-referral", "the referral received")
    ie.get_by_role("button", name=ACTIONS["accept"].label).click()
    expect(main).to_contain_text(STATES["accepted"])
    expect(ie.get_by_role("button", name=ACTIONS["accept"].label)).to_have_count(0)
    look(ie, "ie-accepted", "the referral accepted (Ireland)")
    ie.get_by_role("link", name="All referrals").click()  # accepted: no reply is due any more
    row = received.get_by_role("row").filter(has_text=title)
    expect(row.get_by_role("cell")).to_have_text(
        ["dk-nhri authority (Denmark)", title, STATES["accepted"], "—", re.compile(r"\d")])
    row.get_by_role("link", name="dk-nhri authority").click()
    ie.get_by_role("link", name="The case").click()  # the case opened in Ireland
    expect(ie.locator("h1")).to_contain_text(title)
    expect(ie.get_by_role("main")).to_contain_text(MESSAGE)
    look(ie, "ie-case", "the case opened in Ireland")

    # Denmark sees it accepted.
    reloaded_until(dk, STATES["accepted"], "the acceptance in Denmark")
    expect(dk.get_by_role("main")).to_contain_text(EVENTS["accept"])
    look(dk, "dk-accepted", "the referral accepted (Denmark)")
    dk.get_by_role("link", name="The case").click()
    referral_of_case = dk.locator("#referrals li").filter(
        has=dk.get_by_role("link", name="ie-dpc authority (Ireland)", exact=True))
    expect(referral_of_case).to_contain_text(STATES["accepted"])

    # The complainant follows the complaint on Denmark's installation.
    public = new_context(js=js).new_page()
    public.goto(f"{denmark.base_url}/track?lang=en")
    public.locator("#reference").fill(reference)
    public.locator("#secret").fill(filed["secret"])
    public.get_by_role("button", name="Open my complaint").click()
    timeline = public.get_by_role("main")
    expect(timeline).to_contain_text(reference)
    expect(timeline).to_contain_text(TIMELINE_EVENTS["referral_sent"])
    expect(timeline).to_contain_text(TIMELINE_EVENTS["referral_accepted"])
    look(public, "complainant-track", "the tracked complaint")

    steps.assert_accessible()
