"""A referral between two organisations of one installation, through the API and the pages:
routing, preview, send, acknowledge, a question and its answer, accept, conclude; what the
complainant reads; who may see it."""

from remedy.cases.models import Case
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.referrals.models import Referral
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs
from tests.web import post_form

NARRATIVE = ("My account data was shared without my consent. Write to me at ana@example.org "
             "or +45 20 12 34 56. Ana Berg")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def swedish_deployer_case(app, **changes):
    return file_complaint(app, **{
        "deployer": "Nordic Data AB", "deployer_country": "SE",
        "rights_dimensions": ["privacy_data_protection"], "narrative": NARRATIVE,
        "contact": {"name": "Ana Berg", "email": "ana@example.org"},
        "consents": {"contact": True}, **changes})


def _other_org_authority(client, headers, case_id):
    routing = client.get(f"/api/v1/cases/{case_id}/routing", headers=headers).get_json()
    return routing, next(i for i in routing["items"] if i["authority"]["local"]
                         and i["authority"]["country"] == "SE")


def test_a_referral_goes_both_ways_and_the_complainant_is_told(app, token, as_role):
    reference, secret, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    routing, target = _other_org_authority(client, ours, case_id)
    assert routing["decided"] and target["recommended"]
    assert target["reasons"][0]["code"] == "one_stop_shop"
    assert all(not i["authority"]["local"] or i["authority"]["country"] != "DK"
               for i in routing["items"])  # never our own organisation
    ask = {"case_id": case_id, "authority_id": target["authority"]["id"],
           "message": "The deployer is established in Sweden; please take this up."}

    preview = client.post("/api/v1/referrals?preview=1", json=ask, headers=ours).get_json()
    packet = preview["packet"]
    assert packet["personal_data"] == "withheld" and not preview["personal_data"]
    assert packet["complainant"] == {"pseudonym": packet["complainant"]["pseudonym"]}
    text = str(packet)
    assert "ana@example.org" not in text and "20 12 34 56" not in text and "Berg" not in text

    sent = client.post("/api/v1/referrals", json=ask, headers=ours)
    assert sent.status_code == 201, sent.get_json()
    outgoing = sent.get_json()
    assert outgoing["state"] == "sent"
    assert outgoing["packet"] == {**packet, "uid": outgoing["uid"]}  # exactly what was shown
    # The case followed the workflow (received, triage, investigating) to "referred": what
    # the complainant reads and the clocks agree with the referral.
    case = client.get(f"/api/v1/cases/{case_id}", headers=ours).get_json()
    assert case["state"] == "referred"
    assert [d["to"] for d in case["decisions"]][-3:] == ["triage", "investigating", "referred"]
    run_jobs(app)
    inbox = client.get("/api/v1/referrals?direction=incoming", headers=theirs).get_json()
    assert inbox["total"] == 1
    incoming = inbox["items"][0]
    assert incoming["uid"] == outgoing["uid"] and incoming["state"] == "sent"
    assert incoming["allowed_actions"] == ["acknowledge", "request_info", "accept", "decline"]

    def step(headers, referral_id, action, text=None):
        response = client.post(f"/api/v1/referrals/{referral_id}/steps",
                               json={"action": action, "text": text}, headers=headers)
        assert response.status_code == 200, response.get_json()
        run_jobs(app)
        return response.get_json()

    def origin():
        return client.get(f"/api/v1/referrals/{outgoing['id']}", headers=ours).get_json()

    step(theirs, incoming["id"], "acknowledge")
    assert origin()["state"] == "acknowledged"
    step(theirs, incoming["id"], "request_info", "When did the account data leak?")
    assert origin()["state"] == "info_requested"
    with app_context(app):
        assert db.session.get(Case, case_id).attention_reason == "referral_info_requested"
    refused = client.post(f"/api/v1/referrals/{outgoing['id']}/steps",
                          json={"action": "answer", "text": ""}, headers=ours)
    assert refused.status_code == 422 and "text" in refused.get_json()["error"]["fields"]
    step(ours, outgoing["id"], "answer", "In March; the complainant has the emails.")
    assert client.get(f"/api/v1/referrals/{incoming['id']}", headers=theirs).get_json()[
        "state"] == "acknowledged"
    accepted = step(theirs, incoming["id"], "accept")
    assert accepted["state"] == "accepted" and accepted["case_id"]
    assert origin()["state"] == "accepted"
    step(theirs, incoming["id"], "conclude", "The deployer stopped sharing the data.")
    final = origin()
    assert final["state"] == "concluded"
    assert final["outcome"] == "The deployer stopped sharing the data."
    assert [e["action"] for e in final["events"]] == [
        "send", "acknowledge", "request_info", "answer", "accept", "conclude"]

    tracked = client.get(f"/api/v1/complaints/{reference}",
                         headers={"X-Remedy-Secret": secret}).get_json()
    kinds = [e["kind"] for e in tracked["timeline"]]
    assert {"referral_sent", "referral_info_requested", "referral_accepted",
            "referral_concluded"} <= set(kinds)
    assert "When did the account data leak?" not in str(tracked)  # the question is for staff
    assert any("stopped sharing" in (e.get("body") or "") for e in tracked["timeline"])

    with app_context(app):  # the receiver's new case, linked to the referral
        new_case = db.session.get(Case, accepted["case_id"])
        assert new_case.organisation.slug == "other-org" and new_case.complaint_id is None
        assert db.session.get(Referral, incoming["id"]).case_id == new_case.id
    # The receiver is never advised to refer it back to the sender (declining is that).
    back = client.get(f"/api/v1/cases/{accepted['case_id']}/routing", headers=theirs)
    assert back.status_code == 200, back.get_json()
    assert not [i for i in back.get_json()["items"] if i["authority"]["local"]
                and i["authority"]["country"] == "DK"], back.get_json()["items"]
    # Nobody follows the receiver's case as its complainant: the page does not pretend so.
    page = as_role("other").get(f"/cases/{accepted['case_id']}").get_data(as_text=True)
    assert "no complainant follows this case here" in page
    assert "The complainant sees this reason" not in page
    assert "The complainant sees this reason" in as_role("caseworker").get(
        f"/cases/{case_id}").get_data(as_text=True)


