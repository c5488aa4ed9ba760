"""A caseworker takes a complaint from the queue to closed, and the person follows it in
French on /track: triage, a question and its answer, a remedy proposed and carried out, the
case closed. With JavaScript on and off; axe-core on every page of both sides (JS on)."""

from datetime import date, timedelta

import pytest

from remedy.core.vocabulary import REMEDIES, REMEDY_STATUSES, STATES
from remedy.responses.jobs import check_respondent_deadlines
from tests.browser.conftest import log_in, words
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs
from tests.factories import PASSWORD, make_user

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests: the Python package playwright is missing "
    "(.venv/bin/pip install -e '.[test]')").expect

CASEWORKER = "lena@nhri.example.org"
QUESTION = "Pouvez-vous nous envoyer la lettre de refus de l'employeur ?"
ANSWER = "La lettre dit seulement : « Votre candidature n'a pas été retenue par notre outil. »"
FOLLOW_UP = "Acme Logistique fera revoir la candidature par une recruteuse."
NOTE = "Same employer as three other complaints this month: ask for the refusal letter."
CLOSING = "Acme Logistique a revu la candidature et proposé un entretien."


def staff_state(page):
    """The state on the case page, as staff read it."""
    return page.locator("xpath=//dl[@class='summary']/dt[normalize-space()='State']"
                        "/following-sibling::dd[1]").first


