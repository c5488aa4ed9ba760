"""The security headers and cookie flags on every response: every route of the app (each of
its methods, on the access matrix's world, anonymous and signed in), and the errors (400,
401, 404, 405, 413, 429), under the testing and the production configuration.

Every answer carries a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' (a
page's, or a download's sandbox that allows nothing), nosniff, X-Frame-Options DENY and Referrer-Policy same-origin, and under the production
configuration HSTS; every cookie it sets is HttpOnly and SameSite, and Secure in production.
"""

import pytest

from tests import test_access_matrix as matrix
from tests.factories import form_data
from tests.web import csrf_token

ROLES = ("anon", "complainant", "caseworker", "org_admin")


@pytest.fixture(params=["testing", "production"])
def configured(request, app, make_app, base_config):
    """The app under each configuration (production's without rate limits: these requests
    come quickly). The limiter is process-wide: the test settings are bound again after."""
    from remedy.app import create_app

    if request.param == "testing":
        yield request.param, app
        return
    production = create_app("production", {**base_config, "SECRET_KEY": "k" * 64,
                                           "RATELIMIT_ENABLED": False})
    yield request.param, production
    make_app()


def assert_protected(response, production: bool, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    # Pages: only this origin, never in a frame; downloads (evidence): nothing at all.
    assert ("default-src 'self'" in csp and "frame-ancestors 'none'" in csp) or (
        "default-src 'none'" in csp and "sandbox" in csp), f"{what}: {csp}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    if production:
        assert "max-age=31536000" in headers.get("Strict-Transport-Security", ""), what
    for cookie in headers.getlist("Set-Cookie"):
        flags = {part.strip().split("=")[0].lower(): part.strip()
                 for part in cookie.split(";")[1:]}
        assert "httponly" in flags, f"{what}: {cookie}"
        assert flags.get("samesite", "").lower() in ("samesite=lax", "samesite=strict"), \
            f"{what}: {cookie}"
        if production:
            assert "secure" in flags, f"{what}: {cookie}"


def _client(app, role, world, base_url):
    """matrix._client_for, on this app and scheme."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = base_url.split(":")[0]
    if role == "complainant":
        client.post("/track", data={"reference": world["own"]["reference"],
                                    "secret": world["own"]["secret"],
                                    "csrf_token": csrf_token(client, "/track")})
    elif role != "anon":
        response = client.post("/login", data={
            "email": matrix.EMAILS[role], "password": matrix.PASSWORD,
            "csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 302, role
    return client


def test_every_route_every_role_has_the_headers(configured):
    env, application = configured
    production = env == "production"
    world = matrix._world(application)
    base_url = "https://localhost" if production else "http://localhost"
    checked = 0
    for role in ROLES:
        client = _client(application, role, world, base_url)
        for method, rule in matrix._routes(application):
            if rule.rule == "/logout" or rule.rule.endswith(("/stop", "/respond/logout")):
                continue  # would sign this client out for the routes after it
            url = matrix._url(rule, world, "own")
            response = matrix._call(application, client, method, url, role, world)
            assert_protected(response, production, f"{method} {url} as {role} ({env})")
            response.close()
            checked += 1
        # Then sign out: its answer too.
        token = csrf_token(client, "/track")
        for url in ("/track/stop", "/respond/logout", "/logout"):
            assert_protected(client.post(url, data={"csrf_token": token}), production,
                             f"POST {url} as {role}")
    assert checked == len(ROLES) * (len(matrix.EXPECTED) - 3)  # all but the three sign-outs


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/no-such-page", 404),
    ("GET", "/api/v1/no-such-thing", 404),
    ("GET", "/cases/2147483648", 404),
    ("DELETE", "/privacy", 405),
    ("PUT", "/api/v1/complaints", 405),
    ("POST", "/track", 400),  # no CSRF token
    ("POST", "/api/v1/complaints", 400),  # not JSON
    ("GET", "/api/v1/cases", 401),
    ("GET", "/invite/not-a-token", 400),
])
def test_error_answers_have_the_headers(configured, method, url, status):
    env, application = configured
    client = application.test_client()
    kwargs = {"data": "not json", "content_type": "application/json"} if method == "POST" \
        and url.startswith("/api/") else {}
    response = client.open(url, method=method, base_url="https://localhost", **kwargs)
    assert response.status_code == status
    assert_protected(response, env == "production", f"{method} {url}")


def test_a_too_large_body_is_refused_with_the_headers(app):
    limit = app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        pytest.skip("no MAX_CONTENT_LENGTH")
    response = app.test_client().post("/api/v1/complaints", data=b"x" * (limit + 1),
                                      content_type="application/json")
    assert response.status_code == 413
    assert_protected(response, False, "413")


@pytest.mark.usefixtures("org")
def test_rate_limited_answers_have_the_headers(make_app, app):
    """The API's 429 (JSON) and the pages' (HTML): filing and tracking forms."""
    from remedy.extensions import limiter

    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="2 per minute",
                       RATELIMIT_FILING="1 per minute", RATELIMIT_TRACKING="1 per minute")
    try:
        client = limited.test_client()
        answers = [client.get("/api/v1/observatory/stats") for _ in range(3)]
        token = csrf_token(client, "/complaints/new")
        answers += [client.post("/complaints/new", data={
            **form_data(submission_token=f"limited-{n}"), "csrf_token": token})
            for n in range(2)]
        answers += [client.post("/track", data={"reference": "RMD-2222-2222", "secret": "x",
                                                "csrf_token": token}) for _ in range(2)]
        assert [a.status_code for a in answers] == [200, 200, 429, 200, 429, 401, 429]
        for answer in answers:
            assert_protected(answer, False, f"{answer.status_code}")
            if answer.status_code == 429:
                assert int(answer.headers["Retry-After"]) > 0
    finally:
        limiter.reset()
        make_app()
