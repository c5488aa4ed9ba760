"""Receiving from other installations: a message's signature, time and nonce are checked
before anything is read, then it goes to the feature that handles its kind, once: a retry
of the same message gets the first answer back.

Features register what they handle in HANDLERS (kind -> function(payload, sender) -> dict)
and how to find a peer's public key in KEY_LOOKUPS (key id -> public key or None). A kind in
READS only asks for something: it changes nothing, so it is answered afresh every time and
not remembered. Every answer is signed (`signed_answer`), so that the asker can trust what
it reads."""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import DomainError
from remedy.core.security import parse_json
from remedy.extensions import db
from remedy.federation import crypto
from remedy.federation.keys import published_keys
from remedy.federation.models import ReceivedMessage, SeenNonce
from remedy.federation.transport import FORMAT, signature_headers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sender:
    key_id: str  # "local" for this installation itself
    base_url: str | None


HANDLERS: dict[str, Callable[[dict, Sender], dict]] = {}
KEY_LOOKUPS: list[Callable[[str], str | None]] = []
READS: set[str] = set()
MAX_BODY = 2 * 1024 * 1024


class Refused(Exception):
    def __init__(self, status: int, code: str):
        super().__init__(code)
        self.status, self.code = status, code


def handle(body: dict, *, key_id: str, sender_url: str | None) -> dict:
    """Act on a verified message once (in one transaction, committed here); a read is
    answered every time and leaves nothing behind."""
    message_id = body.get("message_id")
    if body.get("kind") in READS and body.get("format") == FORMAT and isinstance(
            body.get("payload"), dict):
        result = HANDLERS[body["kind"]](body["payload"], Sender(key_id, sender_url))
        db.session.rollback()
        return result
    prior = db.session.scalar(select(ReceivedMessage).where(
        ReceivedMessage.message_id == message_id))
    if prior is not None:
        return prior.result
    handler = HANDLERS.get(body.get("kind"))
    if handler is None or body.get("format") != FORMAT or not isinstance(body.get("payload"), dict):
        raise Refused(422, "unknown_kind")
    result = handler(body["payload"], Sender(key_id, sender_url))
    db.session.add(ReceivedMessage(message_id=message_id, kind=body["kind"], key_id=key_id,
                                   result=result))
    db.session.commit()
    return result


def _public_key(key_id: str) -> str | None:
    for lookup in KEY_LOOKUPS:
        if found := lookup(key_id):
            return found
    return None


def verified(headers, raw: bytes) -> tuple[str, dict]:
    """(key id, body) of a request whose signature, time and nonce are right; Refused if not.
    The nonce is kept at once (committed)."""
    key_id, nonce = headers.get("Remedy-Key-Id", ""), headers.get("Remedy-Nonce", "")
    signature, stamp = headers.get("Remedy-Signature", ""), headers.get("Remedy-Timestamp", "")
    if not (key_id and signature and stamp.isascii() and stamp.isdigit() and len(stamp) < 12
            and 16 <= len(nonce) <= 64 and nonce.isascii() and nonce.isalnum()):
        raise Refused(401, "unsigned")
    if not crypto.fresh(int(stamp), time.time()):
        raise Refused(401, "stale")
    public_key = _public_key(key_id)
    if public_key is None:
        raise Refused(401, "unknown_key")
    if not crypto.verify(public_key, signature, int(stamp), nonce, raw):
        raise Refused(401, "bad_signature")
    # Kept at once, whatever happens next: the same signed request is never taken twice.
    db.session.add(SeenNonce(key_id=key_id, nonce=nonce))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Refused(409, "replayed") from None
    try:
        body = parse_json(raw)
    except ValueError:
        raise Refused(400, "not_json") from None
    if not isinstance(body, dict) or not isinstance(body.get("message_id"), str) or not (
            1 <= len(body["message_id"]) <= 36 and body["message_id"].isprintable()) or not isinstance(body.get("from", {}), dict):
        raise Refused(400, "not_a_message")
    return key_id, body


def signed_answer(message_id: str, result: dict) -> tuple[bytes, dict[str, str]]:
    """The body of a success answer and the headers that sign it with this installation's
    current key, in the answer context (docs/federation.md, "Answers")."""
    raw = json.dumps({"ok": True, "in_reply_to": message_id, "result": result},
                     sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signature_headers(raw, context=crypto.ANSWER_CONTEXT)
    db.session.commit()  # a key made on first use is kept before it is used
    return raw, headers


def record_refusal(error: Refused, key_id: str, address: str | None) -> None:
    """Logged (never the body) and audited."""
    db.session.rollback()
    log.warning("federation message refused: %s (key %r, from %s)", error.code, key_id, address)
    audit.record("federation.refused", actor=f"federation:{key_id or 'unknown'}",
                 subject_type="federation", subject_id=0, reason=error.code)
    db.session.commit()


def rolled_back(error: DomainError) -> None:
    """A handler refused the message: nothing of it is kept (but its nonce)."""
    db.session.rollback()
    log.warning("federation message not accepted: %s", error.code)


def published() -> dict:
    return {"base_url": current_app.config["BASE_URL"], "keys": [
        {"key_id": k.key_id, "public_key": k.public_key,
         "valid_until": k.valid_until.isoformat() if k.valid_until else None}
        for k in published_keys()]}


def forget_old_nonces() -> int:
    """Nonces older than the clock-skew window can never be replayed (the time check
    refuses them first): deleted by the periodic sweep."""
    cutoff = utcnow() - timedelta(seconds=2 * crypto.MAX_CLOCK_SKEW)
    deleted = db.session.execute(delete(SeenNonce).where(SeenNonce.seen_at < cutoff)).rowcount
    db.session.commit()
    return deleted
