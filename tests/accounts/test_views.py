"""Staff pages as a browser without JavaScript uses them: signing in and out, two-step
sign-in, invitations, password resets, API tokens and the organisation's staff list."""

import re
import time
from urllib.parse import quote

import pyotp
import pytest
from flask import url_for
from sqlalchemy import select

from remedy.accounts import services
from remedy.accounts.models import ApiToken, User
from remedy.accounts.views import safe_next
from remedy.extensions import db
from tests.conftest import app_context
from tests.factories import PASSWORD, make_organisation, make_user
from tests.web import csrf_token, field_errors, post_form

pytestmark = pytest.mark.usefixtures("org")

CASEWORKER = "caseworker@example.org"
ADMIN = "admin@example.org"
NEW_PASSWORD = "a brand new long passphrase"


@pytest.fixture
def caseworker(app, org):
    with app_context(app):
        return make_user(CASEWORKER).id


@pytest.fixture
def admin(app, org):
    with app_context(app):
        return make_user(ADMIN, role="org_admin").id


@pytest.fixture
def limited(make_app, app):
    """Tight limits; the limiter is process-wide, so it is reset and rebound afterwards."""
    limited_app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    yield limited_app
    from remedy.extensions import limiter

    limiter.reset()
    make_app()


def login(client, email=CASEWORKER, password=PASSWORD, **extra):
    return post_form(client, "/login", {"email": email, "password": password, **extra})


def logout(client):
    return post_form(client, "/logout", {}, token_from="/account")


def queue_url(app):
    with app.test_request_context():
        return url_for("cases.queue")


def user(app, email) -> User:
    with app_context(app):
        found = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(found)
        return found


def link_in(mailbox, address, path):
    [message] = mailbox.to(address)
    return re.search(rf"http://remedy\.test({path}/\S+)", mailbox.text(message)).group(1)


def wrong_code(secret) -> str:
    """A code that is right at no moment the service accepts now."""
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222") if c not in valid)


def unlabelled(html) -> set[str]:
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    hidden = set(re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*type="hidden"', html)) | set(
        re.findall(r'<input[^>]*type="hidden"[^>]*\bid="([^"]+)"', html))
    return ids - hidden - set(re.findall(r'<label for="([^"]+)"', html))


# --- signing in -----------------------------------------------------------------------------


@pytest.mark.usefixtures("caseworker", "admin")
@pytest.mark.parametrize("email, url", [(None, "/login"), (None, "/password/forgot"),
                                        (CASEWORKER, "/account"), (ADMIN, "/admin/users")])
def test_every_input_has_a_label_and_there_is_no_script(client, email, url):
    if email:
        login(client, email)
    html = client.get(url).get_data(as_text=True)
    assert "<form" in html and "<script" not in html and "style=" not in html
    assert not unlabelled(html)


def test_signing_in_renews_the_session_keeps_the_language_and_lands_on_next(client, caseworker):
    client.get("/?lang=fr")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("remedy_session").value
    response = login(client, next="/account?tab=tokens")
    assert response.status_code == 302 and response.location == "/account?tab=tokens"
    assert client.get_cookie("remedy_session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session and session["lang"] == "fr"
    assert CASEWORKER in client.get("/account").get_data(as_text=True)
    assert user(app=client.application, email=CASEWORKER).last_login_at is not None


def test_staff_land_on_the_queue_and_the_sysadmin_on_the_account_page(client, app, caseworker):
    assert login(client).location == queue_url(app)
    with app_context(app):
        make_user("root@example.org", role="sysadmin", org_slug=None)
    other = app.test_client()
    assert login(other, "root@example.org").location == "/account"
    assert "System administrator" in other.get("/account").get_data(as_text=True)


def test_the_login_form_carries_next_from_the_address(client, caseworker):
    html = client.get("/login?next=" + quote("/account")).get_data(as_text=True)
    assert 'value="/account"' in html
    redirected = client.get("/account")
    assert redirected.location == "/login?next=%2Faccount"
    assert "Please sign in" in client.get(redirected.location).get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)", "http:/evil"])
