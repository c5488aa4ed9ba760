"""Rate limits under a burst: fifty requests at once (sixteen threads, against the app on a
threaded loopback server with its limits on) at filing, tracking, signing in and the API.
Exactly the configured number get through in the window, every other answer is a 429 with
Retry-After, and nothing more is stored than the requests let through could store.

The limits are per day, so that a burst never straddles two windows (they are fixed
windows, aligned to the clock).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from remedy.accounts.services import create_api_token
from remedy.extensions import limiter
from tests.abuse.fuzzing import changed_tables, row_counts
from tests.conftest import QuietHandler, app_context
from tests.factories import complaint_payload, form_data, make_user
from tests.web import _TOKEN

BURST, THREADS = 50, 16
LIMITS = {"RATELIMIT_FILING": "6 per day", "RATELIMIT_TRACKING": "5 per day",
          "RATELIMIT_LOGIN": "4 per day", "RATELIMIT_API": "7 per day",
          "RATELIMIT_COMPLAINANT_WRITE": "1000 per day"}


@pytest.fixture
def limited_server(make_app, app, org):
    """The app with its limits on, served by a threaded server: its base URL and the app."""
    limited = make_app(RATELIMIT_ENABLED=True, **LIMITS)
    server = make_server("127.0.0.1", 0, limited, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", limited
    server.shutdown()
    thread.join(timeout=10)
    limiter.reset()
    make_app()  # the limiter is process-wide: back to the test settings (off)


def burst(send) -> list[requests.Response]:
    """`send(i)` BURST times at once."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(send, range(BURST)))


def browser(base_url, page: str) -> tuple[dict, str]:
    """A browser's session cookie and the CSRF token of a page."""
    session = requests.Session()
    html = session.get(base_url + page, timeout=30).text
    match = _TOKEN.search(html)
    return session.cookies.get_dict(), next(g for g in match.groups() if g)


def assert_refused_with_retry_after(responses, allowed_statuses: set[int], allowed: int,
                                    at_most: int | None = None):
    statuses = [r.status_code for r in responses]
    through = [s for s in statuses if s != 429]
    assert allowed <= len(through) <= (at_most or allowed), sorted(statuses)
    assert set(through) <= allowed_statuses, sorted(statuses)
    for refused in (r for r in responses if r.status_code == 429):
        assert int(refused.headers["Retry-After"]) > 0


def test_a_burst_of_filings_stores_exactly_the_limit(limited_server, app):
    """Web form and API share the filing budget: half the burst through each."""
    base_url, _ = limited_server
    cookies, token = browser(base_url, "/complaints/new")
    before = row_counts(app)

    def send(i):
        if i % 2:
            return requests.post(f"{base_url}/api/v1/complaints", json=complaint_payload(),
                                 timeout=60)
        return requests.post(f"{base_url}/complaints/new", cookies=cookies, timeout=60,
                             data={**form_data(submission_token=f"burst-{i:04d}"),
                                   "csrf_token": token}, allow_redirects=False)

    responses = burst(send)
    assert_refused_with_retry_after(responses, {200, 201}, allowed=6)
    assert changed_tables(before, row_counts(app))["complaints"] == (0, 6)


def test_a_burst_of_wrong_secrets_gets_exactly_the_limit_of_guesses(limited_server, app):
    """Each guess takes its share of the budget when it starts (the owner's reads give it
    back: tests/test_security.py), so guesses in flight together cannot overspend it."""
    base_url, _ = limited_server
    cookies, token = browser(base_url, "/track")
    before = row_counts(app)

    def send(i):
        reference = f"RMD-{i % 10}{i % 10}{i % 10}{i % 10}-2222"
        if i % 2:
            return requests.get(f"{base_url}/api/v1/complaints/{reference}", timeout=60,
                                headers={"X-Remedy-Secret": "WRONG-SECRET"})
        return requests.post(f"{base_url}/track", cookies=cookies, timeout=60,
                             data={"reference": reference, "secret": "WRONG-SECRET",
                                   "csrf_token": token}, allow_redirects=False)

    responses = burst(send)
    assert_refused_with_retry_after(responses, {401}, allowed=5)
    assert changed_tables(before, row_counts(app)) == {}


def test_a_burst_of_sign_ins_gets_exactly_the_limit_of_attempts(limited_server, app):
    base_url, _ = limited_server
    with app_context(app):
        make_user(email="target@example.org")
    cookies, token = browser(base_url, "/login")
    before = row_counts(app)

    def send(i):
        return requests.post(f"{base_url}/login", cookies=cookies, timeout=60,
                             data={"email": "target@example.org", "password": f"guess {i}",
                                   "csrf_token": token}, allow_redirects=False)

    responses = burst(send)
    assert_refused_with_retry_after(responses, {401}, allowed=4)
    changed = changed_tables(before, row_counts(app))
    assert set(changed) <= {"audit_events"}  # each refused attempt that got through: audited
    assert all(after - was <= 4 for was, after in changed.values()), changed


def test_a_burst_at_the_api_gets_exactly_the_limit_per_token(limited_server, app):
    base_url, _ = limited_server
    with app_context(app):
        token = create_api_token(make_user(), "burst")
    headers = {"Authorization": f"Bearer {token}"}
    case = requests.post(f"{base_url}/api/v1/complaints", json=complaint_payload(), timeout=60)
    assert case.status_code == 201  # by address: a budget of its own
    before = row_counts(app)

    def send(i):
        if i % 2:
            return requests.get(f"{base_url}/api/v1/cases", headers=headers, timeout=60)
        return requests.post(f"{base_url}/api/v1/complaints/{case.json()['reference']}/messages",
                             json={"body": f"Burst message {i}."}, headers=headers, timeout=60)

    responses = burst(send)
    assert_refused_with_retry_after(responses, {200, 201}, allowed=7)
    for refused in (r for r in responses if r.status_code == 429):
        assert refused.json()["error"]["code"] == "rate_limited"
    # Which of the seven get through is up to the threads' timing: any mix of reads and
    # messages, but every message let through is stored once, and no other.
    posted = sum(1 for r in responses if r.status_code == 201)
    changed = changed_tables(before, row_counts(app))
    assert set(changed) <= {"complaint_events", "audit_events", "outbox_emails"}, changed
    was, now = changed.get("complaint_events", (0, 0))  # a message is an event of the complaint
    assert now - was == posted, changed
