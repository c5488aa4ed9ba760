"""A respondent's link or account opens nothing but that respondent's requests; links expire
and can be withdrawn; every respondent action is audited; a respondent never sees another
complainant's data, contact details or the caseworker's internal notes."""

from datetime import timedelta

from remedy.accounts.models import User
from remedy.core.audit import AuditEvent
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.responses import access
from remedy.responses.models import RespondentRequest
from tests.conftest import app_context, run_jobs
from tests.responses.conftest import sendable_case
from tests.web import post_form

QUESTIONS = ["explanation", "human_review", "data_used", "remedy_offered"]


def send(app, client, token, case_id):
    body = client.post(f"/api/v1/cases/{case_id}/respondent-requests",
                       json={"questions": QUESTIONS}, headers={"Authorization": f"Bearer {token}"})
    assert body.status_code == 201, body.get_json()
    return body.get_json()


def open_portal(app, link):
    portal = app.test_client()
    response = portal.get("/respond/open/" + link.rsplit("/", 1)[1])
    return portal, response


def test_a_link_opens_its_own_request_and_nothing_else(app, client, token, as_role):
    _, _, first, _ = sendable_case(app)
    _, _, second, _ = sendable_case(app)
    mine = send(app, client, token("caseworker"), first)
    other = send(app, client, token("caseworker"), second)
    portal, opened = open_portal(app, mine["access_link"])
    assert opened.status_code == 302
    assert portal.get(f"/respond/requests/{mine['id']}").status_code == 200
    assert portal.get(f"/respond/requests/{other['id']}").status_code == 404
    assert post_form(portal, f"/respond/requests/{other['id']}", {"category": "in_progress"},
                     token_from=f"/respond/requests/{mine['id']}").status_code == 404
    home = portal.get("/respond").get_data(as_text=True)
    assert f"/respond/requests/{mine['id']}" in home and f"/respond/requests/{other['id']}" not in home
    # A portal session is not a staff session.
    assert portal.get("/cases").status_code == 302
    assert portal.get(f"/cases/{first}").status_code == 302
    assert portal.get("/respond/account").status_code == 404  # a link holder has no account


def test_tampered_expired_withdrawn_and_renewed_links(app, client, token, as_role):
    _, _, case_id, _ = sendable_case(app)
    sent = send(app, client, token("caseworker"), case_id)
    link = sent["access_link"]
    assert open_portal(app, link[:-1] + ("0" if link[-1] != "0" else "1"))[1].status_code == 404
    assert open_portal(app, link.replace(f"/{sent['id']}.", f"/{sent['id'] + 1}."))[1].status_code == 404

    portal, _ = open_portal(app, link)
    cw = as_role("caseworker")
    renewed = post_form(cw, f"/cases/{case_id}/respondent-requests/{sent['id']}/renew", {},
                        token_from=f"/cases/{case_id}")
    assert renewed.status_code == 200 and "/respond/open/" in renewed.get_data(as_text=True)
    assert renewed.headers["Cache-Control"] == "no-store"
    assert open_portal(app, link)[1].status_code == 404  # the old link no longer works
    assert portal.get(f"/respond/requests/{sent['id']}").status_code == 302  # nor its session
    with app_context(app):
        new_link = access.access_link(db.session.get(RespondentRequest, sent["id"]))
    assert open_portal(app, new_link)[1].status_code == 302

    with app_context(app):
        request = db.session.get(RespondentRequest, sent["id"])
        request.link_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert open_portal(app, new_link)[1].status_code == 404
    with app_context(app):
        db.session.get(RespondentRequest, sent["id"]).link_expires_at = utcnow() + timedelta(days=1)
        db.session.commit()

    revoke = post_form(cw, f"/cases/{case_id}/respondent-requests/{sent['id']}/revoke", {},
                       token_from=f"/cases/{case_id}")
    assert revoke.status_code == 302
    refused = open_portal(app, new_link)[1]
    assert refused.status_code == 404 and "Ask the caseworker" in refused.get_data(as_text=True)
    api = client.get("/api/v1/respondent/requests",
                     headers={"Authorization": "Bearer " + new_link.rsplit("/", 1)[1]})
    assert api.status_code == 401
    with app_context(app):
        assert db.session.get(RespondentRequest, sent["id"]).case.respondent_due_on is None


def test_the_respondent_never_sees_notes_contacts_or_other_complainants(app, client, token, as_role):
    reference, _, case_id, _ = sendable_case(app)
    _, _, other_case, _ = sendable_case(app, title="Another person's complaint about pay")
    cw = as_role("caseworker")
    assert post_form(cw, f"/cases/{case_id}/notes", {"body": "INTERNAL-NOTE-7731"}).status_code == 302
    with app_context(app):
        complaint = db.session.query(Complaint).filter_by(reference=reference).one()
        complaint.contact_phone = "+4512345678"
        db.session.commit()
    sent = send(app, client, token("caseworker"), case_id)
    portal, _ = open_portal(app, sent["access_link"])
    html = portal.get(f"/respond/requests/{sent['id']}").get_data(as_text=True)
    api = client.get(f"/api/v1/respondent/requests/{sent['id']}",
                     headers={"Authorization": "Bearer " + sent["access_link"].rsplit("/", 1)[1]})
    for seen in (html, api.get_data(as_text=True)):
        assert "Ana Jensen" in seen  # she agreed to be named
        for secret in ("INTERNAL-NOTE-7731", "ana@example.org", "+4512345678", reference,
                       "Another person's complaint"):
            assert secret not in seen


