"""One installation scaled out as an operator deploys it (docs/operators.md): two gunicorn app
servers on two loopback ports and two RQ workers, each with its own instance folder, sharing
nothing but the PostgreSQL database, Redis and the evidence store (in the database). What
one server starts, the other carries on: a complaint, a staff session, a rate limit."""

import hashlib
import re
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from rq import Queue, Worker
from rq.job import Job

from tests.conftest import DATABASE_URL, REDIS_URL
from tests.factories import form_data
from tests.referrals.installations import PASSWORD, Installation, wait_for

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL and REDIS_URL),
    reason="needs PostgreSQL and Redis (REMEDY_TEST_DATABASE_URL, REMEDY_TEST_REDIS_URL); "
           "the second pass of make test runs it")

SLUG = "dk-nhri"
CASEWORKER = f"caseworker@{SLUG}.example.org"
TRACKING_LIMIT = 4
TIMEOUT = 30
STARTUP = 90


@pytest.fixture(scope="module")
def servers(tmp_path_factory, mailbox):
    """(server 1, server 2): one installation, as two app servers and two workers."""
    work = tmp_path_factory.mktemp("scaleout")
    # Redis database 12: the other multi-process tests use 8 to 11, 13 and 14.
    first = Installation("server_1", work, 12, database="remedy_scaleout")
    first.env.update({
        "REMEDY_ENV": "production", "REMEDY_SECRET_KEY": secrets.token_hex(32),
        "REMEDY_EVIDENCE_STORAGE": "database", "REMEDY_DEFAULT_ORGANISATION": SLUG,
        "REMEDY_MAIL_SERVER": "127.0.0.1", "REMEDY_MAIL_PORT": str(mailbox.port),
        "REMEDY_RATELIMIT_ENABLED": "true",
        "REMEDY_RATELIMIT_TRACKING": f"{TRACKING_LIMIT} per hour",
        "REMEDY_PROXY_COUNT": "1",  # behind the load balancer that spreads the requests
        "REMEDY_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback, no TLS proxy
    })
    second = Installation("server_2", work, 12, share_with=first)
    try:
        first.set_up(SLUG, "DK", "nhri")  # the operator's commands, run once
        for server in (first, second):  # four processes starting at once: give them time
            server.start(wait=False)
        for server in (first, second):
            server.wait_until_up(timeout=STARTUP)
        connection = redis.Redis.from_url(first.env["REMEDY_REDIS_URL"])
        wait_for(lambda: len(Worker.all(connection=connection)) == 2, what="two workers",
                 timeout=STARTUP)
        mailbox.clear()
        yield first, second
    finally:
        with ThreadPoolExecutor() as pool:  # both stop at once
            list(pool.map(Installation.close, (first, second)))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*'
                     r'name="csrf_token"', html).group(1)


def _post_form(browser: requests.Session, url: str, data: dict, *, token_from: str | None = None,
               **kwargs) -> requests.Response:
    page = browser.get(token_from or url, timeout=TIMEOUT)
    assert page.status_code == 200, (url, page.status_code)
    return browser.post(url, data={**data, "csrf_token": _csrf(page.text)},
                        allow_redirects=False, timeout=TIMEOUT, **kwargs)


def _pdf() -> bytes:
    """A PDF no other test uploads: its bytes can be looked for on disk."""
    return (b"%PDF-1.4\n% scale-out " + uuid.uuid4().hex.encode() +
            b"\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")


def _copies_on_disk(folder, data: bytes) -> list[str]:
    return [str(path) for path in folder.rglob("*") if path.is_file() and data in path.read_bytes()]


