"""Organisations (every piece of case data belongs to exactly one), their staff, and the
staff's API tokens."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    # Closing a case (closed, inadmissible) needs a supervisor's approval.
    closure_needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # The public observatory names the AI systems and organisations complained about in
    # this organisation's cases only when it chose to (its admins, on "What we publish").
    publishes_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Clock lengths that differ from the defaults, by clock name: {"acknowledge": 3, ...}.
    clock_lengths: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class User(db.Model):
    """A member of staff (or the instance's system administrator, who has no organisation).

    `session_version` is part of the login session's id: raising it signs the user out
    everywhere (after a password change, for instance).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    # The language of the pages they last chose, and of the emails Remedy sends them.
    locale: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    # Flask-Login
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class TokenColumns:
    """An API token as stored: a name, a SHA-256 hash (the token itself is shown once),
    the first characters to recognise it by, and when it was used and revoked."""

    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(TokenColumns, db.Model):
    """A staff member's API token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Space-separated: "read" (GET), "write" (POST, PATCH). See accounts.domain.TOKEN_SCOPES.
    scopes: Mapped[str] = mapped_column(String(32), default="read write",
                                        server_default="read write")

    user: Mapped[User] = relationship()
