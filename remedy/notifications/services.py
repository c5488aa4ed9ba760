"""Queue an email. The caller's `commit()` saves the outbox row with the change that caused
it and then starts delivery; if delivery cannot start, the periodic sweep retries."""

from datetime import timedelta
from email import policy

from flask import render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import func, select

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.jobs import defer
from remedy.notifications.models import OutboxEmail

# Every email Remedy sends; each has templates/email/<name>/{subject.txt,body.txt,body.html}.
EMAILS = frozenset({
    "complaint_received", "complaint_withdrawn", "staff_invite", "password_reset",
    "case_update", "case_message", "deadline_digest", "respondent_request", "respondent_invite",
    "referral_reminder",
})

# A sweep picks up an email whose immediate delivery never started after this long.
SWEEP_GRACE = timedelta(seconds=60)


def queue_email(template: str, *, to: str, locale: str, dedupe_key: str | None = None,
                **context) -> OutboxEmail | None:
    """Queue an email; with a `dedupe_key` already used, queue nothing and return None."""
    if template not in EMAILS:
        raise ValueError(f"unknown email {template!r}")
    if dedupe_key and db.session.scalar(
            select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key)):
        return None
    email = OutboxEmail(
        dedupe_key=dedupe_key,
        template=template,
        recipient=to,
        locale=locale,
        context=context,
        next_attempt_at=utcnow() + SWEEP_GRACE,
    )
    db.session.add(email)
    db.session.flush()
    from remedy.notifications.jobs import deliver_email

    defer(deliver_email, email.id, queue="emails")
    return email


class _Message(Message):
    """Flask-Mail's message with its encoded headers kept as they were folded: the SMTP
    policy's own refolding cut "réponse" into "r éponse" in French and Chinese subjects."""

    def _message(self):
        message = super()._message()
        message.policy = policy.SMTP.clone(max_line_length=998)
        return message


def build_message(email: OutboxEmail, sender: str) -> Message:
    """The email in the recipient's language, from its three templates."""
    base = f"email/{email.template}"
    with force_locale(email.locale):
        subject = render_template(f"{base}/subject.txt", **email.context).strip()
        body = render_template(f"{base}/body.txt", **email.context)
        html = render_template(f"{base}/body.html", **email.context)
    return _Message(subject=subject, recipients=[email.recipient], body=body, html=html,
                    sender=sender)


def forget_unsent(recipient: str | None, reference: str) -> int:
    """Drop the emails about one complaint still waiting to go to `recipient` (its
    complainant is being erased): the address must not outlive the erasure in the outbox.
    An email being sent right now is left to finish. Returns how many were dropped."""
    if not recipient:
        return 0
    waiting = db.session.scalars(select(OutboxEmail).where(
        OutboxEmail.recipient == recipient, OutboxEmail.status.in_(("pending", "failed")))).all()
    dropped = [e for e in waiting if (e.context or {}).get("reference") == reference]
    for email in dropped:
        db.session.delete(email)
    return len(dropped)


# An email not sent this long after it was queued means no worker is delivering.
OVERDUE = timedelta(minutes=15)


def overdue_emails() -> int:
    """How many emails wait (pending or being sent) since longer than OVERDUE: the health
    check's sign that workers or the mail server are stuck."""
    return db.session.scalar(select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.status.in_(("pending", "sending")),
        OutboxEmail.created_at < utcnow() - OVERDUE)) or 0
