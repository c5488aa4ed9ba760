"""A complainant's story as the public may read it: one per complaint."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from remedy.accounts.models import User
from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint


class PublishedNarrative(db.Model):
    """The story of one complaint, scrubbed, reviewed by a caseworker, and published with the
    complainant's consent; taken down (its text deleted) when the consent goes.

    `text` is the draft while it is prepared, then exactly what the public reads; None once
    taken down. `scrub_report` counts what the automatic scrub replaced, by kind (never the
    values). The public facets are copied when it is published and are all the public
    learns besides the text: the area of life, the rights concerned, who complained, and
    the month (never the day) it was published.

    The complainant's country is not among them. Beside an area, a kind of filer and a
    month, a country with few complaints could narrow a story down to one person (a
    representative organisation's complaint about border control in a small country, say);
    the observatory's statistics count by country and suppress small numbers, which a list
    of stories cannot do. Nor are the date of the harm (it could identify) and the
    respondents (named in public only where an organisation chooses to publish names).
    """

    __tablename__ = "published_narratives"
    __table_args__ = (
        # The public list: published stories, newest first.
        Index("ix_published_narratives_public", "state", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # draft | published | taken_down (domain.STATES)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    scrub_report: Mapped[dict] = mapped_column(JSONType, default=dict)

    # The public facets, copied at publication.
    sector: Mapped[str | None] = mapped_column(String(32))
    rights_dimensions: Mapped[list] = mapped_column(JSONType, default=list)
    filer_type: Mapped[str | None] = mapped_column(String(32))

    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_down_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # consent_withdrawn | complaint_withdrawn | erased | caseworker (domain.TAKE_DOWN_REASONS)
    take_down_reason: Mapped[str | None] = mapped_column(String(32))

    complaint: Mapped[Complaint] = relationship(backref=backref(
        "published_narrative", uselist=False, cascade="all, delete-orphan"))
    prepared_by: Mapped[User | None] = relationship(foreign_keys=[prepared_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
