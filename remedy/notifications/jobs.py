"""Delivery jobs. Each takes an outbox id, claims the row, sends, and records the result;
running one twice sends once.

What a crash can do: a worker killed before the mail server has accepted the message leaves
the claim, which the sweep takes back after MAIL_STALE_CLAIM_SECONDS and sends again (once).
The result is recorded as soon as the server has accepted the message, before the SMTP
session is closed; only a worker that dies in the moment between the server's acceptance
and that commit, or a database that fails that commit, leaves an email that will be sent
twice (SMTP offers no way to ask the server whether it already has it)."""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from remedy.core.db import utcnow
from remedy.extensions import db, mail
from remedy.jobs import job_options, sweep_due
from remedy.notifications.models import OutboxEmail

log = logging.getLogger(__name__)


@job_options(id="email-{}")  # one job per email: the sweep does not queue it again while it waits
def deliver_email(outbox_id: int) -> str:
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == outbox_id, OutboxEmail.status == "pending")
        .values(status="sending", claimed_at=now)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return "skipped"
    email = db.session.get(OutboxEmail, outbox_id)
    accepted = False
    try:
        from remedy.notifications.services import build_message

        message = build_message(email, current_app.config["MAIL_DEFAULT_SENDER"])
        with mail.connect() as connection:
            connection.send(message)
            accepted = True
            # Recorded before the SMTP session is closed: once the server has accepted the
            # message, a worker killed during QUIT (or a QUIT that fails) must not leave the
            # claim to go stale and the email to be sent a second time.
            _record_sent(email)
    except Exception as exc:  # any SMTP or template failure: retry later, never lose it
        if accepted:
            db.session.rollback()
            log.warning("email %s accepted by the mail server; then %s", outbox_id,
                        type(exc).__name__)
            return "sent"
        email.attempts += 1
        # Only the error's class and SMTP code: messages can quote the recipient's address.
        email.last_error = f"{type(exc).__name__} {getattr(exc, 'smtp_code', '')}".strip()
        email.status = (
            "failed" if email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"] else "pending"
        )
        if email.status == "failed":
            email.recipient = None  # never sent, never tried again: the address goes
        email.next_attempt_at = now + timedelta(minutes=2 ** min(email.attempts, 8))
        db.session.commit()
        log.warning("email %s not sent (%s), attempt %s", outbox_id, email.last_error,
                    email.attempts)
        return "retry"
    log.info("email %s sent (%s)", outbox_id, email.template)
    return "sent"


def _record_sent(email: OutboxEmail) -> None:
    email.status = "sent"
    email.sent_at = utcnow()
    email.recipient = None
    db.session.commit()


def sweep_outbox() -> int:
    """Start delivery of every email that is due and not being sent (`jobs.sweep_due`).
    Returns how many it started."""
    stale = timedelta(seconds=current_app.config["MAIL_STALE_CLAIM_SECONDS"])
    return sweep_due(OutboxEmail, deliver_email, queue="emails", now=utcnow(), stale=stale)
