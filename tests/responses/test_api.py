"""The same through the JSON API: staff send, a respondent (link token or account token)
lists and answers, the complainant gives feedback."""

import uuid
from datetime import timedelta

import pytest

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.responses import access
from remedy.responses.models import RespondentAccount
from tests.conftest import app_context
from tests.responses.conftest import sendable_case

QUESTIONS = ["explanation", "human_review", "data_used", "remedy_offered"]
FINAL = {"category": "closed_with_monetary_relief", "explanation": "A scoring error.",
         "human_review": "None.", "data_used": "The CV.", "remedy_offered": "500 euros.",
         "remedy_types": ["compensation", "apology"], "public_response": "We fixed the error."}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def send(client, token, case_id, **body):
    return client.post(f"/api/v1/cases/{case_id}/respondent-requests",
                       json={"questions": QUESTIONS, **body}, headers=bearer(token))


def link_token(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_staff_send_and_the_respondent_answers_with_its_link_token(app, client, token):
    reference, secret, case_id, respondent_id = sendable_case(app)
    staff_token = token("caseworker")
    preview = client.post(f"/api/v1/cases/{case_id}/respondent-requests?preview=1",
                          json={"questions": QUESTIONS}, headers=bearer(staff_token))
    assert preview.status_code == 200
    assert preview.get_json()["complaint"]["identity"]["complainant_name"] == "Ana Jensen"

    created = send(client, staff_token, case_id)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "awaiting" and "/respond/open/" in body["access_link"]
    today = utcnow().date()
    assert body["clocks"]["initial_due_on"] == (today + timedelta(days=15)).isoformat()
    assert body["clocks"]["final_due_on"] == (today + timedelta(days=60)).isoformat()
    assert send(client, staff_token, case_id).status_code == 409  # one live request at a time

    respondent = bearer(link_token(body["access_link"]))
    listed = client.get("/api/v1/respondent/requests", headers=respondent).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    assert "notes" not in listed["items"][0] and "sent_to" not in listed["items"][0]

    url = f"/api/v1/respondent/requests/{body['id']}/response"
    bad = client.post(url, json={"category": "closed_with_monetary_relief",
                                 "remedy_types": ["apology"]}, headers=respondent)
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert {"explanation", "remedy_offered", "remedy_types"} <= set(fields)

    key = {"Idempotency-Key": str(uuid.uuid4())}
    answered = client.post(url, json=FINAL, headers={**respondent, **key})
    assert answered.status_code == 201 and answered.get_json()["timely"] is True
    replay = client.post(url, json=FINAL, headers={**respondent, **key})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["id"] == answered.get_json()["id"]
    assert client.post(url, json=FINAL, headers=respondent).status_code == 409

    detail = client.get(f"/api/v1/cases/{case_id}", headers=bearer(staff_token)).get_json()
    offered = {r["type"] for r in detail["remedies"] if r["offered_by"] == "respondent"}
    assert offered == {"compensation", "apology"}
    assert detail["attention"]["reason"] == "respondent_answered"

    # The complainant reads the answer in their JSON and gives feedback once.
    mine = client.get(f"/api/v1/complaints/{reference}", headers={"X-Remedy-Secret": secret}).get_json()
    assert mine["respondent_answers"][0]["explanation"] == "A scoring error."
    assert "documents" not in mine["respondent_answers"][0]
    feedback_url = f"/api/v1/complaints/{reference}/feedback"
    wrong_secret = client.post(feedback_url, json={"satisfied": True}, headers={"X-Remedy-Secret": "nope"})
    assert wrong_secret.status_code == 401
    not_bool = client.post(feedback_url, json={"satisfied": "maybe"}, headers={"X-Remedy-Secret": secret})
    assert not_bool.status_code == 422 and "satisfied" in not_bool.get_json()["error"]["fields"]
    given = client.post(feedback_url, json={"satisfied": True, "comment": "Thank you."},
                        headers={"X-Remedy-Secret": secret})
    assert given.status_code == 201 and given.get_json()["feedback"]["satisfied"] is True
    assert client.post(feedback_url, json={"satisfied": False, "comment": "x"},
                       headers={"X-Remedy-Secret": secret}).status_code == 409


def test_in_progress_sets_the_date_and_a_late_answer_is_untimely(app, client, token):
    _, _, case_id, _ = sendable_case(app)
    body = send(client, token("caseworker"), case_id).get_json()
    respondent = bearer(link_token(body["access_link"]))
    url = f"/api/v1/respondent/requests/{body['id']}/response"
    too_late = (utcnow().date() + timedelta(days=61)).isoformat()
    refused = client.post(url, json={"category": "in_progress", "final_due": too_late},
                          headers=respondent)
    assert refused.status_code == 422 and "final_due" in refused.get_json()["error"]["fields"]
    with app_context(app):
        from remedy.responses.services import submit_response

        principal = access.link_principal(db.session.get(access.RespondentRequest, body["id"]))
        late_day = utcnow().date() + timedelta(days=16)
        response = submit_response(principal, body["id"], {
            "category": "in_progress",
            "final_due": (late_day + timedelta(days=5)).isoformat()}, today=late_day)
        assert response.timely is False
        assert response.request.initial_timely is False and response.request.final_timely is None


def test_a_respondent_account_token_sees_all_requests_of_its_organisation_only(app, client, token, staff):
    _, _, first, respondent_id = sendable_case(app)
    _, _, second, _ = sendable_case(app)
    _, _, theirs, _ = sendable_case(app, complainant_country="SE")  # the other organisation
    for role, case_id in (("caseworker", first), ("caseworker", second), ("other", theirs)):
        assert send(client, token(role), case_id).status_code == 201
    with app_context(app):
        from remedy.accounts.models import User

        supervisor = db.session.get(User, staff["supervisor"])
        account = access.invite_account(supervisor, respondent_id, "legal@acme.example.com",
                                        locale="en")
        account.password_hash = "set"
        db.session.commit()
        account_token = access.create_token(db.session.get(RespondentAccount, account.id), "ours")
    listed = client.get("/api/v1/respondent/requests?per_page=1", headers=bearer(account_token)).get_json()
    assert listed["total"] == 2 and len(listed["items"]) == 1 and listed["per_page"] == 1
    everything = client.get("/api/v1/respondent/requests", headers=bearer(account_token)).get_json()
    assert {i["organisation"]["slug"] for i in everything["items"]} == {"test-nhri"}
    other_id = client.get(f"/api/v1/cases/{theirs}/respondent-requests",
                          headers=bearer(token("other"))).get_json()["items"][0]["id"]
    assert client.get(f"/api/v1/respondent/requests/{other_id}",
                      headers=bearer(account_token)).status_code == 404
    assert client.post(f"/api/v1/respondent/requests/{other_id}/response", json=FINAL,
                       headers=bearer(account_token)).status_code == 404


def test_respondent_endpoints_refuse_staff_tokens_and_nonsense(app, client, token):
    _, _, case_id, _ = sendable_case(app)
    send(client, token("caseworker"), case_id)
    for headers in ({}, bearer(token("caseworker")), bearer("1.deadbeef"), bearer("rsp-nothing")):
        response = client.get("/api/v1/respondent/requests", headers=headers)
        assert response.status_code == 401 and response.get_json()["error"]["code"]


def test_sending_needs_a_contact_in_the_registry_and_an_open_case(app, client, token, staff):
    from tests.cases.conftest import file_complaint

    _, _, case_id = file_complaint(app)  # the deployer has no contact email yet
    refused = send(client, token("caseworker"), case_id, summary="A rejected applicant.")
    assert refused.status_code == 422 and "target" in refused.get_json()["error"]["fields"]
    _, _, anonymous = file_complaint(app, deployer=None)
    unnamed = send(client, token("caseworker"), anonymous, summary="A rejected applicant.")
    assert unnamed.status_code == 422 and "target" in unnamed.get_json()["error"]["fields"]
    _, _, no_consent, _ = sendable_case(app, share=False)
    needs_summary = send(client, token("caseworker"), no_consent)
    assert needs_summary.status_code == 422 and "summary" in needs_summary.get_json()["error"]["fields"]
    assert send(client, token("other"), no_consent, summary="x").status_code == 404


@pytest.mark.both_storages
def test_a_respondent_attaches_documents_through_the_api(app, client, token):
    import io

    _, _, case_id, _ = sendable_case(app)
    body = send(client, token("caseworker"), case_id).get_json()
    respondent = bearer(link_token(body["access_link"]))
    url = f"/api/v1/respondent/requests/{body['id']}/response"
    refused = client.post(url, headers=respondent, content_type="multipart/form-data", data={
        "category": "in_progress", "final_due": body["clocks"]["final_due_on"],
        "documents": [(io.BytesIO(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200), "tool.pdf")]})
    assert refused.status_code == 422 and "documents" in refused.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/respondent/requests/{body['id']}",
                      headers=respondent).get_json()["responses"] == []  # nothing kept
    answered = client.post(url, headers=respondent, content_type="multipart/form-data", data={
        "category": "closed_with_non_monetary_relief", "explanation": "Explained.",
        "human_review": "Yes.", "data_used": "The CV.", "remedy_offered": "A new review.",
        "remedy_types": ["human_review", "apology"],
        "documents": [(io.BytesIO(b"Our procedure."), "procedure.txt")]})
    assert answered.status_code == 201, answered.get_json()
    staff = client.get(f"/api/v1/cases/{case_id}/respondent-requests",
                       headers=bearer(token("caseworker"))).get_json()
    [response] = staff["items"][0]["responses"]
    assert [d["name"] for d in response["documents"]] == ["procedure.txt"]
    assert response["remedy_types"] == ["human_review", "apology"]
