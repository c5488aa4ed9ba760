"""Two drivers complain about the same app; the caseworker groups the complaints into a
collective claim and invites both; one joins on /track (in French, on a phone), the other
declines, and the caseworker sees who joined. With JavaScript on and off; axe-core on every
page of both sides (JS on)."""

import pytest

from tests.browser.conftest import log_in, words
from tests.collective.test_journey import drivers
from tests.conftest import app_context, run_jobs
from tests.factories import PASSWORD, make_user

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests: the Python package playwright is missing "
    "(.venv/bin/pip install -e '.[test]')").expect

CASEWORKER = "jonas@nhri.example.org"
INVITATION = "Others have complained about the same thing"


def open_complaint(page, reference, secret, labels=("Reference", "Secret", "Open my complaint")):
    page.get_by_label(labels[0], exact=True).fill(reference)
    page.get_by_label(labels[1], exact=True).fill(secret)
    page.get_by_role("button", name=labels[2]).click()
    expect(page.get_by_role("main")).to_contain_text(reference)


def figure(page, name):
    """One of the claim's indicators of collective harm."""
    return page.get_by_role("region", name="Collective and societal harm").locator(
        f"xpath=.//dt[normalize-space()='{name}']/following-sibling::dd[1]")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_similar_complaints_become_a_collective_claim_that_a_person_joins(
        app, org, live_server, new_context, journey, mailbox, js):
    with app_context(app):
        make_user(email=CASEWORKER, password=PASSWORD)
    (ref_a, secret_a, _), (ref_b, secret_b, _) = drivers(app, count=2)
    fr = words(app, "fr", reference="Reference", secret="Secret", open="Open my complaint",
               invitation=INVITATION, join="Join the collective claim",
               joined="You have joined the collective claim.", member="You have joined.")
    assert fr["join"] != "Join the collective claim"  # the French catalogue is compiled
    staff = new_context(js=js).new_page()
    steps = journey(js)
    look = steps.look

    # The caseworker opens the second complaint: the app suggests grouping it with the first.
    log_in(staff, live_server, CASEWORKER, PASSWORD)
    staff.get_by_role("row").filter(has_text=ref_b).get_by_role("link", name=ref_b).click()
    section = staff.get_by_role("region", name="Similar complaints and collective claims")
    suggestion = section.get_by_role("listitem").filter(
        has=staff.get_by_role("link", name=ref_a))
    expect(suggestion).to_contain_text("Group with a similar complaint")
    expect(suggestion).to_contain_text("same AI system: Uber driver app")
    expect(suggestion).to_contain_text("same deployer: Uber B.V.")
    look(staff, "case-with-suggestion", "the case, a grouping suggested")

    # Confirmed, the suggestion becomes a claim whose members nobody has joined yet.
    suggestion.get_by_role("button", name="Confirm").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Collective claim")
    members = staff.get_by_role("region", name="Members")
    rows = members.get_by_role("row").filter(has_text="A complaint from Denmark")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Confirmed by a caseworker")).to_have_count(2)
    expect(members).not_to_contain_text(ref_a)
    expect(members).not_to_contain_text(ref_b)
    expect(figure(staff, "Complaints")).to_have_text("2")
    look(staff, "claim-confirmed", "the claim, confirmed")
    claim_url = staff.url

    for checkbox in members.get_by_role("checkbox").all():
        expect(checkbox).to_be_checked()  # ticked for invitation by default
    members.get_by_role("button", name="Invite the ticked complainants to join").click()
    expect(rows.filter(has_text="Invited to join")).to_have_count(2)
    look(staff, "members-invited", "the claim, members invited")
    run_jobs(app)
    assert mailbox.to("driver0@example.org") and mailbox.to("driver1@example.org")

    # The second driver reads the invitation on /track, in French on a phone, and joins.
    person = new_context(js=js, phone=True, locale="fr-FR").new_page()
    person.goto(f"{live_server}/track?lang=fr")
    open_complaint(person, ref_b, secret_b,
                   (fr["reference"], fr["secret"], fr["open"]))
    invitation = person.get_by_role("region", name=fr["invitation"])
    expect(invitation).to_be_visible()
    look(person, "person-invited", "/track/complaint, an invitation (fr)")
    invitation.get_by_role("button", name=fr["join"]).click()
    expect(person.locator("#notice")).to_contain_text(fr["joined"])
    expect(person.get_by_role("region", name=fr["invitation"])).to_contain_text(fr["member"])
    look(person, "person-joined", "/track/complaint, joined (fr)")

    # The first driver declines, in English.
    other = new_context(js=js).new_page()
    other.goto(f"{live_server}/track?lang=en")
    open_complaint(other, ref_a, secret_a)
    other.get_by_role("region", name=INVITATION).get_by_role(
        "button", name="I do not want to join").click()
    expect(other.locator("#notice")).to_contain_text("you are not part of the collective claim")
    look(other, "other-declined", "/track/complaint, declined (en)")

    # The caseworker sees who joined: only the member who joined is shown by reference.
    staff.goto(claim_url)
    joined = members.get_by_role("row").filter(has_text="Joined")
    expect(joined).to_contain_text(ref_b)
    expect(joined).to_contain_text("Deactivated 1")
    expect(members.get_by_role("row").filter(has_text="Declined to join")).to_contain_text(
        "A complaint from Denmark")
    expect(members).not_to_contain_text(ref_a)
    expect(figure(staff, "Complaints")).to_have_text("1")  # the one who declined is not counted
    look(staff, "claim-joined", "the claim, a member joined")

    joined.get_by_role("link", name=ref_b).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(ref_b)
    expect(staff.get_by_role("region", name="Similar complaints and collective claims")) \
        .to_contain_text("Part of the collective claim")
    look(staff, "member-case", "the member's case")

    steps.assert_accessible()
