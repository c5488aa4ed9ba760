"""Organisations: every piece of case data belongs to exactly one."""

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from remedy.core.db import JSONType, UTCDateTime, utcnow
from remedy.extensions import db


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    org_type: Mapped[str] = mapped_column(String(32))
    # Remit: codes from core.vocabulary; an empty list means "all".
    sectors: Mapped[list] = mapped_column(JSONType, default=list)
    rights_dimensions: Mapped[list] = mapped_column(JSONType, default=list)
    accepts_complaints: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"
