"""Referrals beyond the main path: a registry correction changes the routing, a collective
claim is referred with its figures, reply deadlines remind and warn, a withdrawn referral
stops."""

from datetime import timedelta

from babel.dates import format_date

from remedy.accounts.services import create_user, organisation_by_slug
from remedy.cases.models import Case
from remedy.extensions import db
from remedy.referrals.jobs import check_referral_deadlines
from remedy.referrals.models import Referral
from tests.conftest import app_context, run_jobs
from tests.referrals.test_local_referral import (
    _other_org_authority,
    bearer,
    swedish_deployer_case,
)


def _send(client, headers, case_id, authority_id):
    response = client.post("/api/v1/referrals", json={
        "case_id": case_id, "authority_id": authority_id,
        "message": "Please take this case: the deployer is Swedish."}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _sent_and_accepted(app, client, ours, theirs, case_id):
    """Referred to the Swedish organisation, which accepted: (sent, incoming, accepted)."""
    _, target = _other_org_authority(client, ours, case_id)
    sent = _send(client, ours, case_id, target["authority"]["id"])
    run_jobs(app)
    incoming = client.get("/api/v1/referrals", headers=theirs).get_json()["items"][0]
    accepted = client.post(f"/api/v1/referrals/{incoming['id']}/steps", json={"action": "accept"},
                           headers=theirs).get_json()
    run_jobs(app)
    return sent, incoming, accepted


def test_a_registry_correction_changes_the_routing(app, token):
    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours = bearer(token("caseworker"))
    routing, _ = _other_org_authority(client, ours, case_id)
    assert routing["decided"]
    detail = client.get(f"/api/v1/cases/{case_id}", headers=ours).get_json()
    respondent_id = detail["respondent"]["id"]
    corrected = client.patch(f"/api/v1/registry/respondents/{respondent_id}",
                             json={"main_establishment_country": "FR"},
                             headers=bearer(token("supervisor")))
    assert corrected.status_code == 200, corrected.get_json()
    routing = client.get(f"/api/v1/cases/{case_id}/routing", headers=ours).get_json()
    assert not routing["decided"]  # the registry says France, the filer said Sweden
    assert routing["notes"][0]["code"] == "several_establishments"
    assert "France" in routing["notes"][0]["text"] and "Sweden" in routing["notes"][0]["text"]
    assert not any(item["recommended"] for item in routing["items"])
    refused = client.patch(f"/api/v1/registry/respondents/{respondent_id}",
                           json={"is_public_authority": True}, headers=ours)
    assert refused.status_code == 403  # caseworkers do not correct the registry


def test_a_collective_claim_is_referred_with_its_figures_and_no_personal_data(app, token, staff):
    from remedy.accounts.models import User
    from remedy.collective import services as collective_services

    cases = [swedish_deployer_case(app, title=f"Data shared {i}") for i in range(2)]
    with app_context(app):
        user = db.session.get(User, staff["caseworker"])
        claim = collective_services.create_claim(
            user, [db.session.get(Case, case_id).complaint_id for _, _, case_id in cases])
        claim_case_id = claim.case.id
    client = app.test_client()
    ours = bearer(token("caseworker"))
    routing = client.get(f"/api/v1/cases/{claim_case_id}/routing", headers=ours).get_json()
    target = next(i for i in routing["items"] if i["authority"]["country"] == "SE")
    sent = _send(client, ours, claim_case_id, target["authority"]["id"])
    packet = sent["packet"]
    assert packet["subject"] == "collective_claim" and packet["complainant"] is None
    assert packet["case"]["indicators"]["complaints"] == 2
    assert "ana@example.org" not in str(packet) and "Ana" not in str(packet)


def test_reply_deadlines_remind_the_receiver_and_warn_the_sender(app, token, mailbox):
    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours = bearer(token("caseworker"))
    _, target = _other_org_authority(client, ours, case_id)
    sent = _send(client, ours, case_id, target["authority"]["id"])
    run_jobs(app)
    with app_context(app):
        create_user(email="sup@other.example.org", role="supervisor",
                    organisation=organisation_by_slug("other-org"),
                    password="correct horse battery staple").locale = "fr"
        due = db.session.get(Referral, sent["id"]).reply_due
        assert check_referral_deadlines(today=due - timedelta(days=10)) == {"reminded": 0,
                                                                            "late": 0}
        assert check_referral_deadlines(today=due - timedelta(days=2)) == {"reminded": 1,
                                                                           "late": 0}
        assert check_referral_deadlines(today=due - timedelta(days=1))["reminded"] == 0  # once
        assert check_referral_deadlines(today=due + timedelta(days=1)) == {"reminded": 0,
                                                                           "late": 1}
        assert db.session.get(Case, case_id).attention_reason == "referral_late"
    run_jobs(app)
    [email] = mailbox.to("sup@other.example.org")
    subject = email["Subject"]
    # In the supervisor's language, the day written out as French readers write it.
    assert "attend votre réponse" in subject and format_date(due, "long", locale="fr") in subject
    assert due.isoformat() not in subject and due.isoformat() not in mailbox.text(email)
    assert f"/referrals/{sent['id'] + 1}" in mailbox.text(email)  # the receiver's record


def test_a_withdrawn_referral_stops_on_both_sides(app, token):
    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    _, target = _other_org_authority(client, ours, case_id)
    sent = _send(client, ours, case_id, target["authority"]["id"])
    run_jobs(app)
    again = client.post("/api/v1/referrals", json={
        "case_id": case_id, "authority_id": target["authority"]["id"],
        "message": "A second time, while the first is open."}, headers=ours)
    assert again.status_code == 409
    withdrawn = client.post(f"/api/v1/referrals/{sent['id']}/steps",
                            json={"action": "withdraw"}, headers=ours)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["state"] == "withdrawn"
    run_jobs(app)
    incoming = client.get("/api/v1/referrals", headers=theirs).get_json()["items"][0]
    assert incoming["state"] == "withdrawn" and incoming["allowed_actions"] == []
    late = client.post(f"/api/v1/referrals/{incoming['id']}/steps", json={"action": "accept"},
                       headers=theirs)
    assert late.status_code == 422 and "action" in late.get_json()["error"]["fields"]


def test_crossing_steps_end_the_same_on_both_sides(app, token):
    """The sender withdraws while the receiver accepts: both records end withdrawn and the
    case opened on accepting asks for its caseworker's attention."""
    from remedy.federation.inbox import Sender
    from remedy.referrals.incoming import receive_step

    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    sent, _, accepted = _sent_and_accepted(app, client, ours, theirs, case_id)
    with app_context(app):  # the sender's withdrawal, sent before the acceptance arrived
        assert receive_step({"uid": sent["uid"], "action": "withdraw"},
                            Sender("local", None)) == {"uid": sent["uid"], "state": "withdrawn"}
        db.session.commit()
        assert db.session.get(Case, accepted["case_id"]).attention_reason == "referral_withdrawn"


def test_a_refused_message_within_the_installation_is_not_retried(app, staff):
    from remedy.federation import transport
    from remedy.federation.models import OutgoingMessage
    from remedy.jobs import commit

    with app_context(app):
        message = transport.send("referral.step", {"uid": "no-such-referral", "action": "accept"},
                                 destination=None, organisation_id=None)
        commit()
        message_id = message.id
    run_jobs(app)
    with app_context(app):
        failed = db.session.get(OutgoingMessage, message_id)
        assert (failed.status, failed.attempts) == ("failed", 1)


def test_a_draft_reaches_nobody_until_it_is_sent(app, token, as_role):
    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    _, target = _other_org_authority(client, ours, case_id)
    draft = client.post("/api/v1/referrals", json={
        "case_id": case_id, "authority_id": target["authority"]["id"], "draft": True,
        "message": "Drafted first, sent after a check."}, headers=ours).get_json()
    assert draft["state"] == "draft" and draft["allowed_actions"] == ["send", "withdraw"]
    run_jobs(app)
    assert client.get("/api/v1/referrals", headers=theirs).get_json()["total"] == 0
    page = as_role("caseworker").get(f"/referrals/{draft['id']}").get_data(as_text=True)
    assert "This is a draft" in page and "Send the referral" in page
    sent = client.post(f"/api/v1/referrals/{draft['id']}/steps", json={"action": "send"},
                       headers=ours).get_json()
    assert sent["state"] == "sent" and sent["reply_due"] and sent["uid"] == draft["uid"]
    run_jobs(app)
    [incoming] = client.get("/api/v1/referrals", headers=theirs).get_json()["items"]
    assert incoming["uid"] == draft["uid"] and incoming["state"] == "sent"


def test_a_withdrawn_complaint_withdraws_its_referral_everywhere(app, token):
    reference, secret, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    sent, incoming, accepted = _sent_and_accepted(app, client, ours, theirs, case_id)
    withdrawn = client.post(f"/api/v1/complaints/{reference}/withdraw", json={},
                            headers={"X-Remedy-Secret": secret})
    assert withdrawn.status_code == 200
    run_jobs(app)
    assert client.get(f"/api/v1/referrals/{sent['id']}", headers=ours).get_json()[
        "state"] == "withdrawn"
    assert client.get(f"/api/v1/referrals/{incoming['id']}", headers=theirs).get_json()[
        "state"] == "withdrawn"
    with app_context(app):
        assert db.session.get(Case, accepted["case_id"]).attention_reason == "referral_withdrawn"


def test_erasure_reaches_the_packet_sent_and_the_copy_received(app, token, as_role):
    from tests.web import post_form

    _, _, case_id = swedish_deployer_case(
        app, consents={"contact": True, "share_across_borders": True})
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    sent, incoming, accepted = _sent_and_accepted(app, client, ours, theirs, case_id)
    assert "ana@example.org" in str(accepted["packet"])
    erased = post_form(as_role("supervisor"), f"/cases/{case_id}/erase",
                       {"reason": "The complainant asked.", "confirm": "y"})
    assert erased.status_code == 302
    run_jobs(app)
    for side, referral_id in ((ours, sent["id"]), (theirs, incoming["id"])):
        packet = client.get(f"/api/v1/referrals/{referral_id}", headers=side).get_json()["packet"]
        assert "ana@example.org" not in str(packet) and "Ana Berg" not in str(packet)
        assert packet["case"]["narrative"] == "[erased]"
        assert packet["complainant"] == {"pseudonym": "[erased]"}
        assert packet["case"]["sector"] == "employment"  # what statistics need stays
    with app_context(app):
        assert db.session.get(Case, accepted["case_id"]).summary_title == "[erased]"