def test_only_the_two_organisations_see_a_referral(app, token, as_role):
    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    _, target = _other_org_authority(client, ours, case_id)
    sent = client.post("/api/v1/referrals", json={
        "case_id": case_id, "authority_id": target["authority"]["id"],
        "message": "Please take this case, the deployer is Swedish."}, headers=ours).get_json()
    run_jobs(app)
    incoming = client.get("/api/v1/referrals", headers=theirs).get_json()["items"][0]
    # Each side reads its own record, never the other's, and never the other's case.
    assert client.get(f"/api/v1/referrals/{incoming['id']}", headers=ours).status_code == 404
    assert client.get(f"/api/v1/referrals/{sent['id']}", headers=theirs).status_code == 404
    assert client.get(f"/api/v1/cases/{case_id}/routing", headers=theirs).status_code == 404
    assert client.post(f"/api/v1/referrals/{sent['id']}/steps", json={"action": "accept"},
                       headers=theirs).status_code == 404
    with app_context(app):  # a third organisation sees nothing
        from remedy.accounts.services import create_api_token, create_user, organisation_by_slug
        from tests.factories import make_organisation

        make_organisation(slug="third-org", country="FR")
        third = create_user(email="cw@third.example.org", role="caseworker",
                            organisation=organisation_by_slug("third-org"),
                            password="a long third pass phrase")
        third_token = create_api_token(third, "tests")
    assert client.get("/api/v1/referrals", headers=bearer(third_token)).get_json()["total"] == 0
    for referral_id in (sent["id"], incoming["id"]):
        assert client.get(f"/api/v1/referrals/{referral_id}",
                          headers=bearer(third_token)).status_code == 404
    page = as_role("caseworker").get(f"/referrals/{incoming['id']}")
    assert page.status_code == 404


def test_with_consent_the_contact_crosses_and_the_page_shows_exactly_what_goes(app, as_role):
    _, _, case_id = swedish_deployer_case(
        app, consents={"contact": True, "share_across_borders": True})
    cw = as_role("caseworker")
    page = cw.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Refer to another authority" in page and "Organisation other-org" in page
    with app_context(app):
        from remedy.referrals.models import Authority

        target = db.session.query(Authority).filter_by(slug="other-org").one().id
    form = {"authority_id": str(target), "message": "Please take this up, it is Swedish."}
    preview = post_form(cw, f"/cases/{case_id}/referral", {**form, "action": "preview"})
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "ana@example.org" in body and "Ana Berg" in body
    assert "their name and contact details are included" in body
    sent = post_form(cw, f"/cases/{case_id}/referral", {**form, "action": "send"})
    assert sent.status_code == 302
    with app_context(app):
        referral = db.session.query(Referral).filter_by(direction="outgoing").one()
        assert referral.packet["complainant"]["email"] == "ana@example.org"
        assert referral.personal_data
        complaint = db.session.get(Complaint, db.session.get(Case, case_id).complaint_id)
        complaint.consent_share_across_borders = False  # withdrawn later: what went stays
        db.session.commit()
        assert db.session.get(Referral, referral.id).packet["complainant"]["name"] == "Ana Berg"
    short = post_form(cw, f"/cases/{case_id}/referral", {**form, "message": "x", "action": "preview"})
    assert short.status_code == 422 and "Write 10 to 5000 characters" in short.get_data(as_text=True)
