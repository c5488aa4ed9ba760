"""Inputs that once made the API answer 500 (found by tests/api/test_schemathesis.py): each
now gets a 4xx in the error envelope, or is read as what a person meant."""

import pytest

from remedy.accounts.services import create_api_token
from remedy.federation import crypto
from tests.conftest import app_context
from tests.factories import complaint_payload, make_organisation, make_user


@pytest.fixture
def headers(app):
    with app_context(app):
        make_organisation()
        user = make_user(role="org_admin")
        return {"Authorization": f"Bearer {create_api_token(user, 'tests')}"}


@pytest.mark.parametrize("url", [
    "/api/v1/registry/respondents?q=%00",
    "/api/v1/registry/respondents?q=Acme%00Logistics",
    "/api/v1/cases?q=%00",
    "/api/v1/cases?q=a%00b",
])
def test_nul_in_a_search_is_no_database_error(client, headers, url):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"] == []


@pytest.mark.parametrize("url", [
    "/api/v1/referrals?per_page=%C2%B3",  # "³" is a digit to Python, not to int()
    "/api/v1/registry/respondents?page=%C2%B3",
    "/api/v1/cases?per_page=%C2%B3",
])
def test_a_number_that_only_looks_like_one_is_a_field_error(client, headers, url):
    response = client.get(url, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"


def test_a_page_that_only_looks_like_a_number_is_a_field_error(client, headers):
    response = client.get("/api/v1/collective-claims?page=%C2%B3&per_page=%D9%A3",
                          headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"page", "per_page"}


def test_a_group_size_that_only_looks_like_a_number_is_a_field_error(client, headers):
    response = client.post("/api/v1/complaints", json=complaint_payload(
        filer_type="group", group_size="³"))
    assert response.status_code == 422
    assert "group_size" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_id_beyond_the_database_is_a_404_whatever_the_method(client, headers, method):
    response = getattr(client, method)("/api/v1/cases/2147483648/respondent-requests",
                                       headers=headers, json={})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_key_valid_until_a_date_without_offset_is_read_as_utc(client, headers):
    _private, public = crypto.new_key_pair()
    response = client.post("/api/v1/directory", headers=headers, json=[{
        "name": "Peer authority", "country": "NO", "type": "dpa",
        "base_url": "https://peer.example.org", "slug": "peer",
        "public_keys": [{"public_key": public, "valid_until": "2030-01-31"}]}])
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"added": 1, "updated": 0}


@pytest.mark.parametrize("field, value", [
    ("slug", "peer\x00"), ("base_url", "https://peer.example.org/\x00"),
    ("contact_email", "a\x00@example.org"), ("languages", ["nb\x00"]),
])
def test_control_characters_in_a_directory_entry_are_field_errors(client, headers, field,
                                                                   value):
    _private, public = crypto.new_key_pair()
    entry = {"name": "Peer authority", "country": "NO", "type": "dpa",
             "base_url": "https://peer.example.org", "slug": "peer", "public_key": public,
             field: value}
    response = client.post("/api/v1/directory", headers=headers, json=[entry])
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["entry 1"]


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/collective-claims",
                                  "/api/v1/referrals", "/api/v1/registry/respondents"])
def test_every_list_refuses_a_page_size_it_will_not_give_naming_the_field(client, headers, path):
    for query, field in (("per_page=500", "per_page"), ("page=0", "page")):
        response = client.get(f"{path}?{query}", headers=headers)
        assert response.status_code == 422, (path, query)
        assert field in response.get_json()["error"]["fields"]
