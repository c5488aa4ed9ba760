"""Emails go out through the outbox, by a job, to a real SMTP server on loopback: once each,
even when Redis or the mail server is down for a while."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.notifications import jobs as email_jobs
from remedy.notifications.models import OutboxEmail
from tests.conftest import REDIS_URL, app_context, run_jobs
from tests.factories import complaint_payload

pytestmark = pytest.mark.usefixtures("org")
ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "ana.lima@example.org"


def file_with_email(client, **changes):
    response = client.post("/api/v1/complaints",
                           json=complaint_payload(contact={"email": ADDRESS}, **changes))
    assert response.status_code == 201
    return response.get_json()


def outbox(app):
    with app_context(app):
        return [(e.template, e.status, e.attempts, e.recipient)
                for e in db.session.query(OutboxEmail).order_by(OutboxEmail.id)]


def later(monkeypatch, minutes=30):
    moment = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(email_jobs, "utcnow", lambda: moment)


def test_receipt_has_the_reference_and_never_the_secret(client, app, jobs, mailbox):
    body = file_with_email(client)
    jobs()
    [message] = mailbox.to(ADDRESS)
    assert body["reference"] in message["Subject"]
    for part in (mailbox.text(message), mailbox.html(message)):
        assert body["reference"] in part
        assert body["secret"] not in part
        assert body["secret"].replace("-", "") not in part.replace("-", "")
    assert outbox(app) == [("complaint_received", "sent", 0, None)]  # address erased once sent


def test_no_email_without_an_address(client, app, jobs, mailbox):
    client.post("/api/v1/complaints", json=complaint_payload())
    jobs()
    assert mailbox.messages == [] and outbox(app) == []


def test_withdrawal_is_confirmed_by_email(client, jobs, mailbox):
    body = file_with_email(client)
    client.post(f"/api/v1/complaints/{body['reference']}/withdraw",
                headers={"X-Remedy-Secret": body["secret"]})
    jobs()
    subjects = [m["Subject"] for m in mailbox.to(ADDRESS)]
    assert len(subjects) == 2 and "withdrawn" in subjects[1]


def test_running_a_delivery_twice_sends_once(client, app, jobs, mailbox, monkeypatch):
    file_with_email(client)
    jobs()
    with app_context(app):
        outbox_id = db.session.query(OutboxEmail.id).scalar()
        assert email_jobs.deliver_email(outbox_id) == "skipped"
        later(monkeypatch)
        assert email_jobs.sweep_outbox() == 0
    jobs()
    assert len(mailbox.to(ADDRESS)) == 1


def test_a_dead_redis_loses_neither_the_complaint_nor_its_email(make_app, app, client, mailbox,
                                                                monkeypatch):
    cut_off = make_app(REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens on port 9
    response = cut_off.test_client().post(
        "/api/v1/complaints", json=complaint_payload(contact={"email": ADDRESS}))
    assert response.status_code == 201
    assert outbox(app)[0][1] == "pending" and mailbox.messages == []
    later(monkeypatch)
    with app_context(app):
        email_jobs.sweep_outbox()
    run_jobs(app)
    with app_context(app):
        email_jobs.sweep_outbox()
    run_jobs(app)
    assert len(mailbox.to(ADDRESS)) == 1
    assert outbox(app)[0][1] == "sent"


def test_a_dead_mail_server_is_retried_until_it_answers(make_app, app, mailbox, monkeypatch):
    from tests.conftest import free_port

    no_smtp = make_app(MAIL_PORT=free_port())
    no_smtp.test_client().post("/api/v1/complaints",
                               json=complaint_payload(contact={"email": ADDRESS}))
    run_jobs(no_smtp)
    [(template, status, attempts, recipient)] = outbox(app)
    assert (status, attempts, recipient) == ("pending", 1, ADDRESS)
    assert mailbox.messages == []
    later(monkeypatch, minutes=5)
    with app_context(app):
        assert email_jobs.sweep_outbox() == 1
    run_jobs(app)
    assert len(mailbox.to(ADDRESS)) == 1
    assert outbox(app)[0][1:] == ("sent", 1, None)


def test_email_is_in_the_language_of_the_filer(client, jobs, mailbox):
    body = client.post("/api/v1/complaints?lang=fr",
                       json=complaint_payload(contact={"email": ADDRESS})).get_json()
    jobs()
    [message] = mailbox.to(ADDRESS)
    assert body["reference"] in message["Subject"]
    assert "Remedy" in mailbox.text(message)
    english = "We received your complaint"
    assert english not in message["Subject"]


@pytest.mark.skipif(REDIS_URL is None, reason="the real worker process needs Redis")
def test_the_rq_worker_command_delivers_the_email(client, app, base_config, mailbox):
    file_with_email(client)
    assert mailbox.messages == []  # queued in Redis, not sent by the request
    env = {
        **os.environ,
        "REMEDY_ENV": "testing",
        "REMEDY_DATABASE_URL": base_config["DATABASE_URL"],
        "REMEDY_REDIS_URL": REDIS_URL,
        "REMEDY_INSTANCE_PATH": base_config["INSTANCE_PATH"],
        "REMEDY_MAIL_SERVER": "127.0.0.1",
        "REMEDY_MAIL_PORT": str(mailbox.port),
        "REMEDY_MAIL_SUPPRESS_SEND": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "remedy", "worker", "--burst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(mailbox.to(ADDRESS)) == 1
    assert outbox(app)[0][1] == "sent"


def test_the_receipt_links_to_tracking_with_the_reference_filled_in(client, jobs, mailbox, app):
    body = file_with_email(client)
    jobs()
    [message] = mailbox.to(ADDRESS)
    url = f"{app.config['BASE_URL']}/track?reference={body['reference']}"
    assert url in mailbox.text(message)
    assert f'<a href="{url}">' in mailbox.html(message)


def test_an_email_that_finally_fails_forgets_its_address(make_app, app, mailbox):
    from tests.conftest import free_port

    no_smtp = make_app(MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=1)
    no_smtp.test_client().post("/api/v1/complaints",
                               json=complaint_payload(contact={"email": ADDRESS}))
    run_jobs(no_smtp)
    [(_template, status, attempts, recipient)] = outbox(app)
    assert (status, attempts, recipient) == ("failed", 1, None)
