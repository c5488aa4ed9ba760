"""Headers, cookies, CSRF and rate limits: the protections every response carries."""

import pytest

from tests.factories import complaint_payload, form_data
from tests.web import csrf_token, post_form

PAGES = ["/", "/rights", "/privacy", "/complaints/new", "/track", "/no-such-page",
         "/api/v1/complaints/RMD-2222-2222", "/healthz"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    for url in PAGES[:5]:
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html and "style=" not in html and "<style" not in html


def test_session_cookie_is_http_only_and_same_site(client):
    client.get("/?lang=fr")
    cookie = client.get_cookie("remedy_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_production_cookies_are_secure_and_hsts_is_sent(base_config):
    from remedy.app import create_app

    production = create_app("production", {**base_config, "SECRET_KEY": "x" * 64})
    client = production.test_client()
    response = client.get("/?lang=fr")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_a_secret_key(base_config, monkeypatch):
    from remedy.app import create_app

    monkeypatch.delenv("REMEDY_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="REMEDY_SECRET_KEY"):
        create_app("production", {k: v for k, v in base_config.items()})


@pytest.mark.usefixtures("org")
@pytest.mark.parametrize("url", ["/complaints/new", "/track"])
def test_forms_without_a_csrf_token_are_refused(client, url):
    response = client.post(url, data=form_data())
    assert response.status_code == 400


@pytest.fixture
def limited(make_app, app):
    """An app with tight limits; the limiter is process-wide, so it is reset afterwards."""
    limited_app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_FILING="3 per minute",
                           RATELIMIT_TRACKING="3 per minute")
    yield limited_app
    from remedy.extensions import limiter

    limiter.reset()
    make_app()  # binds the limiter back to the test settings (disabled)


@pytest.fixture
def api_limited(make_app, app):
    limited_app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute")
    yield limited_app
    from remedy.extensions import limiter

    limiter.reset()
    make_app()


def test_every_api_call_counts_against_the_api_limit_per_token_or_address(api_limited):
    client = api_limited.test_client()
    statuses = [client.get("/api/v1/observatory/stats").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/observatory/stats")
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    # A token is counted by itself (a wrong one too: it is refused, but counted).
    other = {"Authorization": "Bearer rmd_not_a_real_token"}
    assert client.get("/api/v1/cases", headers=other).status_code == 401


@pytest.mark.usefixtures("org")
def test_filing_is_rate_limited(limited):
    client = limited.test_client()
    statuses = [client.post("/api/v1/complaints", json=complaint_payload()).status_code
                for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    error = client.post("/api/v1/complaints", json=complaint_payload()).get_json()["error"]
    assert error["code"] == "rate_limited"
    page = post_form(client, "/complaints/new", form_data(), content_type="multipart/form-data")
    assert page.status_code == 429 and "Too many attempts" in page.get_data(as_text=True)


@pytest.mark.usefixtures("org")
def test_wrong_secrets_are_rate_limited_but_the_owner_is_not(limited, app):
    client = limited.test_client()
    body = client.post("/api/v1/complaints", json=complaint_payload()).get_json()
    url = f"/api/v1/complaints/{body['reference']}"
    for _ in range(5):  # the complainant's own reads do not count
        assert client.get(url, headers={"X-Remedy-Secret": body["secret"]}).status_code == 200
    guesses = [client.get(f"/api/v1/complaints/RMD-{n}{n}{n}{n}-2222",
                          headers={"X-Remedy-Secret": "WRNG"}).status_code for n in "2345"]
    assert guesses == [401, 401, 401, 429]
    token = csrf_token(client, "/track")
    page = client.post("/track", data={"reference": body["reference"], "secret": "x",
                                       "csrf_token": token})
    assert page.status_code == 429