def test_other_organisations_staff_cannot_touch_the_request(app, client, token, as_role):
    _, _, case_id, _ = sendable_case(app)
    sent = send(app, client, token("caseworker"), case_id)
    other = as_role("other")
    assert other.get(f"/cases/{case_id}/respondent-request").status_code == 404
    for action in ("revoke", "renew"):
        assert post_form(other, f"/cases/{case_id}/respondent-requests/{sent['id']}/{action}", {},
                         token_from="/cases").status_code == 404
    assert client.get(f"/api/v1/cases/{case_id}/respondent-requests",
                      headers={"Authorization": f"Bearer {token('other')}"}).status_code == 404


def test_a_closed_case_is_not_sent(app, client, token):
    _, _, case_id, _ = sendable_case(app)
    staff = {"Authorization": f"Bearer {token('caseworker')}"}
    client.post(f"/api/v1/cases/{case_id}/transitions", json={"to": "triage"}, headers=staff)
    client.post(f"/api/v1/cases/{case_id}/transitions",
                json={"to": "inadmissible", "reason": "Out of remit."}, headers=staff)
    refused = client.post(f"/api/v1/cases/{case_id}/respondent-requests",
                          json={"questions": QUESTIONS}, headers=staff)
    assert refused.status_code == 409


def test_accounts_are_scoped_audited_and_can_be_turned_off(app, client, token, staff, as_role, mailbox):
    _, _, ours, respondent_id = sendable_case(app)
    _, _, theirs, _ = sendable_case(app, complainant_country="SE")
    mine = send(app, client, token("caseworker"), ours)
    other = send(app, client, token("other"), theirs)
    supervisor = as_role("supervisor")
    accounts_url = f"/registry/respondents/{respondent_id}/accounts"
    assert as_role("caseworker").get(accounts_url).status_code == 403
    invited = post_form(supervisor, accounts_url, {"email": "legal@acme.example.com"})
    assert invited.status_code == 302
    run_jobs(app)
    text = mailbox.text(mailbox.to("legal@acme.example.com")[-1])
    path = "/respond/welcome/" + text.split("/respond/welcome/")[1].split()[0]
    person = app.test_client()
    weak = post_form(person, path, {"password": "short"})
    assert weak.status_code == 422
    assert post_form(person, path, {"password": "a long and private passphrase"}).status_code == 302
    assert person.get(path).status_code == 400  # the invitation works once
    home = person.get("/respond").get_data(as_text=True)
    assert f"/respond/requests/{mine['id']}" in home and f"/respond/requests/{other['id']}" not in home
    assert person.get(f"/respond/requests/{other['id']}").status_code == 404

    login = app.test_client()
    wrong = post_form(login, "/respond/login", {"email": "legal@acme.example.com", "password": "nope"})
    assert wrong.status_code == 401

    with app_context(app):
        account = db.session.query(access.RespondentAccount).one()
        account_id = account.id
        actions = {e.action for e in db.session.query(AuditEvent)}
        assert {"respondent_account.invited", "respondent_account.activated"} <= actions
    off = post_form(supervisor, f"{accounts_url}/{account_id}/deactivate", {}, token_from=accounts_url)
    assert off.status_code == 302
    assert person.get("/respond").status_code == 302  # signed out at once
    assert post_form(login, "/respond/login", {"email": "legal@acme.example.com",
                                               "password": "a long and private passphrase"}
                     ).status_code == 401


def test_every_respondent_action_is_audited(app, client, token):
    _, _, case_id, _ = sendable_case(app)
    sent = send(app, client, token("caseworker"), case_id)
    portal, _ = open_portal(app, sent["access_link"])
    url = f"/respond/requests/{sent['id']}"
    assert post_form(portal, url, {"category": "wrong_respondent",
                                   "suggested_respondent": "Acme Holding B.V."}).status_code == 302
    with app_context(app):
        events = db.session.query(AuditEvent).filter(AuditEvent.subject_id == case_id).all()
        by_action = {e.action: e.actor for e in events}
        assert by_action["respondent_request.sent"] == f"user:{db.session.query(User).filter_by(email='cw@nhri.example.org').one().id}"
        assert by_action["respondent_request.opened"] == f"respondent-link:{sent['id']}"
        assert by_action["respondent_request.answered"] == f"respondent-link:{sent['id']}"