def take_step(page, action: str, reason: str = "") -> None:
    page.get_by_role("combobox", name="Next step").select_option(label=action)
    if reason:
        page.get_by_role("textbox", name="Reason", exact=True).fill(reason)
    page.get_by_role("button", name="Take this step").click()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_caseworker_handles_a_complaint_that_its_author_follows_in_french(
        app, org, live_server, new_context, journey, js):
    with app_context(app):
        make_user(email=CASEWORKER, password=PASSWORD)
    reference, secret, case_id = file_complaint(
        app, language="fr", title="Refusée par un tri automatique des CV",
        narrative="J'ai postulé pour un emploi d'entrepôt et j'ai été refusée en une minute par "
                  "un outil de tri automatique. J'ai dix ans d'expérience.",
        deployer="Acme Logistique SAS", remedies_sought=["human_review"],
        contact={"email": "amelie@example.fr"}, consents={"contact": True})
    run_jobs(app)
    fr = words(app, "fr", needs_info=STATES["needs_info"],
               remedy_proposed=STATES["remedy_proposed"], closed=STATES["closed"],
               reference="Reference", secret="Secret", open="Open my complaint",
               message="Your message", send="Send", sent="Your message was sent.",
               remedy=REMEDIES["human_review"], proposed=REMEDY_STATUSES["proposed"],
               check="Did this remedy happen?", yes="Yes",
               thanks="Thank you: your answer was sent to the caseworker.")
    assert fr["send"] != "Send"  # the French catalogue is compiled
    staff = new_context(js=js).new_page()
    person = new_context(js=js, phone=True, locale="fr-FR").new_page()
    steps = journey(js)
    look = steps.look

    # The caseworker finds the new complaint in the queue.
    log_in(staff, live_server, CASEWORKER, PASSWORD)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Cases")
    row = staff.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Received")
    expect(row).to_contain_text("Refusée par un tri automatique des CV")
    look(staff, "queue", "the queue")

    row.get_by_role("link", name=reference).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(staff_state(staff)).to_have_text("Received")
    expect(staff.locator("#complaint")).to_contain_text("dix ans d'expérience")
    look(staff, "case-received", "the case, received")

    # Triage: the caseworker takes the case and starts reading it.
    staff.get_by_role("combobox", name="Assigned to").select_option(label=CASEWORKER)
    staff.get_by_role("button", name="Assign", exact=True).click()
    expect(staff.get_by_role("combobox", name="Assigned to").locator("option:checked")).to_have_text(CASEWORKER)
    take_step(staff, "Triage: decide whether to take it up")
    expect(staff_state(staff)).to_have_text("Triage")
    staff.get_by_role("textbox", name="Internal note").fill(NOTE)
    staff.get_by_role("button", name="Add the note").click()
    expect(staff.locator("#notes")).to_contain_text(NOTE)
    expect(staff.locator("#messages")).not_to_contain_text(NOTE)

    # A question for the person; a question without its text is refused.
    take_step(staff, "Ask the complainant for information")
    expect(staff.locator("#reason-error")).to_contain_text("This is required.")
    expect(staff_state(staff)).to_have_text("Triage")
    look(staff, "question-refused", "the case, a step refused")
    take_step(staff, "Ask the complainant for information", QUESTION)
    expect(staff_state(staff)).to_have_text("Waiting for the complainant")
    expect(staff.locator("#messages")).to_contain_text(QUESTION)
    look(staff, "information-asked", "the case, waiting for the complainant")

    # The person reads the question on /track and answers it.
    person.goto(f"{live_server}/track?lang=fr")
    person.get_by_label(fr["reference"], exact=True).fill(reference)
    person.get_by_label(fr["secret"], exact=True).fill(secret)
    look(person, "person-track", "/track (fr)")
    person.get_by_role("button", name=fr["open"]).click()
    expect(person.locator("html")).to_have_attribute("lang", "fr")
    main = person.get_by_role("main")
    expect(main).to_contain_text(reference)
    expect(main).to_contain_text(fr["needs_info"])
    expect(main).to_contain_text(QUESTION)
    expect(main).not_to_contain_text(NOTE)  # notes stay internal
    look(person, "person-asked", "/track/complaint, a question")
    person.get_by_label(fr["message"], exact=True).fill(ANSWER)
    person.get_by_role("button", name=fr["send"], exact=True).click()
    expect(person.locator("#notice")).to_contain_text(fr["sent"])
    expect(main).to_contain_text(ANSWER)
    look(person, "person-answered", "/track/complaint, the answer sent")

    # The caseworker sees that the person answered, from the queue.
    staff.goto(f"{live_server}/cases?attention=1")
    row = staff.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("The complainant answered")
    expect(row).to_contain_text("Waiting for the complainant")
    look(staff, "queue-answered", "the queue, needing attention")
    row.get_by_role("link", name=reference).click()
    expect(staff.locator("#messages")).to_contain_text(ANSWER)
    expect(staff.locator("#attention")).to_contain_text("The complainant answered")
    look(staff, "answer-read", "the case, the answer")
    staff.get_by_role("button", name="Seen: remove from the attention list").click()
    expect(staff.locator("#attention")).to_have_count(0)

    # Back to triage with the answer, taken up, and a remedy proposed.
    take_step(staff, "Triage: decide whether to take it up")
    take_step(staff, "Investigate")
    expect(staff_state(staff)).to_have_text("Investigating")
    due = date.today() + timedelta(days=14)
    remedies = staff.locator("#remedies")
    remedies.get_by_label("Remedy", exact=True).select_option(label=REMEDIES["human_review"])
    remedies.get_by_label("Status", exact=True).select_option(label="Proposed")
    remedies.get_by_label("Due date (optional)").fill(due.isoformat())
    remedies.get_by_label("Follow-up").fill(FOLLOW_UP)
    remedies.get_by_role("button", name="Add the remedy").click()
    expect(staff.locator("#remedies .panel")).to_contain_text(REMEDIES["human_review"])
    take_step(staff, "Propose a remedy")
    expect(staff_state(staff)).to_have_text("Remedy proposed")
    look(staff, "remedy-proposed", "the case, a remedy proposed")

    person.reload()
    expect(main).to_contain_text(fr["remedy_proposed"])
    expect(main).to_contain_text(f"{fr['remedy']} · {fr['proposed']}")
    look(person, "person-remedy-proposed", "/track/complaint, a remedy proposed")

    # The remedy is followed up; the day after it was due, the person is asked whether it
    # happened, and says it did.
    take_step(staff, "Monitor the remedy")
    expect(staff_state(staff)).to_have_text("Monitoring the remedy")
    with app_context(app):
        assert check_respondent_deadlines(due + timedelta(days=1))["remedy_checks"] == 1
    run_jobs(app)
    person.reload()
    check = person.get_by_role("region", name=fr["check"])
    expect(check).to_contain_text(FOLLOW_UP)
    look(person, "person-remedy-check", "/track/complaint, did the remedy happen?")
    check.get_by_label(fr["yes"], exact=True).check()
    check.get_by_role("button", name=fr["send"], exact=True).click()
    expect(person.locator("#notice")).to_contain_text(fr["thanks"])
    expect(person.get_by_role("region", name=fr["check"])).to_have_count(0)

    # The caseworker sees it happened and closes the case, with the reason.
    staff.goto(f"{live_server}/cases/{case_id}")
    expect(staff.locator("#attention")).to_contain_text("The complainant says a remedy happened")
    expect(staff.locator("#remedies")).to_contain_text("The complainant says it happened.")
    take_step(staff, "Close the case", CLOSING)
    expect(staff_state(staff)).to_have_text("Closed")
    expect(staff.locator("#workflow")).to_contain_text(CLOSING)
    look(staff, "closed", "the case, closed")

    person.reload()
    expect(main).to_contain_text(fr["closed"])
    expect(main).to_contain_text(CLOSING)
    expect(person.get_by_label(fr["message"], exact=True)).to_have_count(0)  # closed: no more
    look(person, "person-closed", "/track/complaint, closed")

    steps.assert_accessible()
