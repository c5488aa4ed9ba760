"""Collective claims and what the aggregation engine keeps: each complaint's signature, the
suggestions it made (and what caseworkers decided), and runs of the whole aggregation."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from remedy.accounts.models import Organisation, User
from remedy.cases.models import Case
from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint


class ComplaintSignature(db.Model):
    """What matching needs of a complaint (see `collective.domain.Signature`), stored so that
    a new complaint is compared with candidates found by index, never by scanning.

    `contact_hash` is a hash of the complainant's email or phone (never the contact)."""

    __tablename__ = "complaint_signatures"
    __table_args__ = (
        Index("ix_signatures_system", "organisation_id", "ai_system_id", "harm", "complaint_id"),
        Index("ix_signatures_name", "organisation_id", "system_prefix", "complaint_id"),
        Index("ix_signatures_contact", "organisation_id", "contact_hash"),
    )

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    ai_system_id: Mapped[int | None] = mapped_column(ForeignKey("ai_systems.id"))
    system_key: Mapped[str] = mapped_column(String(200), default="")
    system_prefix: Mapped[str] = mapped_column(String(8), default="")
    deployer_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"))
    harm: Mapped[str] = mapped_column(String(32), default="")
    concepts: Mapped[list] = mapped_column(JSONType, default=list)
    tokens: Mapped[list] = mapped_column(JSONType, default=list)
    language: Mapped[str] = mapped_column(String(8), default="")
    sector: Mapped[str] = mapped_column(String(32), default="")
    rights: Mapped[list] = mapped_column(JSONType, default=list)
    contact_hash: Mapped[str | None] = mapped_column(String(64))
    complainant_country: Mapped[str] = mapped_column(String(2), default="")
    # The distinctive words of the AI system's name as typed, its own and its deployer's
    # (`domain.split_brands`), space-separated; None in rows kept before they were stored.
    brands: Mapped[str | None] = mapped_column(String(400))
    owner_brands: Mapped[str | None] = mapped_column(String(400))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship()

    # The blocking keys `matching.store_signature` just wrote (not a column: they are rows of
    # complaint_keys), so that the match right after need not read them back.
    keys = None
    # Whether `store_signature` made this row just now (the complaint was never matched).
    fresh = False


class ComplaintKey(db.Model):
    """A blocking key of a complaint (`domain.blocking_keys`): the index that finds the
    complaints a new one should be compared with."""

    __tablename__ = "complaint_keys"
    __table_args__ = (Index("ix_complaint_keys_lookup", "organisation_id", "key", "complaint_id"),)

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))


class CollectiveClaim(db.Model):
    """Many complaints about one AI system and a similar harm, pursued together. Its
    workflow is a case of its own (`Case.collective_claim_id`)."""

    __tablename__ = "collective_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    ai_system_id: Mapped[int | None] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    harm: Mapped[str] = mapped_column(String(32), default="")
    # A representative organisation: one using Remedy, or named only.
    representative_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"))
    representative_name: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The claim as one signature for matching (`matching.claim_signatures`), kept so that a
    # new complaint is not compared with its members one by one; None when its members
    # changed since.
    signature: Mapped[dict | None] = mapped_column(JSONType)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    representative_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[representative_organisation_id])
    case: Mapped[Case | None] = relationship(
        backref=backref("collective_claim", uselist=False), uselist=False,
        primaryjoin="CollectiveClaim.id == foreign(Case.collective_claim_id)")
    members: Mapped[list["ClaimMember"]] = relationship(
        back_populates="claim", order_by="ClaimMember.id", cascade="all, delete-orphan")


class ClaimMember(db.Model):
    """A complaint in a collective claim, with where it stands (`domain.MEMBER_STATUSES`)."""

    __tablename__ = "claim_members"
    __table_args__ = (UniqueConstraint("claim_id", "complaint_id"),
                      # A member's step since the observatory's last refresh.
                      Index("ix_claim_members_updated_at", "updated_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("collective_claims.id"), index=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSONType, default=list)
    added_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    claim: Mapped[CollectiveClaim] = relationship(back_populates="members")
    complaint: Mapped[Complaint] = relationship()


class Suggestion(db.Model):
    """What the engine suggests for a complaint: join a claim (`claim:<id>`), group with
    another complaint (`complaint:<id>`), or that it is a duplicate of one (`kind` =
    duplicate). A rejected suggestion is kept, so that it is never made again."""

    __tablename__ = "collective_suggestions"
    __table_args__ = (
        UniqueConstraint("complaint_id", "target"),
        Index("ix_suggestions_open", "organisation_id", "status", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # Looked up by the unique (complaint_id, target) index: no index of its own.
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    target: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # claim | complaint | duplicate
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|confirmed|rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship()


class AggregationRun(db.Model):
    """One run of the whole aggregation (a supervisor's button or the command), mirrored
    from its RQ job so that a page can show its progress."""

    __tablename__ = "aggregation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    suggestions: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0
