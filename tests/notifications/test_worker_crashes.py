"""A worker that dies while delivering an email: the email still goes, and goes once.
(benchmarks/load_faults.py does the same with real processes killed under load.)"""

import smtplib

import pytest

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.notifications import jobs as email_jobs
from remedy.notifications.models import OutboxEmail
from tests.conftest import app_context, run_jobs
from tests.factories import complaint_payload
from tests.notifications.test_email import ADDRESS, file_with_email, later, outbox

pytestmark = pytest.mark.usefixtures("org")


def test_a_claim_left_by_a_dead_worker_is_sent_again_after_the_configured_time(
        make_app, app, mailbox, monkeypatch):
    cut_off = make_app(REDIS_URL="redis://127.0.0.1:9/0")  # the email waits in the outbox
    response = cut_off.test_client().post(
        "/api/v1/complaints", json=complaint_payload(contact={"email": ADDRESS}))
    assert response.status_code == 201
    with app_context(app):  # a worker claimed it, then died before the server accepted it
        db.session.query(OutboxEmail).update({"status": "sending", "claimed_at": utcnow()})
        db.session.commit()
    patient = make_app(MAIL_STALE_CLAIM_SECONDS=120)

    later(monkeypatch, minutes=1)
    with app_context(patient):
        assert email_jobs.sweep_outbox() == 0
    assert outbox(app)[0][1] == "sending"

    later(monkeypatch, minutes=3)
    with app_context(patient):
        assert email_jobs.sweep_outbox() == 1
    run_jobs(patient)
    assert len(mailbox.to(ADDRESS)) == 1
    assert outbox(app)[0][1] == "sent"


def test_an_email_the_server_accepted_is_not_sent_again_when_the_session_end_fails(
        client, app, jobs, mailbox, monkeypatch):
    def dies_at_quit(self):
        raise smtplib.SMTPServerDisconnected("worker gone")

    monkeypatch.setattr(smtplib.SMTP, "quit", dies_at_quit)
    file_with_email(client)
    jobs()
    monkeypatch.undo()
    assert len(mailbox.to(ADDRESS)) == 1
    assert outbox(app)[0][:2] == ("complaint_received", "sent")

    later(monkeypatch, minutes=30)
    with app_context(app):
        assert email_jobs.sweep_outbox() == 0
    jobs()
    assert len(mailbox.to(ADDRESS)) == 1
