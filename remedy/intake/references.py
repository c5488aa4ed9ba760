"""References and secrets of complaints: how they look, how they are made, and how what a
person types is read back. Pure Python."""

import re
import secrets
import unicodedata

# No 0/O, 1/I/L or U: nothing a person could misread when copying from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(rf"^RMD([{ALPHABET}]{{8}})$")


def new_reference() -> str:
    """`RMD-7KQ3-9XPM`: random (about 39 bits), not sequential, easy to read aloud."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"RMD-{body[:4]}-{body[4:]}"


def new_secret() -> str:
    """Five groups of four (about 98 bits); shown once, stored only as a hash."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(20))
    return "-".join(body[i : i + 4] for i in range(0, 20, 4))


def _compact(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").upper()
    return re.sub(r"[\s\-\u200b-\u200f\u2060\ufeff]+", "", value)


def canonical_reference(value: str | None) -> str | None:
    """What a person typed (`rmd 7kq3 9xpm`) as a stored reference, or None if malformed."""
    m = _REFERENCE.match(_compact(value))
    return f"RMD-{m.group(1)[:4]}-{m.group(1)[4:]}" if m else None


def canonical_secret(value: str | None) -> str:
    """The secret without spaces or dashes, upper-case: what gets hashed."""
    return _compact(value)
