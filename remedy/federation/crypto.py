"""Signatures between installations, in plain Python: Ed25519 over the body, a timestamp, a
nonce and the key's id (see docs/federation.md). No database, no request."""

import base64
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXT = b"remedy-federation-v1"
# An answer (to a request that asks for something, like `observatory.stats_request`) is
# signed in another context, so that a signed answer can never pass for a signed request.
ANSWER_CONTEXT = b"remedy-federation-v1-answer"
# A message older or newer than this (seconds) is refused as stale.
MAX_CLOCK_SKEW = 300


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def new_key_pair() -> tuple[str, str]:
    """(private key, public key), each the 32 raw bytes in base64."""
    private = Ed25519PrivateKey.generate()
    return (_b64(private.private_bytes(serialization.Encoding.Raw,
                                       serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())),
            _b64(private.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)))


def public_key_bytes(text: str) -> bytes | None:
    """A public key as 32 raw bytes, from base64 of the raw key or a PEM block; None if it is
    not an Ed25519 public key."""
    text = (text or "").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
            if not isinstance(key, Ed25519PublicKey):
                return None
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def normalise_public_key(text: str) -> str | None:
    raw = public_key_bytes(text)
    return _b64(raw) if raw else None


def key_id(public_key: str) -> str:
    """A short, stable name of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key_bytes(public_key) or b"").hexdigest()[:16]


def signing_input(key: str, timestamp: int, nonce: str, body: bytes,
                  context: bytes = CONTEXT) -> bytes:
    return b"\n".join([context, key.encode(), str(timestamp).encode(), nonce.encode(),
                       hashlib.sha256(body).hexdigest().encode()])


def sign(private_key: str, public_key: str, timestamp: int, nonce: str, body: bytes,
         context: bytes = CONTEXT) -> str:
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key))
    return _b64(private.sign(signing_input(key_id(public_key), timestamp, nonce, body, context)))


def verify(public_key: str, signature: str, timestamp: int, nonce: str, body: bytes,
           context: bytes = CONTEXT) -> bool:
    """Whether `signature` is the key's signature of exactly these values."""
    raw = public_key_bytes(public_key)
    if raw is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(signature, validate=True),
            signing_input(key_id(public_key), timestamp, nonce, body, context))
    except (InvalidSignature, ValueError):
        return False
    return True


def fresh(timestamp: int, now: float) -> bool:
    return abs(now - timestamp) <= MAX_CLOCK_SKEW


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
