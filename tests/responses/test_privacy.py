"""The complainant's data in the exchange with the respondent: erased with the rest, and a
withdrawn complaint is no longer put to the respondent."""

import io

import pytest

from remedy.extensions import db
from remedy.responses.models import RespondentRequest
from remedy.responses.services import document_store
from tests.conftest import app_context
from tests.responses.conftest import sendable_case
from tests.web import post_form


def _send_and_answer(app, client, token):
    reference, secret, case_id, _ = sendable_case(app)
    sent = client.post(f"/api/v1/cases/{case_id}/respondent-requests",
                       json={"questions": ["explanation"]},
                       headers={"Authorization": f"Bearer {token('caseworker')}"}).get_json()
    portal = app.test_client()
    portal.get("/respond/open/" + sent["access_link"].rsplit("/", 1)[1])
    answered = post_form(portal, f"/respond/requests/{sent['id']}", {
        "category": "closed_with_explanation", "explanation": "Ana Jensen's CV scored 41.",
        "public_response": "We changed the threshold.",
        "documents": [(io.BytesIO(b"Scores of Ana Jensen"), "scores.txt")]},
        content_type="multipart/form-data")
    assert answered.status_code == 302
    return reference, secret, case_id, sent["id"]


@pytest.mark.both_storages
def test_erasure_reaches_the_exchange_with_the_respondent(app, client, token, as_role):
    _, _, case_id, request_id = _send_and_answer(app, client, token)
    with app_context(app):
        [document] = db.session.get(RespondentRequest, request_id).responses[0].documents
        sha256 = document.sha256
        assert document_store().exists(sha256)
    supervisor = as_role("supervisor")
    erased = post_form(supervisor, f"/cases/{case_id}/erase",
                       {"reason": "The complainant asked.", "confirm": "y"})
    assert erased.status_code == 302
    with app_context(app):
        sent = db.session.get(RespondentRequest, request_id)
        assert sent.packet["identity"] is None and sent.packet["identity_erased"]
        [response] = sent.responses
        assert "Ana" not in (response.explanation or "") and not response.documents
        assert response.category == "closed_with_explanation" and response.timely is True
        assert response.public_response == "We changed the threshold."
        assert not document_store().exists(sha256)


def test_a_withdrawn_complaint_withdraws_its_requests(app, client, token):
    reference, secret, case_id, _ = sendable_case(app)
    sent = client.post(f"/api/v1/cases/{case_id}/respondent-requests",
                       json={"questions": ["explanation"]},
                       headers={"Authorization": f"Bearer {token('caseworker')}"}).get_json()
    withdrawn = client.post(f"/api/v1/complaints/{reference}/withdraw", json={},
                            headers={"X-Remedy-Secret": secret})
    assert withdrawn.status_code == 200
    assert app.test_client().get(
        "/respond/open/" + sent["access_link"].rsplit("/", 1)[1]).status_code == 404
    with app_context(app):
        assert db.session.get(RespondentRequest, sent["id"]).status == "revoked"
