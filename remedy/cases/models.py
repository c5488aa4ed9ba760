"""Cases and what hangs off them: clocks, internal notes, decisions, remedies."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from remedy.accounts.models import Organisation, User
from remedy.core.db import UTCDateTime, utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint


class Case(db.Model):
    """One organisation's handling of a complaint.

    `sector`, `complainant_country`, `filer_type` and `rights_mask` (the rights dimensions
    as bits, `domain.RIGHTS_BITS`) copy the complaint's, which never change, so that the
    queue filters, sorts and counts on this table and its indexes alone.
    """

    __tablename__ = "cases"
    __table_args__ = (
        # The queue: one index per sort order, each led by the organisation.
        Index("ix_cases_queue_deadline", "organisation_id", "next_due_on", "priority", "id"),
        Index("ix_cases_queue_opened", "organisation_id", "opened_at", "id"),
        Index("ix_cases_queue_priority", "organisation_id", "priority", "next_due_on", "id"),
        # ... and for counting by the usual filters without touching the rows.
        Index("ix_cases_org_state", "organisation_id", "state", "next_due_on", "rights_mask"),
        Index("ix_cases_org_sector", "organisation_id", "sector", "state", "rights_mask"),
        Index("ix_cases_org_country", "organisation_id", "complainant_country", "state",
              "rights_mask"),
        Index("ix_cases_org_assignee", "organisation_id", "assignee_id", "state", "rights_mask"),
        # "Needs attention" and "the respondent is late" in the queue.
        Index("ix_cases_org_attention", "organisation_id", "attention_since"),
        Index("ix_cases_org_respondent_due", "organisation_id", "respondent_due_on"),
        # What changed since the observatory's last refresh.
        Index("ix_cases_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), unique=True)
    state: Mapped[str] = mapped_column(String(32), default="received", index=True)
    sector: Mapped[str | None] = mapped_column(String(32))
    complainant_country: Mapped[str | None] = mapped_column(String(2))
    filer_type: Mapped[str | None] = mapped_column(String(32))
    rights_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 1 urgent, 2 normal, 3 low
    priority: Mapped[int] = mapped_column(Integer, default=2)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The earliest due date of its running clocks (kept for sorting and the overdue filter).
    next_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # A closing step waiting for a supervisor: the target state, reason and who asked.
    pending_state: Mapped[str | None] = mapped_column(String(32))
    pending_reason: Mapped[str | None] = mapped_column(Text)
    pending_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Where else the complainant can turn (shown when the case is inadmissible).
    other_bodies: Mapped[str | None] = mapped_column(Text)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Something the caseworker should look at (the respondent answered, the complainant
    # disputes the answer, ...): a code of domain.ATTENTION_REASONS, cleared by staff.
    attention_reason: Mapped[str | None] = mapped_column(String(32))
    attention_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the respondent's next answer is due (None when no answer is awaited).
    respondent_due_on: Mapped[date | None] = mapped_column(Date)
    # A case handles one complaint, or one collective claim (remedy.collective).
    collective_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("collective_claims.id", use_alter=True), unique=True)
    # The collective claim this case's complaint has joined (kept by remedy.collective).
    member_of_claim_id: Mapped[int | None] = mapped_column(Integer)
    # Closed as the same person's same complaint filed again: the case of the original.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # The title of a case with no complaint or claim of its own (one accepted on referral).
    summary_title: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship()
    complaint: Mapped[Complaint | None] = relationship(
        backref=backref("case", uselist=False)
    )
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    pending_by: Mapped[User | None] = relationship(foreign_keys=[pending_by_id])
    clocks: Mapped[list["CaseClock"]] = relationship(back_populates="case", order_by="CaseClock.id",
                                                     cascade="all, delete-orphan")
    notes: Mapped[list["CaseNote"]] = relationship(back_populates="case", order_by="CaseNote.id",
                                                   cascade="all, delete-orphan")
    decisions: Mapped[list["CaseDecision"]] = relationship(
        back_populates="case", order_by="CaseDecision.id", cascade="all, delete-orphan")
    remedies: Mapped[list["Remedy"]] = relationship(back_populates="case", order_by="Remedy.id",
                                                    cascade="all, delete-orphan")


class CaseClock(db.Model):
    __tablename__ = "case_clocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    paused_since: Mapped[date | None] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="clocks")


class CaseNote(db.Model):
    """An internal note: staff of the organisation only, never the complainant."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class CaseDecision(db.Model):
    """A step of the workflow: who moved the case from which state to which, and why."""

    __tablename__ = "case_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="decisions")


class Remedy(db.Model):
    """What is sought or obtained, and whether it happened."""

    __tablename__ = "remedies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    remedy_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="sought")
    due_on: Mapped[date | None] = mapped_column(Date)
    follow_up: Mapped[str | None] = mapped_column(Text)
    # staff | respondent: who put it on the case.
    offered_by: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")
    # After its due date the complainant is asked whether it happened.
    complainant_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    complainant_says_done: Mapped[bool | None] = mapped_column(Boolean)
    complainant_comment: Mapped[str | None] = mapped_column(Text)
    complainant_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="remedies")
