"""Staff search and correct the registry of respondents."""

import pytest

from remedy.core.audit import AuditEvent
from remedy.extensions import db
from tests.cases.conftest import file_complaint
from tests.conftest import app_context


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def uber(app, staff):
    file_complaint(app, ai_system="Uber driver app", deployer="Uber B.V.", deployer_country="NL")
    file_complaint(app, deployer="Acme Logistics A/S")
    client = app.test_client()
    return lambda token: client.get("/api/v1/registry/respondents?q=uber",
                                    headers=bearer(token)).get_json()["items"][0]


def test_search_finds_respondents_by_name_or_alias(app, uber, token):
    found = uber(token("caseworker"))
    assert found["name"] == "Uber B.V." and found["main_establishment_country"] == "NL"
    assert found["aliases"] == ["Uber B.V."]
    everything = app.test_client().get("/api/v1/registry/respondents",
                                       headers=bearer(token("caseworker"))).get_json()
    assert everything["total"] == 2 and set(everything) == {"items", "page", "per_page", "total"}
    assert app.test_client().get("/api/v1/registry/respondents").status_code == 401


def test_a_supervisor_corrects_a_respondent_and_it_is_audited(app, uber, token):
    respondent_id = uber(token("supervisor"))["id"]
    response = app.test_client().patch(
        f"/api/v1/registry/respondents/{respondent_id}", headers=bearer(token("supervisor")),
        json={"main_establishment_country": "nl", "is_public_authority": False,
              "contact_email": "complaints@uber.example", "kind": "deployer",
              "aliases": ["Uber B.V.", "Uber", "uber driver company"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["aliases"] == ["Uber", "Uber B.V.", "uber driver company"]
    assert body["contact_email"] == "complaints@uber.example"
    # a new complaint naming an alias resolves to the same entry
    file_complaint(app, deployer="UBER")
    assert uber(token("caseworker"))["id"] == respondent_id
    with app_context(app):
        assert db.session.query(AuditEvent).filter_by(action="registry.respondent_updated").count() == 1


def test_caseworkers_cannot_correct_the_registry(app, uber, token):
    respondent_id = uber(token("caseworker"))["id"]
    response = app.test_client().patch(f"/api/v1/registry/respondents/{respondent_id}",
                                       headers=bearer(token("caseworker")), json={"kind": "provider"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("body, field", [
    ({"main_establishment_country": "XX"}, "main_establishment_country"),
    ({"is_public_authority": "yes"}, "is_public_authority"),
    ({"kind": "builder"}, "kind"),
    ({"contact_email": "nope"}, "contact_email"),
    ({"aliases": "Uber"}, "aliases"),
    ({"aliases": ["x"]}, "aliases"),
    ({"name": "Renamed"}, "name"),
])
def test_bad_corrections_name_the_field(app, uber, token, body, field):
    respondent_id = uber(token("supervisor"))["id"]
    response = app.test_client().patch(f"/api/v1/registry/respondents/{respondent_id}",
                                       headers=bearer(token("supervisor")), json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_an_alias_of_another_respondent_is_a_conflict(app, uber, token):
    respondent_id = uber(token("supervisor"))["id"]
    response = app.test_client().patch(f"/api/v1/registry/respondents/{respondent_id}",
                                       headers=bearer(token("supervisor")),
                                       json={"aliases": ["Uber B.V.", "ACME LOGISTICS A/S"]})
    assert response.status_code == 409 and "aliases" in response.get_json()["error"]["fields"]
    assert app.test_client().patch("/api/v1/registry/respondents/999999",
                                   headers=bearer(token("supervisor")), json={}).status_code == 404
