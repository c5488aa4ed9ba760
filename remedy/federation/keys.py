"""This installation's signing keys: the current one, rotation with an overlap, and the
keys it publishes."""

from datetime import timedelta

from sqlalchemy import or_, select

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.federation import crypto
from remedy.federation.models import InstallationKey


def _new_key() -> InstallationKey:
    private, public = crypto.new_key_pair()
    key = InstallationKey(key_id=crypto.key_id(public), public_key=public, private_key=private)
    db.session.add(key)
    db.session.flush()
    return key


def current_key() -> InstallationKey:
    """The key that signs now (made on first use, in the caller's transaction)."""
    key = db.session.scalar(select(InstallationKey).where(InstallationKey.valid_until.is_(None))
                            .order_by(InstallationKey.id.desc()).limit(1))
    return key or _new_key()


def rotate(overlap: timedelta) -> tuple[InstallationKey, InstallationKey | None]:
    """A new signing key; the previous one stays valid for `overlap`. Returns (new, old)."""
    old = db.session.scalar(select(InstallationKey).where(InstallationKey.valid_until.is_(None))
                            .order_by(InstallationKey.id.desc()).limit(1))
    if old is not None:
        old.valid_until = utcnow() + overlap
    return _new_key(), old


def published_keys() -> list[InstallationKey]:
    """The keys other installations may verify this one's messages with, newest first."""
    return db.session.scalars(select(InstallationKey).where(or_(
        InstallationKey.valid_until.is_(None), InstallationKey.valid_until > utcnow()))
        .order_by(InstallationKey.id.desc())).all()
