"""The audit trail: who did what to which object, when, from which value to which, and why.

Append-only and hash-chained: every entry carries the hash of the one before it, so a row
altered or removed breaks the chain, and `flask remedy audit-verify` finds the first broken
link. Services call `record()` inside the transaction of the change itself; the entries are
chained just before that transaction commits, holding the chain's head row locked only for
that moment, so concurrent transactions line up instead of forking the chain.

Entries hold codes and ids, never narratives or contact details.
"""

import hashlib
import json
from datetime import datetime

from sqlalchemy import Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db

GENESIS = "0" * 64
_PENDING = "remedy_pending_audit"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # "complainant", "system", "cli", or "user:<id>"
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(index=True)
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    old: Mapped[dict | None] = mapped_column(JSONType)
    new: Mapped[dict | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(db.Model):
    """One row: the last sequence number and hash of the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def entry_hash(entry: AuditEvent) -> str:
    """The hash of an entry's content and of the entry before it."""
    content = {
        "seq": entry.seq, "at": entry.at.isoformat(), "actor": entry.actor,
        "action": entry.action, "subject_type": entry.subject_type,
        "subject_id": entry.subject_id, "organisation_id": entry.organisation_id,
        "old": entry.old, "new": entry.new, "reason": entry.reason, "prev": entry.prev_hash,
    }
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


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
    """Add an entry to the current transaction; it is chained when the transaction commits."""
    entry = AuditEvent(actor=actor, action=action, subject_type=subject_type,
                       subject_id=subject_id, organisation_id=organisation_id,
                       old=old, new=new, reason=reason, at=utcnow())
    db.session.info.setdefault(_PENDING, []).append(entry)
    return entry


@event.listens_for(Session, "before_commit")
def _chain_pending_entries(session):
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    head = session.scalar(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(
            populate_existing=True)
    )
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    for entry in pending:
        entry.seq = head.seq + 1
        entry.prev_hash = head.hash
        entry.hash = entry_hash(entry)
        head.seq, head.hash = entry.seq, entry.hash
        session.add(entry)


@event.listens_for(Session, "after_soft_rollback")
def _forget_entries_of_rolled_back_work(session, previous_transaction):
    session.info.pop(_PENDING, None)


def verify_chain(batch: int = 5000) -> tuple[int, AuditEvent | None]:
    """(entries checked, first broken entry or None). A gap in the sequence, a changed row,
    or a head that does not match the last entry all count as broken."""
    previous_hash, expected_seq, checked, last = GENESIS, 1, 0, None
    while True:
        entries = db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq >= expected_seq)
            .order_by(AuditEvent.seq).limit(batch)
        ).all()
        for entry in entries:
            if entry.seq != expected_seq or entry.prev_hash != previous_hash \
                    or entry_hash(entry) != entry.hash:
                return checked, entry
            previous_hash, expected_seq, checked, last = entry.hash, entry.seq + 1, checked + 1, entry
        if len(entries) < batch:
            break
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != previous_hash):
        return checked, last or AuditEvent(seq=head.seq, action="(head)", actor="",
                                           subject_type="", subject_id=0, prev_hash="", hash="")
    return checked, None
