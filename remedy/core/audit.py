"""The audit trail: who did what to which object, when, from which value to which, and why.

Services call `record()` inside the transaction of the change itself, so a change and its
audit entry are saved together or not at all. Entries hold codes and ids, never narratives
or contact details.
"""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # "complainant", "system", or "user:<id>"
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(index=True)
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    old: Mapped[dict | None] = mapped_column(JSONType)
    new: Mapped[dict | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)


def record(
    action: str,
    *,
    actor: str,
    subject_type: str,
    subject_id: int,
    organisation_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=organisation_id,
        old=old,
        new=new,
        reason=reason,
    )
    db.session.add(event)
    return event
