"""Model base class and column types shared by every feature.

The naming convention gives every constraint a stable name, so the same Alembic
migrations alter SQLite (batch mode) and PostgreSQL alike.
"""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

from remedy.core.text import whole_number

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which drops offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Lists and small documents: JSONB on PostgreSQL (indexable), JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time; the one place tests can move the clock."""
    return datetime.now(UTC)


# The largest id (and page number) a request may name: the databases' 32-bit integer. A
# larger number from a URL or a form is "no such thing", never a database error.
MAX_ID = 2**31 - 1


def as_id(value) -> int | None:
    """A positive whole number that fits an id column, from text or a number; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = whole_number(value, max_digits=10)
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None
