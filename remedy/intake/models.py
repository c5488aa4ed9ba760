"""Complaints as filed. The narrative is never edited: amendments, messages and evidence
are appended, and every public event is a row in the complaint's timeline."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from remedy.accounts.models import Organisation
from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db
from remedy.registry.models import AISystem, Respondent


class Complaint(db.Model):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # web | api
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    filer_type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    narrative: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    complainant_country: Mapped[str] = mapped_column(String(2), index=True)
    harm_country: Mapped[str | None] = mapped_column(String(2))

    # What the filer typed, kept as typed; the registry links are the resolved entries.
    ai_system_as_named: Mapped[str] = mapped_column(String(200))
    deployer_as_named: Mapped[str | None] = mapped_column(String(200))
    provider_as_named: Mapped[str | None] = mapped_column(String(200))
    deployer_country: Mapped[str | None] = mapped_column(String(2))
    ai_system_id: Mapped[int | None] = mapped_column(ForeignKey("ai_systems.id"), index=True)
    deployer_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("respondents.id"), index=True)

    sector: Mapped[str] = mapped_column(String(32), index=True)
    rights_dimensions: Mapped[list] = mapped_column(JSONType, default=list)
    other_rights: Mapped[list] = mapped_column(JSONType, default=list)
    grounds: Mapped[list] = mapped_column(JSONType, default=list)
    remedies_sought: Mapped[list] = mapped_column(JSONType, default=list)
    date_of_harm: Mapped[date | None] = mapped_column(Date)

    group_size: Mapped[int | None] = mapped_column(Integer)
    mandate_organisation_name: Mapped[str | None] = mapped_column(String(200))
    mandate_basis: Mapped[str | None] = mapped_column(Text)

    # Absent contact = anonymous. Never logged, never sent across a border without consent.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_language: Mapped[str | None] = mapped_column(String(16))
    # The interface language at filing: emails go out in it unless contact_language says otherwise.
    interface_locale: Mapped[str] = mapped_column(String(16), default="en")

    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_share_across_borders: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_publish_narrative: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_share_with_respondent: Mapped[bool] = mapped_column(Boolean, default=False,
                                                                server_default=false())

    organisation: Mapped[Organisation] = relationship()
    ai_system: Mapped[AISystem | None] = relationship()
    deployer: Mapped[Respondent | None] = relationship(foreign_keys=[deployer_id])
    provider: Mapped[Respondent | None] = relationship(foreign_keys=[provider_id])
    co_complainants: Mapped[list["CoComplainant"]] = relationship(
        back_populates="complaint", order_by="CoComplainant.id", cascade="all, delete-orphan"
    )
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="complaint", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )

    @property
    def state(self) -> str:
        """The state of the case that handles this complaint (casework owns the workflow)."""
        case = getattr(self, "case", None)
        return case.state if case is not None else "received"

    @property
    def is_open(self) -> bool:
        return self.state not in ("withdrawn", "closed", "inadmissible")

    def consents(self) -> dict[str, bool]:
        return {
            "contact": self.consent_contact,
            "share_across_borders": self.consent_share_across_borders,
            "publish_narrative": self.consent_publish_narrative,
            "share_with_respondent": self.consent_share_with_respondent,
        }


class CoComplainant(db.Model):
    __tablename__ = "co_complainants"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))

    complaint: Mapped[Complaint] = relationship(back_populates="co_complainants")


class StoredFileColumns:
    """A file kept in an evidence store: its SHA-256 (the store's key), size, the media type
    found by inspecting its content, and the name to download it by."""

    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120))


class Evidence(StoredFileColumns, db.Model):
    """A file attached to a complaint, stored by its SHA-256 outside the web root."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("complaint_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="evidence")


class ComplaintEvent(db.Model):
    """One line of a complaint's timeline: filed, message, amendment, evidence added,
    consent changed, withdrawn, and (from casework) state changes. `public` events are
    what the complainant sees."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(16))  # complainant | staff | system
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class FileContent(db.Model):
    """The bytes of a stored file, when EVIDENCE_STORAGE is "database" (see
    `intake.storage`): one row per area ("evidence", "responses") and SHA-256, shared by
    every row that names that file. Only the storage backend reads or writes it."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_area_stored_at", "area", "stored_at"),)

    area: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # Last stored (a second upload of the same file renews it): unclaimed files are purged
    # by this time.
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
