"""The directory of authorities, and referrals of cases between them.

A referral is kept by each organisation involved: the sender's record (`direction`
outgoing) and the receiver's (incoming), on one installation or two, joined by `uid`; every
step of one side reaches the other as a message (see `remedy.federation`)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from remedy.accounts.models import Organisation
from remedy.cases.models import Case
from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db
from remedy.referrals import domain


class Authority(db.Model):
    """An authority a case can be referred to: an organisation on this installation
    (`local_organisation_id`) or on another one (`base_url` and the organisation's `slug`
    there, trusted by its keys).

    Who trusts an entry is who keeps it (`owner_organisation_id`): entries of the
    installation (None: added by its operator or a system administrator) are everyone's;
    an entry an organisation's admin added is that organisation's alone, so that no
    organisation can route, or open the door to, another's cases. A local organisation
    keeps its own entry."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    org_type: Mapped[str] = mapped_column(String(32))
    # Remit: codes of core.vocabulary; empty = all.
    sectors: Mapped[list] = mapped_column(JSONType, default=list)
    rights_dimensions: Mapped[list] = mapped_column(JSONType, default=list)
    languages: Mapped[list] = mapped_column(JSONType, default=list)
    local_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), unique=True)
    base_url: Mapped[str | None] = mapped_column(String(300))
    slug: Mapped[str | None] = mapped_column(String(64))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    local_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[local_organisation_id])
    owner_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[owner_organisation_id])
    keys: Mapped[list["AuthorityKey"]] = relationship(
        back_populates="authority", cascade="all, delete-orphan", order_by="AuthorityKey.id")

    @property
    def is_remote(self) -> bool:
        return self.local_organisation_id is None and bool(self.base_url)

    @property
    def reachable(self) -> bool:
        """Whether a referral can be sent to it through Remedy."""
        return self.local_organisation_id is not None or (bool(self.base_url) and bool(self.keys))


class AuthorityKey(db.Model):
    """A public key of a remote authority's installation (several during a rotation)."""

    __tablename__ = "authority_keys"
    __table_args__ = (UniqueConstraint("authority_id", "key_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    key_id: Mapped[str] = mapped_column(String(16), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    authority: Mapped[Authority] = relationship(back_populates="keys")


class Referral(db.Model):
    """One organisation's record of a referral (see the module's docstring)."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("uid", "direction"),
        Index("ix_referrals_inbox", "organisation_id", "direction", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    direction: Mapped[str] = mapped_column(String(8))  # outgoing | incoming
    # Outgoing: where it went. Incoming: the sender's directory entry, when known.
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"))
    # The other side as it described itself: {"name", "country", "base_url", "slug"}.
    counterpart: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Outgoing: the case referred. Incoming: the case opened on accepting.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    message: Mapped[str | None] = mapped_column(Text)
    # Exactly what was sent (frozen when sent; the receiver keeps what it received).
    packet: Mapped[dict] = mapped_column(JSONType, default=dict)
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_due: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[Authority | None] = relationship()
    case: Mapped[Case | None] = relationship()
    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.id")

    @property
    def reply_awaited_by(self) -> date | None:
        """The reply's due date while the receiver still owes it, else None."""
        return self.reply_due if self.state in domain.AWAITING_REPLY else None


class ReferralEvent(db.Model):
    """A step of a referral, on either side, with its text (a question, an answer, a reason,
    the outcome)."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    side: Mapped[str] = mapped_column(String(8))  # sender | receiver
    text: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="events")
