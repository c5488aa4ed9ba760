"""Password hashing with Argon2id, tuned by configuration (cheap in tests, strong in
production), and secrets that are compared by hash only."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# A hash to verify against when the account does not exist, so that timing does not tell.
_DUMMY = None


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST"], parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    global _DUMMY
    hasher = _hasher()
    if password_hash is None:
        _DUMMY = _DUMMY or hasher.hash("no such account")
        password_hash = _DUMMY
        try:
            hasher.verify(password_hash, password or "")
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str = "rmd") -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
