"""The complainant's JSON API, as other systems call it."""

import uuid

import pytest

from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.conftest import app_context
from tests.factories import complaint_payload

pytestmark = pytest.mark.usefixtures("org")


def file(client, payload=None, **headers):
    return client.post("/api/v1/complaints", json=payload or complaint_payload(), headers=headers)


def filed(client, **changes):
    response = file(client, complaint_payload(**changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def auth(secret):
    return {"X-Remedy-Secret": secret}


def count_complaints(app):
    with app_context(app):
        return db.session.query(Complaint).count()


def test_filing_returns_the_documented_fields(client, app):
    response = file(client)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"reference", "secret", "state", "received_at", "organisation"}
    assert body["state"] == "received" and body["organisation"] == "test-nhri"
    assert response.headers["Cache-Control"] == "no-store"
    with app_context(app):
        complaint = db.session.query(Complaint).one()
        assert complaint.reference == body["reference"]
        assert body["secret"] not in complaint.secret_hash  # stored only as a hash


def test_the_complaint_keeps_what_was_typed_and_links_the_registry(client, app):
    filed(client, ai_system="Uber driver app", deployer="Uber B.V.", deployer_country="NL")
    filed(client, ai_system="UBER  driver app", deployer="uber b.v.")
    with app_context(app):
        first, second = db.session.query(Complaint).order_by(Complaint.id).all()
        assert second.ai_system_as_named == "UBER driver app"  # spacing tidied, case kept
        assert first.ai_system_id == second.ai_system_id
        assert first.deployer_id == second.deployer_id
        assert first.deployer.main_establishment_country == "NL"


def test_idempotency_key_returns_the_first_result(client, app):
    key = str(uuid.uuid4())
    first = file(client, **{"Idempotency-Key": key})
    again = file(client, **{"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_complaints(app) == 1


def test_answers_kept_for_retries_are_deleted_once_expired(client, app):
    from datetime import timedelta

    from remedy.core.db import utcnow
    from remedy.core.idempotency import IdempotencyRecord, forget_expired_answers

    old, recent = str(uuid.uuid4()), str(uuid.uuid4())
    file(client, **{"Idempotency-Key": old})
    file(client, **{"Idempotency-Key": recent})
    with app_context(app):
        first = db.session.scalars(
            db.select(IdempotencyRecord).order_by(IdempotencyRecord.id)).first()
        first.created_at = utcnow() - timedelta(hours=app.config["IDEMPOTENCY_TTL_HOURS"] + 1)
        db.session.commit()
        assert forget_expired_answers() == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(IdempotencyRecord)) == 1
    assert file(client, **{"Idempotency-Key": recent}).headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in file(client, **{"Idempotency-Key": old}).headers


def test_idempotency_key_reused_for_another_body_is_a_conflict(client, app):
    key = str(uuid.uuid4())
    file(client, **{"Idempotency-Key": key})
    response = file(client, complaint_payload(title="Something else entirely"),
                    **{"Idempotency-Key": key})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert count_complaints(app) == 1


def test_without_idempotency_key_a_retry_files_twice(client, app):
    file(client)
    file(client)
    assert count_complaints(app) == 2


@pytest.mark.parametrize("changes, field", [
    ({"title": None}, "title"),
    ({"narrative": "x" * 1_000_000}, "narrative"),
    ({"complainant_country": "ZZ"}, "complainant_country"),
    ({"language": "klingon"}, "language"),
    ({"date_of_harm": "2999-01-01"}, "date_of_harm"),
    ({"filer_type": "group", "group_size": 0}, "group_size"),
    ({"filer_type": "group", "group_size": 10**9}, "group_size"),
    ({"sector": 7}, "sector"),
    ({"rights_dimensions": []}, "rights_dimensions"),
    ({"consents": {"publish_narrative": "yes"}}, "consents.publish_narrative"),
    ({"contact": {"email": "@@"}}, "contact.email"),
    ({"filer_type": "representative_org"}, "mandate.basis"),
])
def test_bad_input_gets_the_documented_error(client, app, changes, field):
    response = file(client, complaint_payload(**changes))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"] and error["fields"][field][0]
    assert count_complaints(app) == 0


@pytest.mark.parametrize("body, content_type", [
    ("not json", "application/json"),
    ("[1, 2]", "application/json"),
    ("null", "application/json"),
    ("title=x", "application/x-www-form-urlencoded"),
    ("\x00\x01", "application/json"),
])
def test_a_body_that_is_not_a_json_object_is_a_400(client, body, content_type):
    response = client.post("/api/v1/complaints", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_null_bytes_and_markup_are_stored_inert(client, app):
    body = filed(client, title="<img src=x onerror=alert(1)>\u0000",
                 narrative="<script>alert('x')</script> and a null \u0000 byte in my story.")
    response = client.get(f"/api/v1/complaints/{body['reference']}", headers=auth(body["secret"]))
    complaint = response.get_json()
    assert complaint["title"] == "<img src=x onerror=alert(1)>"
    assert "\u0000" not in complaint["narrative"]


def test_api_errors_are_json_even_for_unknown_routes_and_methods(client):
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/complaints")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_complainant_reads_their_complaint_with_the_secret(client):
    body = filed(client)
    response = client.get(f"/api/v1/complaints/{body['reference']}", headers=auth(body["secret"]))
    assert response.status_code == 200
    complaint = response.get_json()
    assert complaint["state"] == "received"
    assert [e["kind"] for e in complaint["timeline"]] == ["filed"]
    assert complaint["ai_system"] == "HireScreen"


def test_the_secret_is_forgiving_about_spaces_and_case(client):
    body = filed(client)
    sloppy = body["secret"].lower().replace("-", " ")
    assert client.get(f"/api/v1/complaints/{body['reference'].lower()}",
                      headers=auth(sloppy)).status_code == 200


@pytest.mark.parametrize("which", ["wrong secret", "no secret", "unknown reference", "malformed"])
def test_a_wrong_secret_and_an_unknown_reference_look_the_same(client, which):
    body = filed(client)
    reference, secret = body["reference"], body["secret"]
    headers = auth("WRNG-WRNG-WRNG-WRNG-WRNG")
    if which == "no secret":
        headers = {}
    elif which == "unknown reference":
        reference, headers = "RMD-2222-2222", auth(secret)
    elif which == "malformed":
        reference, headers = "rmd-<script>", auth(secret)
    response = client.get(f"/api/v1/complaints/{reference}", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == (
        "The reference or the secret is not right. Check both and try again.")


def test_messages_and_amendments_are_appended(client):
    body = filed(client)
    url = f"/api/v1/complaints/{body['reference']}"
    response = client.post(f"{url}/messages", json={"body": "Here is more."}, headers=auth(body["secret"]))
    assert response.status_code == 201 and response.get_json()["kind"] == "message"
    client.post(f"{url}/messages", json={"kind": "amendment", "body": "Also: it happened twice."},
                headers=auth(body["secret"]))
    complaint = client.get(url, headers=auth(body["secret"])).get_json()
    assert [e["kind"] for e in complaint["timeline"]] == ["filed", "message", "amendment"]
    assert complaint["narrative"].startswith("I applied")  # never edited in place


@pytest.mark.parametrize("payload, field", [
    ({"body": ""}, "body"), ({"body": "x" * 20_001}, "body"), ({"body": 5}, "body"),
    ({"body": "hi", "kind": "secret"}, "kind"),
])
def test_bad_messages_are_refused(client, payload, field):
    body = filed(client)
    response = client.post(f"/api/v1/complaints/{body['reference']}/messages", json=payload,
                           headers=auth(body["secret"]))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_messages_need_the_secret(client):
    body = filed(client)
    response = client.post(f"/api/v1/complaints/{body['reference']}/messages", json={"body": "x"})
    assert response.status_code == 401


def test_consents_can_be_given_and_withdrawn(client):
    body = filed(client, contact={"email": "ana@example.org"},
                 consents={"publish_narrative": True})
    url = f"/api/v1/complaints/{body['reference']}"
    response = client.patch(f"{url}/consents", json={"publish_narrative": False, "contact": True},
                            headers=auth(body["secret"]))
    assert response.get_json()["consents"] == {"contact": True, "share_across_borders": False,
                                               "publish_narrative": False,
                                               "share_with_respondent": False}
    timeline = client.get(url, headers=auth(body["secret"])).get_json()["timeline"]
    assert timeline[-1]["kind"] == "consent_changed"
    assert timeline[-1]["data"] == {"contact": True, "publish_narrative": False}


def test_anonymous_complainant_cannot_consent_to_contact(client):
    body = filed(client)
    response = client.patch(f"/api/v1/complaints/{body['reference']}/consents",
                            json={"contact": True}, headers=auth(body["secret"]))
    assert response.status_code == 422 and "consents.contact" in response.get_json()["error"]["fields"]


def test_withdrawal_closes_the_complaint(client):
    body = filed(client)
    url = f"/api/v1/complaints/{body['reference']}"
    response = client.post(f"{url}/withdraw", json={"reason": "Solved with the employer."},
                           headers=auth(body["secret"]))
    assert response.status_code == 200 and response.get_json()["state"] == "withdrawn"
    again = client.post(f"{url}/withdraw", headers=auth(body["secret"]))
    assert again.status_code == 409
    message = client.post(f"{url}/messages", json={"body": "hello"}, headers=auth(body["secret"]))
    assert message.status_code == 409
    # a consent can still be withdrawn after the complaint is
    assert client.patch(f"{url}/consents", json={"share_across_borders": False},
                        headers=auth(body["secret"])).status_code == 200


@pytest.mark.both_storages
def test_evidence_can_be_added_through_the_api(client):
    body = filed(client)
    url = f"/api/v1/complaints/{body['reference']}/evidence"
    response = client.post(url, data={"file": [(_pdf(), "letter.pdf")]},
                           headers=auth(body["secret"]), content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["added"] == 1
    bad = client.post(url, data={"file": [(_elf(), "invoice.pdf")]},
                      headers=auth(body["secret"]), content_type="multipart/form-data")
    assert bad.status_code == 422 and "file" in bad.get_json()["error"]["fields"]


def test_no_organisation_means_a_clear_503(app, client):
    with app_context(app):
        from remedy.accounts.models import Organisation

        db.session.query(Organisation).delete()
        db.session.commit()
    response = file(client)
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "unavailable"


def _pdf():
    import io

    return io.BytesIO(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")


def _elf():
    import io

    return io.BytesIO(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200)


TEXT_FIELDS = ["title", "narrative", "ai_system", "deployer", "provider"]
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_markup_in_every_text_field_is_stored_as_typed_and_rendered_escaped(client):
    from tests.web import post_form

    changes = {name: f"{name} {PAYLOAD} padding text" for name in TEXT_FIELDS}
    changes.update(filer_type="group", co_complainants=[{"name": PAYLOAD}],
                   contact={"name": PAYLOAD}, other_rights=[PAYLOAD],
                   rights_dimensions=["other"])
    body = filed(client, **changes)
    stored = client.get(f"/api/v1/complaints/{body['reference']}",
                        headers=auth(body["secret"])).get_json()
    assert stored["title"] == changes["title"] and stored["co_complainants"][0]["name"] == PAYLOAD
    client.post(f"/api/v1/complaints/{body['reference']}/messages",
                json={"body": PAYLOAD}, headers=auth(body["secret"]))
    post_form(client, "/track", {"reference": body["reference"], "secret": body["secret"]})
    html = client.get("/track/complaint").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3


def test_nothing_personal_is_logged(client, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    secret_story = "My neighbour Zygmunt Planted-Narrative saw everything happen"
    body = filed(client, narrative=secret_story,
                 contact={"name": "Planted Name", "email": "planted.person@example.org",
                          "phone": "+45 99 88 77 66"})
    client.post(f"/api/v1/complaints/{body['reference']}/messages",
                json={"body": "Planted-Message text"}, headers=auth(body["secret"]))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for planted in ("Planted-Narrative", "Planted Name", "planted.person", "99 88 77 66",
                    "Planted-Message", body["secret"]):
        assert planted not in logged
