"""Idempotency keys: a retried POST returns the first result instead of a second object.

The first result may hold a secret shown only once (a complaint's tracking secret), so it is
stored encrypted with a key derived from the server secret *and* the client's idempotency
key, which is itself stored only as a hash: the database alone cannot reveal it, while the
client that retries can get its answer back.
"""

import base64
import hashlib
import json
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Integer, String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import UTCDateTime, utcnow
from remedy.core.errors import Conflict
from remedy.core.messages import N_
from remedy.extensions import db


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    sealed_result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _key_hash(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def _fernet(server_secret: str, key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=key.encode(), info=b"remedy-idempotency"
    ).derive(server_secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def fingerprint(payload) -> str:
    """A stable hash of a request body, to notice a key reused for a different request."""
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def recall(scope: str, key: str, request_fingerprint: str, *, server_secret: str, ttl_hours: int):
    """The stored result for this key, or None. A key reused with a different body is a
    conflict: the client has a bug, and guessing which request it meant would be worse."""
    record = db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.key_hash == _key_hash(scope, key))
    )
    if record is None or record.created_at < utcnow() - timedelta(hours=ttl_hours):
        return None
    if record.fingerprint != request_fingerprint:
        raise Conflict(N_("This Idempotency-Key was already used for a different request."))
    try:
        return json.loads(_fernet(server_secret, key).decrypt(record.sealed_result.encode()))
    except InvalidToken:
        return None


def remember(scope: str, key: str, request_fingerprint: str, result: dict, *,
             server_secret: str, status_code: int = 201) -> None:
    """Store the result in the caller's transaction (flushed, so a concurrent twin fails)."""
    sealed = _fernet(server_secret, key).encrypt(json.dumps(result).encode()).decode()
    db.session.add(
        IdempotencyRecord(
            key_hash=_key_hash(scope, key),
            scope=scope,
            fingerprint=request_fingerprint,
            status_code=status_code,
            sealed_result=sealed,
        )
    )
    db.session.flush()


def keep_answer(scope: str, key: str, request_fingerprint: str, result: dict, *,
                server_secret: str, status_code: int) -> None:
    """Remember an answer already given (its work is committed) and commit; a concurrent
    twin that stored it first wins, and this answer stands anyway."""
    try:
        remember(scope, key, request_fingerprint, result, server_secret=server_secret,
                 status_code=status_code)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def forget_expired(ttl_hours: int) -> int:
    result = db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < utcnow() - timedelta(hours=ttl_hours)
        )
    )
    return result.rowcount or 0


def forget_expired_answers() -> int:
    """The periodic job: answers no longer given (older than IDEMPOTENCY_TTL_HOURS) are
    deleted, sealed filing results among them. Returns how many."""
    from flask import current_app

    forgotten = forget_expired(int(current_app.config["IDEMPOTENCY_TTL_HOURS"]))
    db.session.commit()
    return forgotten