def test_next_never_leads_to_another_site(client, app, caseworker, target):
    assert safe_next(target) is None
    assert login(client, next=target).location == queue_url(app)


def test_wrong_password_and_unknown_email_get_the_same_401_beside_the_password(client, caseworker):
    messages = []
    for email in (CASEWORKER, "nobody@example.org"):
        response = login(client, email, "not the password at all")
        assert response.status_code == 401
        html = response.get_data(as_text=True)
        messages.append(field_errors(html, "password"))
        assert field_errors(html, "email") == ""
        assert f'value="{email}"' in html and "not the password at all" not in html
    assert messages[0] == messages[1] and "not right" in messages[0]
    assert client.get("/account").status_code == 302


def test_too_many_failures_lock_the_account_even_for_the_right_password(app, client, caseworker):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, password="wrong wrong wrong").status_code == 401
    assert login(client).status_code == 401
    assert client.get("/account").status_code == 302


def test_sign_in_and_forgotten_password_are_rate_limited(limited):
    client = limited.test_client()
    statuses = [login(client, "nobody@example.org", "guess").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert client.get("/login").status_code == 200  # the page itself stays open
    asks = [post_form(client, "/password/forgot", {"email": "x@example.org"}).status_code
            for _ in range(4)]
    assert asks == [302, 302, 302, 429]


def test_sign_out_is_a_post_with_a_csrf_token(client, caseworker):
    login(client)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    client.get("/?lang=fr")
    response = logout(client)
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/account").location.startswith("/login?next=")
    with client.session_transaction() as session:
        assert session.get("lang") == "fr"


@pytest.mark.usefixtures("caseworker")
@pytest.mark.parametrize("url", ["/login", "/logout", "/account/tokens", "/password/forgot",
                                 "/account/two-factor", "/admin/users"])
def test_forms_without_a_csrf_token_are_refused(client, url):
    login(client)
    assert client.post(url, data={"email": CASEWORKER, "password": PASSWORD}).status_code == 400


# --- two-step sign-in -------------------------------------------------------------------------


def test_two_step_sign_in_is_set_up_on_the_pages_then_asked_for(client, app, caseworker):
    login(client)
    assert "Set up two-step sign-in" in client.get("/account").get_data(as_text=True)
    response = post_form(client, "/account/two-factor", {"action": "start"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    shown = re.search(r'id="totp-secret">([^<]+)<', html).group(1)
    assert re.fullmatch(r"(?:[A-Z2-7]{4} )*[A-Z2-7]{1,4}", shown)
    secret = shown.replace(" ", "")
    assert '<img src="data:image/svg+xml' in html and 'alt="' in html
    assert not unlabelled(html)

    refused = post_form(client, "/account/two-factor", {"action": "confirm",
                                                         "code": wrong_code(secret)})
    assert refused.status_code == 422
    assert "not right" in field_errors(refused.get_data(as_text=True), "code")
    assert not user(app, CASEWORKER).totp_enabled
    confirmed = post_form(client, "/account/two-factor",
                          {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 302 and "done=totp_on" in confirmed.location
    assert user(app, CASEWORKER).totp_enabled

    logout(client)
    response = login(client, next="/account")
    assert response.status_code == 302 and response.location == "/login/code"
    assert client.get("/account").status_code == 302  # the password alone is not enough
    wrong = post_form(client, "/login/code", {"code": wrong_code(secret)})
    assert wrong.status_code == 401
    assert "not right" in field_errors(wrong.get_data(as_text=True), "code")
    # The code used to confirm cannot be used again: take the next 30-second one.
    right = post_form(client, "/login/code", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert right.status_code == 302 and right.location == "/account"
    assert client.get("/account").status_code == 200


def test_a_pending_code_step_expires(client, caseworker):
    with client.session_transaction() as session:
        session["2fa"] = {"user_id": caseworker, "until": time.time() - 1, "next": None}
    response = client.get("/login/code")
    assert response.status_code == 302 and response.location == "/login?expired=1"
    assert client.get("/login/code").location == "/login"


def test_two_step_sign_in_is_turned_off_with_the_password(client, app, caseworker):
    with app_context(app):
        me = db.session.get(User, caseworker)
        secret = services.start_totp(me)
        services.confirm_totp(me, pyotp.TOTP(secret).now())
    login(client)
    post_form(client, "/login/code", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert 'id="totp-secret"' not in html
    # "start" must not silently replace a working secret
    post_form(client, "/account/two-factor", {"action": "start"})
    assert user(app, CASEWORKER).totp_secret == secret
    wrong = post_form(client, "/account/two-factor", {"password": "not my password"})
    assert wrong.status_code == 422
    assert "not right" in field_errors(wrong.get_data(as_text=True), "password")
    done = post_form(client, "/account/two-factor", {"password": PASSWORD})
    assert done.status_code == 302 and "done=totp_off" in done.location
    assert not user(app, CASEWORKER).totp_enabled


# --- invitations ------------------------------------------------------------------------------


def test_an_admin_invites_and_the_link_works_once(client, app, admin, mailbox, jobs):
    login(client, ADMIN)
    response = post_form(client, "/admin/users",
                         {"email": "New.Person@example.org", "name": "New Person",
                          "role": "supervisor"})
    assert response.status_code == 302 and "done=invited" in response.location
    listing = client.get(response.location).get_data(as_text=True)
    assert "new.person@example.org" in listing and "Invited" in listing
    jobs()
    path = link_in(mailbox, "new.person@example.org", "/invite")

    invitee = app.test_client()
    page = invitee.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "new.person@example.org" in html and "Organisation test-nhri" in html
    assert not unlabelled(html)
    weak = post_form(invitee, path, {"password": "short", "confirm": "short"})
    assert weak.status_code == 422
    assert "12 characters" in field_errors(weak.get_data(as_text=True), "password")
    mismatch = post_form(invitee, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert mismatch.status_code == 422
    assert "not the same" in field_errors(mismatch.get_data(as_text=True), "confirm")

    accepted = post_form(invitee, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert accepted.status_code == 302 and accepted.location == queue_url(app)
    mine = invitee.get("/account").get_data(as_text=True)
    assert "new.person@example.org" in mine and "Supervisor" in mine

    again = app.test_client()
    assert again.get(path).status_code == 400
    reused = post_form(again, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                       token_from="/login")
    assert reused.status_code == 400 and "already used" in reused.get_data(as_text=True)


def test_a_forged_invitation_link_is_refused(client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("data, field, expected", [
    ({"email": "not an email", "role": "caseworker"}, "email", "email address"),
    ({"email": CASEWORKER, "role": "caseworker"}, "email", "already exists"),
    ({"email": "x@example.org", "role": "sysadmin"}, "role", "Choose only"),
    ({"email": "x@example.org", "role": "caseworker", "name": "n" * 201}, "name", "200"),
])
def test_invitation_errors_sit_beside_their_fields(client, admin, caseworker, data, field, expected):
    login(client, ADMIN)
    response = post_form(client, "/admin/users", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert expected in field_errors(html, field)
    assert "Some answers need attention" in html


@pytest.mark.parametrize("role, status", [("caseworker", 403), ("supervisor", 403),
                                          ("sysadmin", 403), ("org_admin", 200)])
def test_only_an_organisation_admin_opens_the_staff_list(client, app, role, status):
    with app_context(app):
        make_user("someone@example.org", role=role)
    login(client, "someone@example.org")
    assert client.get("/admin/users").status_code == status


def test_the_staff_list_needs_a_sign_in(client):
    assert client.get("/admin/users").location.startswith("/login?next=")


def test_an_admin_deactivates_staff_of_their_own_organisation_only(client, app, admin, caseworker):
    victim = app.test_client()
    login(victim, CASEWORKER)
    with app_context(app):
        make_organisation("other-org")
        stranger = make_user("stranger@example.org", org_slug="other-org").id
    login(client, ADMIN)
    assert "stranger@example.org" not in client.get("/admin/users").get_data(as_text=True)
    token = csrf_token(client, "/admin/users")
    assert client.post(f"/admin/users/{stranger}/deactivate",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/users/{admin}/deactivate",
                       data={"csrf_token": token}).status_code == 409
    response = client.post(f"/admin/users/{caseworker}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302 and "done=deactivated" in response.location
    assert "Deactivated" in client.get("/admin/users").get_data(as_text=True)
    assert victim.get("/account").status_code == 302  # signed out at once
    assert login(app.test_client()).status_code == 401
    assert user(app, "stranger@example.org").active


def test_an_admin_reactivates_an_account_and_changes_roles(client, app, admin, caseworker):
    with app_context(app):
        make_organisation("other-org")
        stranger = make_user("stranger@example.org", org_slug="other-org").id
    login(client, ADMIN)
    token = csrf_token(client, "/admin/users")
    client.post(f"/admin/users/{caseworker}/deactivate", data={"csrf_token": token})
    assert login(app.test_client()).status_code == 401
    done = client.post(f"/admin/users/{caseworker}/reactivate", data={"csrf_token": token})
    assert done.status_code == 302 and "done=reactivated" in done.location
    again = app.test_client()
    assert login(again).status_code == 302  # signs in with the same password
    assert again.get("/collective/aggregate").status_code in (400, 403, 405)  # not a supervisor

    bad = client.post(f"/admin/users/{caseworker}/role", data={"csrf_token": token,
                                                              "role": "sysadmin"})
    assert bad.status_code == 422
    assert "Choose only from the options given." in field_errors(bad.get_data(as_text=True),
                                                                 f"role-{caseworker}")
    assert user(app, CASEWORKER).role == "caseworker"
    changed = client.post(f"/admin/users/{caseworker}/role", data={"csrf_token": token,
                                                                  "role": "supervisor"})
    assert changed.status_code == 302 and "done=role_changed" in changed.location
    assert user(app, CASEWORKER).role == "supervisor"
    assert again.get("/admin/users").status_code == 403  # a supervisor, not an admin

    for url, data in ((f"/admin/users/{stranger}/role", {"role": "org_admin"}),
                      (f"/admin/users/{stranger}/reactivate", {})):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404
    assert client.post(f"/admin/users/{admin}/role", data={
        "csrf_token": token, "role": "caseworker"}).status_code == 409  # keeps an admin
    assert user(app, "stranger@example.org").role != "org_admin"
    with app_context(app):
        from remedy.core.audit import AuditEvent

        kinds = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.reactivated", "user.role_changed"} <= kinds


# --- forgotten passwords ------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_a_single_use_link(client, app, caseworker, mailbox, jobs):
    elsewhere = app.test_client()
    login(elsewhere)
    unknown = post_form(client, "/password/forgot", {"email": "nobody@example.org"})
    known = post_form(client, "/password/forgot", {"email": CASEWORKER.upper()})
    assert unknown.status_code == known.status_code == 302
    assert unknown.location == known.location
    assert "If an account exists" in client.get(known.location).get_data(as_text=True)
    jobs()
    assert mailbox.to("nobody@example.org") == []
    path = link_in(mailbox, CASEWORKER, "/password/reset")

    html = client.get(path).get_data(as_text=True)
    assert not unlabelled(html)
    weak = post_form(client, path, {"password": "password1234", "confirm": "password1234"})
    assert "too easy" in field_errors(weak.get_data(as_text=True), "password")
    response = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location == "/login?done=reset"
    assert "new password is set" in client.get(response.location).get_data(as_text=True)

    assert elsewhere.get("/account").status_code == 302  # signed out everywhere
    assert login(client, password=PASSWORD).status_code == 401
    assert login(client, password=NEW_PASSWORD).status_code == 302
    opened = app.test_client().get(path)  # a used link says so as soon as it is opened
    assert opened.status_code == 400 and "already used" in opened.get_data(as_text=True)
    reused = post_form(app.test_client(), path, {"password": "yet another passphrase",
                                                 "confirm": "yet another passphrase"},
                       token_from="/login")
    assert reused.status_code == 400 and "already used" in reused.get_data(as_text=True)


def test_an_empty_email_is_asked_for_beside_the_field(client):
    response = post_form(client, "/password/forgot", {"email": "  "})
    assert response.status_code == 422
    assert "email address" in field_errors(response.get_data(as_text=True), "email")


# --- API tokens -------------------------------------------------------------------------------


def create_token(client, name, scopes=("read", "write")):
    return post_form(client, "/account/tokens", {"name": name, "scopes": list(scopes)},
                     token_from="/account")


def test_a_token_is_shown_once_works_and_can_be_revoked(client, app, caseworker):
    login(client)
    response = create_token(client, "export script")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="new-token">([^<]+)<', response.get_data(as_text=True)).group(1)
    with app_context(app):
        assert services.user_for_token(token).email == CASEWORKER
        token_id = db.session.scalar(select(ApiToken.id))

    page = client.get("/account").get_data(as_text=True)
    assert "export script" in page and token[:10] in page
    assert token not in page and 'id="new-token"' not in page

    revoked = post_form(client, f"/account/tokens/{token_id}/revoke", {}, token_from="/account")
    assert revoked.status_code == 302 and "done=revoked" in revoked.location
    assert "Revoked on" in client.get("/account").get_data(as_text=True)
    with app_context(app):
        assert services.user_for_token(token) is None


def test_a_token_may_be_read_only_and_needs_a_scope(client, app, caseworker):
    login(client)
    page = create_token(client, "dashboard", scopes=["read"])
    token = re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    refused = client.post("/api/v1/cases/1/transitions", json={"to": "triage"}, headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "insufficient_scope"

    none_chosen = create_token(client, "nothing", scopes=[])
    assert none_chosen.status_code == 422
    assert "read, write or both" in field_errors(none_chosen.get_data(as_text=True), "scopes")
    assert 'value="nothing"' in none_chosen.get_data(as_text=True)  # the name is kept


def test_a_token_needs_a_name(client, caseworker):
    login(client)
    response = create_token(client, "   ")
    assert response.status_code == 422
    assert "name" in field_errors(response.get_data(as_text=True), "name")


def test_revoking_another_users_token_is_404(client, app, caseworker, admin):
    with app_context(app):
        theirs = services.create_api_token(db.session.get(User, admin), "admin's script")
        token_id = db.session.scalar(select(ApiToken.id))
    login(client)
    response = post_form(client, f"/account/tokens/{token_id}/revoke", {}, token_from="/account")
    assert response.status_code == 404
    assert "admin's script" not in client.get("/account").get_data(as_text=True)
    with app_context(app):
        assert services.user_for_token(theirs).email == ADMIN


def test_account_pages_need_a_sign_in(client):
    for url in ("/account", "/account/two-factor"):
        assert client.get(url).location.startswith("/login?next=")


def test_staff_emails_follow_the_language_staff_choose(app, org, mailbox, jobs):
    """An invitation goes out in the admin's language; a reset in the one the member chose."""
    from tests.conftest import app_context

    with app_context(app):
        make_user("admin@lang.example.org", "org_admin")
        make_user("zh@lang.example.org", "caseworker")
    admin = app.test_client()
    admin.get("/?lang=fr")
    post_form(admin, "/login", {"email": "admin@lang.example.org", "password": PASSWORD})
    post_form(admin, "/admin/users", {"email": "neu@lang.example.org", "name": "Neu",
                                      "role": "caseworker"})
    jobs()
    [invite] = mailbox.to("neu@lang.example.org")
    assert "invited" not in invite["Subject"] and "Remedy" in invite["Subject"]  # French
    member = app.test_client()
    post_form(member, "/login", {"email": "zh@lang.example.org", "password": PASSWORD})
    member.get("/account?lang=zh_Hans")
    post_form(app.test_client(), "/password/forgot", {"email": "zh@lang.example.org"})
    jobs()
    [reset] = mailbox.to("zh@lang.example.org")
    assert any("\u4e00" <= c <= "\u9fff" for c in reset["Subject"])
