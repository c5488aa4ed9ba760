"""The staff API: a token sees what its user sees."""

import pytest


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_list_and_read_cases_with_a_token(app, staff, token):
    from tests.cases.conftest import file_complaint

    reference, _, case_id = file_complaint(app, sector="health")
    file_complaint(app, complainant_country="SE")
    client = app.test_client()
    body = client.get("/api/v1/cases?sector=health", headers=bearer(token("caseworker"))).get_json()
    assert body["total"] == 1 and body["items"][0]["reference"] == reference
    assert set(body) == {"items", "page", "per_page", "total"}
    detail = client.get(f"/api/v1/cases/{case_id}", headers=bearer(token("caseworker"))).get_json()
    assert detail["complaints"][0]["reference"] == reference
    assert detail["ai_system"]["name"] == "HireScreen" and detail["respondent"]["id"]
    assert detail["allowed_transitions"] == ["triage"]


def test_no_token_or_a_revoked_token_is_a_401(app, staff, token):
    client = app.test_client()
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers=bearer("rmd_nonsense")).status_code == 401


def test_bad_filters_name_the_parameter(app, staff, token):
    response = app.test_client().get("/api/v1/cases?per_page=1000&state=nowhere&collective=maybe",
                                     headers=bearer(token("caseworker")))
    assert response.status_code == 422
    assert {"per_page", "state", "collective"} <= set(response.get_json()["error"]["fields"])


def test_transitions_and_the_409_with_allowed_targets(app, case, token):
    _, _, case_id = case
    client = app.test_client()
    headers = bearer(token("caseworker"))
    ok = client.post(f"/api/v1/cases/{case_id}/transitions", json={"to": "triage"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["state"] == "triage"
    refused = client.post(f"/api/v1/cases/{case_id}/transitions", json={"to": "closed"},
                          headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["allowed"] == ["needs_info", "inadmissible", "investigating"]
    reasonless = client.post(f"/api/v1/cases/{case_id}/transitions", json={"to": "needs_info"},
                             headers=headers)
    assert reasonless.status_code == 422 and "reason" in reasonless.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/cases/{id}", "/api/v1/cases/{id}/transitions"])
def test_another_organisations_case_is_a_404_in_the_api(app, other_case, token, path):
    _, _, case_id = other_case
    client = app.test_client()
    url = path.format(id=case_id)
    response = (client.post(url, json={"to": "triage"}, headers=bearer(token("caseworker")))
                if url.endswith("transitions") else client.get(url, headers=bearer(token("caseworker"))))
    assert response.status_code == 404


def test_staff_read_and_write_complaints_of_their_organisation(app, case, other_case, token):
    reference, _, _ = case
    client = app.test_client()
    headers = bearer(token("caseworker"))
    read = client.get(f"/api/v1/complaints/{reference}", headers=headers)
    assert read.status_code == 200 and read.get_json()["contact"]["email"] == "ana@example.org"
    wrote = client.post(f"/api/v1/complaints/{reference}/messages", json={"body": "Hello"},
                        headers=headers)
    assert wrote.status_code == 201 and wrote.get_json()["author"] == "staff"
    assert client.get(f"/api/v1/complaints/{other_case[0]}", headers=headers).status_code == 404


def test_the_api_ignores_session_cookies(app, case, as_role):
    """A signed-in browser cannot be used against the API from another site (no CSRF)."""
    _, _, case_id = case
    browser = as_role("caseworker")
    assert browser.get("/api/v1/cases").status_code == 401
    assert browser.post(f"/api/v1/cases/{case_id}/transitions", json={"to": "triage"}).status_code == 401
