"""What an installation keeps to talk to others: its own signing keys, the messages it has
to deliver (an outbox, retried until delivered), and the messages it received (so that a
replay is refused and a retry is answered once)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db


class InstallationKey(db.Model):
    """An Ed25519 key pair of this installation. The newest unretired key signs; after a
    rotation the previous one stays valid (published, accepted) until `valid_until`."""

    __tablename__ = "installation_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    # Base64 of the 32 raw bytes. Readable by whoever reads the database, as the secret key.
    private_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutgoingMessage(db.Model):
    """A message to another installation (or, `destination` None, to this one), delivered
    by a job and retried with growing pauses until it is."""

    __tablename__ = "federation_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    destination: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # The key to sign with when not the current one (a rotation is announced with the old).
    sign_with: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[dict] = mapped_column(JSONType, default=dict)
    # pending -> sending -> delivered | failed (after FEDERATION_MAX_ATTEMPTS)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReceivedMessage(db.Model):
    """A message accepted from another installation: its id answers a retry (the same
    message signed again) with the first result instead of acting twice."""

    __tablename__ = "federation_received"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict] = mapped_column(JSONType, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeenNonce(db.Model):
    """Every nonce of a signed request that passed the signature check, kept past the
    clock-skew window, so that the same request sent again is refused."""

    __tablename__ = "federation_nonces"
    __table_args__ = (UniqueConstraint("key_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
