"""Evidence files: the type is decided by the content, never by the name or the client's
header; files are stored (by `intake.storage`, on disk or in the database) under their
SHA-256, so a name can never be a path.

`inspect_upload` is pure (bytes in, verdict out).
"""

import hashlib
from dataclasses import dataclass

import filetype

from remedy.core.messages import N_, Message, msg
from remedy.core.text import safe_filename

# Media types people may attach: documents, photos and screenshots, plain text.
ALLOWED_TYPES = {
    "application/pdf": N_("PDF document"),
    "image/png": N_("PNG image"),
    "image/jpeg": N_("JPEG photo"),
    "image/webp": N_("WebP image"),
    "text/plain": N_("plain text"),
}


@dataclass(frozen=True)
class InspectedFile:
    sha256: str
    size: int
    media_type: str
    display_name: str


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def inspect_upload(data: bytes, filename: str | None, *, max_bytes: int) -> InspectedFile | Message:
    """What this file is, or why it is refused."""
    name = safe_filename(filename)
    if not data:
        return msg(N_("The file %(name)s is empty."), name=name)
    if len(data) > max_bytes:
        return msg(
            N_("The file %(name)s is larger than %(limit)s MB."),
            name=name,
            limit=f"{max_bytes / 1024 / 1024:.0f}",
        )
    kind = filetype.guess(data)
    media_type = kind.mime if kind else ("text/plain" if _looks_like_text(data) else None)
    if media_type not in ALLOWED_TYPES:
        return msg(
            N_("The file %(name)s is not a PDF, an image (PNG, JPEG, WebP) or plain text."),
            name=name,
        )
    return InspectedFile(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type=media_type,
        display_name=name,
    )


def check_limits(
    files: list[InspectedFile], *, already: int = 0, already_bytes: int = 0,
    max_files: int, max_total_bytes: int,
) -> Message | None:
    """Why these files would take a complaint past its limits, or None."""
    if already + len(files) > max_files:
        return msg(N_("A complaint can have at most %(max)d files."), max=max_files)
    if already_bytes + sum(f.size for f in files) > max_total_bytes:
        return msg(
            N_("All files together can be at most %(limit)s MB."),
            limit=f"{max_total_bytes / 1024 / 1024:.0f}",
        )
    return None
