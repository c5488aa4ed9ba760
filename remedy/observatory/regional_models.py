"""What the regional observatory keeps of other installations: for each installation of the
directory it combines, when it was last asked and last answered, and the published figures
of its last good answer (already suppressed and rounded there; nothing else is ever kept)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import UTCDateTime, utcnow
from remedy.extensions import db


class RegionalSource(db.Model):
    """Another installation whose published statistics are combined here, known by its
    `base_url` in the directory. Its figures are replaced all at once by a good answer and
    kept as they were when an answer fails (`last_error` says why)."""

    __tablename__ = "observatory_regional_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_url: Mapped[str] = mapped_column(String(300), unique=True)
    # The names of its authorities in the directory, as the operator imported them.
    name: Mapped[str] = mapped_column(String(200))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the figures kept were fetched, and as of when the installation had counted them.
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Of the figures kept: its suppression threshold and its total (rounded there).
    threshold: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    # Why the last attempt failed (`exchange.Failed` codes, `not_published`); None if it did not.
    last_error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegionalFigure(db.Model):
    """One published cell of a source's table: `count` None when suppressed there."""

    __tablename__ = "observatory_regional_figures"
    __table_args__ = (UniqueConstraint("source_id", "group_by", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("observatory_regional_sources.id"))
    group_by: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    count: Mapped[int | None] = mapped_column(Integer)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
