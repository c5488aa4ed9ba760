"""What the abuse tests found, each pinned down: these answered 500 (or set a cookie without
its flags) and now answer as they should."""

import json

import pytest

from tests import test_access_matrix as matrix
from tests.factories import complaint_payload, form_data
from tests.web import csrf_token

HUGE = "9" * 5000  # int() refuses strings of more than 4,300 digits: a ValueError, once a 500


@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 999 + "1" + "}" * 999,
])
@pytest.mark.usefixtures("org")
def test_json_nested_too_deeply_is_a_400_not_a_500(client, body):
    response = client.post("/api/v1/complaints", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_directory_file_nested_too_deeply_is_a_field_error(app):
    from remedy.core.errors import ValidationFailed
    from remedy.referrals.directory import import_json
    from tests.conftest import app_context

    with app_context(app), pytest.raises(ValidationFailed) as refused:
        import_json(b"[" * 50_000, actor="tests")
    assert "file" in refused.value.fields


@pytest.mark.usefixtures("org")
def test_a_group_size_of_thousands_of_digits_is_a_field_error(client):
    response = client.post("/api/v1/complaints",
                           json=complaint_payload(filer_type="group", group_size=HUGE))
    assert response.status_code == 422
    assert "group_size" in response.get_json()["error"]["fields"]
    page = client.post("/complaints/new", data={
        **form_data(filer_type="group", group_size=HUGE),
        "csrf_token": csrf_token(client, "/complaints/new")})
    assert page.status_code == 422


@pytest.fixture
def world(app):
    return matrix._world(app)


def test_staff_numbers_of_thousands_of_digits_are_refused(app, world):
    admin = matrix._client_for(app, "org_admin", world)
    token = csrf_token(admin, "/track")
    case_id = world["own"]["case_id"]
    priority = admin.post(f"/cases/{case_id}/priority", data={"priority": HUGE,
                                                               "csrf_token": token})
    assert priority.status_code == 422
    settings = admin.post("/admin/case-settings", data={"acknowledge_length": HUGE,
                                                        "csrf_token": token})
    assert settings.status_code == 422
    assert "from 1 to 365" in settings.get_data(as_text=True)
    assert admin.get(f"/directory?imported={HUGE}/1").status_code == 200


def test_no_cookie_without_its_flags_after_a_session_changes_hands(app, world):
    """Flask-Login's 'strong' session protection cleared a remember cookie Remedy never
    sets, with a bare deletion cookie (no HttpOnly, SameSite)."""
    client = matrix._client_for(app, "caseworker", world)
    client.environ_base["HTTP_USER_AGENT"] = "another browser"  # the session's identity changes
    response = client.get("/cases")
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies), cookies
    assert response.status_code == 302  # signed out, as strong protection wants


def test_the_api_limit_is_one_budget_per_token_across_operations(make_app, app, org):
    from remedy.accounts.services import create_api_token
    from remedy.extensions import limiter
    from tests.conftest import app_context
    from tests.factories import make_user

    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per day")
    try:
        with app_context(app):
            headers = {"Authorization": f"Bearer {create_api_token(make_user(), 'limit')}"}
        client = limited.test_client()
        filed = client.post("/api/v1/complaints", json=complaint_payload()).get_json()
        statuses = [client.get("/api/v1/cases", headers=headers).status_code,
                    client.get("/api/v1/directory", headers=headers).status_code,
                    client.post(f"/api/v1/complaints/{filed['reference']}/messages",
                                headers=headers, json={"body": "Within the budget."}).status_code,
                    client.post(f"/api/v1/complaints/{filed['reference']}/messages",
                                headers=headers, json={"body": "Beyond it."}).status_code]
        assert statuses == [200, 200, 201, 429]
        body = json.loads(client.get("/api/v1/referrals", headers=headers).data)
        assert body["error"]["code"] == "rate_limited"
    finally:
        limiter.reset()
        make_app()


def test_nul_in_form_fields_and_url_arguments_is_dropped(app, world):
    """PostgreSQL refuses NUL in text: a NUL in a sign-in email, a token's name or a
    reference was a 500 there (no person types one)."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"email": "cw\x00@one.example.org", "password": "x\x00",
                                       "csrf_token": token}).status_code == 401
    assert client.post("/password/forgot", data={"email": "a\x00@example.org",
                                                 "csrf_token": token}).status_code == 302
    assert client.post("/respond/login", data={"email": "a\x00", "password": "x",
                                               "csrf_token": token}).status_code == 401
    staff = matrix._client_for(app, "caseworker", world)
    token = csrf_token(staff, "/track")
    duplicate = staff.post(f"/cases/{world['own']['case_id']}/duplicate",
                           data={"original": "RMD-\x00", "csrf_token": token})
    assert duplicate.status_code == 422
    assert staff.get("/cases?q=%00").status_code == 200
    assert staff.get("/registry?q=Acme%00").status_code == 200
