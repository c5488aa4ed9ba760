"""The email outbox."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db


class OutboxEmail(db.Model):
    """One email to send. `context` holds only what the template needs (a reference, an
    organisation's name), never a narrative or a secret. The recipient is erased once the
    email has gone."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(16))
    context: Mapped[dict] = mapped_column(JSONType, default=dict)
    # pending -> sending -> sent | failed (after MAIL_MAX_ATTEMPTS)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set for emails that must go at most once (a day's digest): a second one is not queued.
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
