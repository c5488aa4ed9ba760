"""Sending to other installations: every message goes into the outbox in the caller's
transaction and is delivered by a job after commit, signed, with retries that wait longer
each time; a message for this installation itself is handed to the receiver directly."""

import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from remedy.core.db import utcnow
from remedy.core.errors import DomainError
from remedy.extensions import db
from remedy.federation import crypto
from remedy.federation.keys import current_key
from remedy.federation.models import InstallationKey, OutgoingMessage
from remedy.jobs import job_options

log = logging.getLogger(__name__)

FORMAT = "remedy-federation/1"
PATH = "/federation/v1/messages"
STALE_CLAIM = timedelta(minutes=10)
# Answers after which sending again cannot help (the message itself is refused).
FINAL_STATUSES = frozenset({400, 404, 413, 422})


def send(kind: str, payload: dict, *, destination: str | None,
         organisation_id: int | None) -> OutgoingMessage:
    """Queue a message (in the caller's transaction); delivered once it commits."""
    from remedy.jobs import defer

    message = OutgoingMessage(
        message_id=str(uuid.uuid4()), kind=kind, destination=destination,
        organisation_id=organisation_id,
        body={"format": FORMAT, "kind": kind, "sent_at": utcnow().isoformat(),
              "from": {"base_url": current_app.config["BASE_URL"]}, "payload": payload})
    message.body["message_id"] = message.message_id
    db.session.add(message)
    db.session.flush()
    defer(deliver_message, message.id)
    return message


def _signing_key(key_id: str | None) -> InstallationKey:
    if key_id:
        key = db.session.scalar(select(InstallationKey).where(InstallationKey.key_id == key_id))
        if key is not None and (key.valid_until is None or key.valid_until > utcnow()):
            return key
    return current_key()


def signature_headers(body: bytes, key_id: str | None = None,
                      context: bytes = crypto.CONTEXT) -> dict[str, str]:
    """The four Remedy-* headers that sign `body` (a request's, or an answer's)."""
    key = _signing_key(key_id)
    timestamp, nonce = int(time.time()), secrets.token_hex(16)
    return {"Remedy-Key-Id": key.key_id, "Remedy-Timestamp": str(timestamp),
            "Remedy-Nonce": nonce, "Remedy-Signature": crypto.sign(
                key.private_key, key.public_key, timestamp, nonce, body, context)}


def signed_request(body: bytes, url: str, key_id: str | None = None) -> urllib.request.Request:
    return urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", **signature_headers(body, key_id)})


def _post(message: OutgoingMessage) -> None:
    """Deliver over HTTP; raises on anything but a 2xx answer."""
    body = json.dumps(message.body, sort_keys=True, separators=(",", ":")).encode()
    request = signed_request(body, message.destination.rstrip("/") + PATH, message.sign_with)
    db.session.commit()  # a key made on first use is kept before it is used
    timeout = current_app.config["FEDERATION_TIMEOUT_SECONDS"]
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http[s] only)
        response.read()


def _deliver_here(message: OutgoingMessage) -> None:
    from remedy.federation.inbox import handle

    handle(message.body, key_id="local", sender_url=None)


@job_options(id="federation-{}")  # the sweep does not queue it again while it waits
def deliver_message(outbox_id: int) -> str:
    """Claim, deliver, record; running it twice delivers once."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingMessage).where(OutgoingMessage.id == outbox_id,
                                      OutgoingMessage.status == "pending")
        .values(status="sending", claimed_at=now)).rowcount
    db.session.commit()
    if claimed != 1:
        return "skipped"
    message = db.session.get(OutgoingMessage, outbox_id)
    try:
        if message.destination is None:
            _deliver_here(message)
        else:
            _post(message)
    except Exception as exc:  # down, refused, timed out: try again later, never lose it
        db.session.rollback()
        message = db.session.get(OutgoingMessage, outbox_id)
        return _failed(message, exc)
    message.status, message.delivered_at, message.last_error = "delivered", utcnow(), None
    db.session.commit()
    log.info("federation message %s (%s) delivered", message.message_id, message.kind)
    return "delivered"


def _failed(message: OutgoingMessage, exc: Exception) -> str:
    config = current_app.config
    # An HTTP answer's status, or the status of this installation's own refusal.
    status = getattr(exc, "status", None) if isinstance(exc, DomainError) else getattr(
        exc, "code", None)
    message.attempts += 1
    message.last_error = f"{type(exc).__name__} {status or ''}".strip()[:200]
    final = status in FINAL_STATUSES or message.attempts >= config["FEDERATION_MAX_ATTEMPTS"]
    message.status = "failed" if final else "pending"
    pause = config["FEDERATION_RETRY_SECONDS"] * 2 ** min(message.attempts - 1, 12)
    message.next_attempt_at = utcnow() + timedelta(seconds=min(pause, 6 * 3600))
    db.session.commit()
    log.warning("federation message %s not delivered (%s), attempt %s", message.message_id,
                message.last_error, message.attempts)
    return message.status


def sweep_federation_outbox() -> int:
    """Start delivery of every message that is due (`jobs.sweep_due`): retries after a pause,
    and the safety net for a dead Redis or a killed worker. Returns how many it started."""
    from remedy.jobs import sweep_due

    return sweep_due(OutgoingMessage, deliver_message, queue="default", now=utcnow(),
                     stale=STALE_CLAIM)