def test_a_complaint_filed_on_one_server_is_handled_on_the_other(servers, mailbox):
    first, second = servers
    evidence = _pdf()
    email = f"filer-{uuid.uuid4().hex[:8]}@example.org"

    # Filed through server 1, with a file, by a person using the web form; the browser sends
    # the form again and the load balancer hands it to server 2: still one complaint.
    filer = requests.Session()
    answers = form_data(contact_email=email, submission_token=uuid.uuid4().hex)
    attached = {"evidence": ("rejection-letter.pdf", evidence, "application/pdf")}
    filed = _post_form(filer, f"{first.base_url}/complaints/new", answers, files=attached)
    assert filed.status_code == 200, filed.text[:2000]
    reference = re.search(r'id="reference">([^<]+)<', filed.text).group(1)
    secret = re.search(r'id="secret">([^<]+)<', filed.text).group(1)
    again = _post_form(filer, f"{second.base_url}/complaints/new", answers, files=attached)
    assert again.status_code == 200 and "You sent this form twice" in again.text
    assert f'id="reference">{reference}<' in again.text and f'id="secret">{secret}<' in again.text
    assert first.scalar("SELECT count(*) FROM complaints") == 1

    # Tracked through server 2 with the reference and the secret.
    tracked = requests.get(f"{second.base_url}/api/v1/complaints/{reference}",
                           headers={"X-Remedy-Secret": secret}, timeout=TIMEOUT)
    assert tracked.status_code == 200, tracked.text
    assert [e["name"] for e in tracked.json()["evidence"]] == ["rejection-letter.pdf"]

    # A caseworker signs in on server 1; server 2 takes the same session cookie.
    signed_in = requests.Session()
    login = _post_form(signed_in, f"{first.base_url}/login",
                       {"email": CASEWORKER, "password": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"].endswith("/cases")
    [cookie] = [c for c in signed_in.cookies if c.name == "remedy_session"]
    caseworker = requests.Session()  # holds only that cookie
    caseworker.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)
    queue = caseworker.get(f"{second.base_url}/cases", allow_redirects=False, timeout=TIMEOUT)
    assert queue.status_code == 200, queue.headers.get("Location")
    case_id = int(re.search(r'href="/cases/(\d+)"', queue.text).group(1))
    assert requests.get(f"{second.base_url}/cases", allow_redirects=False,
                        timeout=TIMEOUT).status_code == 302  # without the cookie: sign in

    # Triaged and its file downloaded on server 2.
    case_url = f"{second.base_url}/cases/{case_id}"
    moved = _post_form(caseworker, f"{case_url}/transition",
                       {"to": "triage", "reason": "", "other_bodies": ""}, token_from=case_url)
    assert moved.status_code == 302, moved.text[:2000]
    assert first.scalar("SELECT state FROM cases WHERE id = :id", id=case_id) == "triage"
    page = caseworker.get(case_url, timeout=TIMEOUT).text
    link = re.search(rf'href="(/cases/{case_id}/evidence/\d+)"[^>]*>rejection-letter.pdf<',
                     page).group(1)
    download = caseworker.get(second.base_url + link, timeout=TIMEOUT)
    assert download.status_code == 200
    assert download.content == evidence
    assert "filename=rejection-letter.pdf" in download.headers["Content-Disposition"]
    # And back on server 1 with the cookie as server 2 last set it: the same session.
    back = caseworker.get(f"{first.base_url}/cases/{case_id}", allow_redirects=False,
                          timeout=TIMEOUT)
    assert back.status_code == 200
    assert re.search(r"<dt>State</dt><dd><strong>Triage</strong>", back.text)

    # The file is in the database, on neither server's disk.
    assert first.scalar("SELECT content FROM stored_files WHERE area = 'evidence' AND key = :key",
                        key=hashlib.sha256(evidence).hexdigest()) == evidence
    assert _copies_on_disk(second.instance, evidence) == []
    assert _copies_on_disk(first.instance, evidence) == []

    # The confirmation email: sent by one of the two workers, once.
    [message] = wait_for(lambda: mailbox.to(email), what="the confirmation email")
    assert reference in message["Subject"]
    connection = redis.Redis.from_url(first.env["REMEDY_REDIS_URL"])
    emails = Queue("emails", connection=connection)
    done = wait_for(lambda: emails.count == 0 and emails.started_job_registry.count == 0
                    and emails.finished_job_registry.get_job_ids(), what="the email queue")
    workers = {worker.name for worker in Worker.all(connection=connection)}
    assert {Job.fetch(i, connection=connection).worker_name for i in done} <= workers
    assert len(mailbox.to(email)) == 1
    assert first.scalar("SELECT status FROM outbox_emails WHERE template = 'complaint_received'"
                        ) == "sent"


def test_a_rate_limit_counts_the_requests_of_both_servers_together(servers):
    first, second = servers
    # One client, as the load balancer forwards it, guessing a secret on both servers in turn.
    client = {"X-Forwarded-For": "203.0.113.7", "X-Remedy-Secret": "not-the-secret"}
    url = "/api/v1/complaints/RMD-AAAA-AAAA"
    statuses = [requests.get(server.base_url + url, headers=client, timeout=TIMEOUT).status_code
                for server in (first, second) * (TRACKING_LIMIT // 2 + 1)]
    assert statuses == [401] * TRACKING_LIMIT + [429, 429]
    # Someone else, behind the same load balancer, still gets in on both.
    other = {**client, "X-Forwarded-For": "198.51.100.4"}
    for server in (first, second):
        assert requests.get(server.base_url + url, headers=other,
                            timeout=TIMEOUT).status_code == 401
