"""create-user and create-token, as scripts call them: the result alone on the last line."""

import pytest

from remedy.accounts import services
from remedy.accounts.models import User
from remedy.extensions import db
from tests.conftest import app_context
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("org")


def run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["remedy", *args], **kwargs)


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def stored(app, email) -> User | None:
    with app_context(app):
        user = db.session.query(User).filter_by(email=email).one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_user_prints_the_email_last(app):
    result = run(app, "create-user", "--org", "test-nhri", "--email", "Ana.Lima@Example.org",
                 "--role", "supervisor", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output  # given, so not asked for
    assert last_line(result) == "ana.lima@example.org"
    user = stored(app, "ana.lima@example.org")
    assert user.role == "supervisor" and user.organisation_id is not None
    with app_context(app):
        assert services.authenticate("ana.lima@example.org", PASSWORD).role == "supervisor"


def test_a_sysadmin_needs_no_organisation(app):
    result = run(app, "create-user", "--email", "root@example.org", "--role", "sysadmin",
                 "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert last_line(result) == "root@example.org"
    assert stored(app, "root@example.org").organisation_id is None


def test_the_password_is_asked_for_twice_when_absent(app):
    result = run(app, "create-user", "--org", "test-nhri", "--email", "bo@example.org",
                 "--role", "caseworker", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed without echo
    assert last_line(result) == "bo@example.org"


@pytest.mark.parametrize("args, message", [
    (["--org", "test-nhri", "--role", "boss"], "--role"),
    (["--org", "no-such-org", "--role", "caseworker"], "no organisation with this slug"),
    (["--role", "caseworker"], "--org"),
    (["--org", "test-nhri", "--role", "sysadmin"], "belongs to no organisation"),
    (["--org", "test-nhri", "--role", "caseworker", "--email", "not-an-email"], "--email"),
])
def test_create_user_refuses_bad_input_clearly(app, args, message):
    if "--email" not in args:
        args = [*args, "--email", "x@example.org"]
    result = run(app, "create-user", *args, "--password", PASSWORD)
    assert result.exit_code != 0
    assert message in result.output
    assert stored(app, "x@example.org") is None


def test_create_user_refuses_a_weak_password_and_a_duplicate(app):
    weak = run(app, "create-user", "--org", "test-nhri", "--email", "x@example.org",
               "--role", "caseworker", "--password", "short")
    assert weak.exit_code != 0 and "--password" in weak.output and "12 characters" in weak.output
    args = ["create-user", "--org", "test-nhri", "--email", "x@example.org", "--role",
            "caseworker", "--password", PASSWORD]
    assert run(app, *args).exit_code == 0
    duplicate = run(app, *args)
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


def test_create_token_prints_the_token_alone_last(app):
    with app_context(app):
        make_user("ana@example.org")
    result = run(app, "create-token", "--user", "ana@example.org", "--name", "nightly export")
    assert result.exit_code == 0, result.output
    token = last_line(result)
    assert token.startswith("rmd_") and " " not in token
    with app_context(app):
        assert services.user_for_token(token).email == "ana@example.org"


def test_a_token_can_be_limited_to_reading(app):
    with app_context(app):
        make_user("ana@example.org")
    result = run(app, "create-token", "--user", "ana@example.org", "--name", "dashboard",
                 "--scopes", "read")
    assert result.exit_code == 0, result.output
    client = app.test_client()
    headers = {"Authorization": f"Bearer {last_line(result)}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    written = client.post("/api/v1/referrals", json={}, headers=headers)
    assert written.status_code == 403
    assert written.get_json()["error"]["code"] == "insufficient_scope"


@pytest.mark.parametrize("email, name, scopes, message", [
    ("nobody@example.org", "x", "read", "no account"),
    ("ana@example.org", " ", "read", "--name"),
    ("ana@example.org", "x", "admin", "--scopes"),
])
def test_create_token_refuses_bad_input_clearly(app, email, name, scopes, message):
    with app_context(app):
        make_user("ana@example.org")
    result = run(app, "create-token", "--user", email, "--name", name, "--scopes", scopes)
    assert result.exit_code != 0 and message in result.output
