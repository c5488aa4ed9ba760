"""Text hygiene for everything a person types: stored inert, never trusted.

Rules: NUL and other control characters (except tab and newline) are removed; text is
NFC-normalised; one-line fields also lose bidirectional overrides and zero-width
characters, which can disguise a name. Narratives keep zero-width joiners and
directional marks because Persian, Arabic and several Indic scripts need them.
Escaping is the templates' job: nothing here turns text into HTML.
"""

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI_OVERRIDES = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """A multi-line text: NFC, no control characters, no bidi overrides, trimmed."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = _BIDI_OVERRIDES.sub("", value)
    return value.strip()


def clean_line(value: str | None) -> str:
    """A one-line field: as clean_text, without invisible characters, spaces collapsed."""
    value = clean_text(value)
    value = _INVISIBLE.sub("", value)
    return _SPACES.sub(" ", value).strip()


def checked_text(value, *, limit: int, minimum: int = 0, required: bool = False,
                 multiline: bool = True):
    """(the cleaned text or None, what is wrong with it or None): the one check of a typed
    text's kind and length, so that every form and API says it the same way."""
    from remedy.core.messages import N_, msg

    if value is not None and not isinstance(value, str):
        return None, msg(N_("This must be text."))
    cleaned = clean_text(value) if multiline else clean_line(value)
    if not cleaned:
        return None, msg(N_("This is required.")) if required else None
    if len(cleaned) < minimum:
        return cleaned, msg(N_("Please write at least %(min)d characters."), min=minimum)
    if len(cleaned) > limit:
        return cleaned, msg(N_("Please shorten this to %(max)d characters (it has %(count)d)."),
                            max=limit, count=len(cleaned))
    return cleaned, None


def safe_filename(value: str | None, limit: int = 120) -> str:
    """A file's name reduced to display text: no path, no control characters."""
    value = clean_line(value).replace("\\", "/")
    value = value.rsplit("/", 1)[-1].strip(". ")
    if len(value) > limit:
        stem, dot, ext = value.rpartition(".")
        value = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) < 10 else value[:limit]
    return value or "file"


def whole_number(value: str, max_digits: int = 18) -> int | None:
    """The number a person typed: ASCII digits only (not "³" or "٣", which `isdigit` takes),
    at most `max_digits` of them (int() refuses thousands), else None."""
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= max_digits:
        return int(value)
    return None
