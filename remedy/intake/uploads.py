"""Uploaded files from a request: read within limits, inspected by content, stored.

Also the signed receipts that let the web form keep files already uploaded when it has to
be shown again (a browser cannot refill a file input): a receipt names a stored file and
is signed, so it cannot be forged to point at someone else's evidence.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from remedy.core.messages import Message
from remedy.intake.evidence import InspectedFile, inspect_upload
from remedy.intake.storage import FileStore, evidence_store

RECEIPT_MAX_AGE = 24 * 3600


def inspect_and_store(uploads, store: FileStore | None = None
                      ) -> tuple[list[InspectedFile], list[Message]]:
    """Each upload either stored (in the evidence store unless told otherwise) and returned,
    or refused with a reason."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    stored, problems = [], []
    store = store or evidence_store()
    for upload in uploads:
        if upload is None or (not upload.filename and not upload.content_length):
            continue
        data = upload.stream.read(limit + 1)
        verdict = inspect_upload(data, upload.filename, max_bytes=limit)
        if isinstance(verdict, Message):
            problems.append(verdict)
            continue
        store.put(data)
        stored.append(verdict)
    return stored, problems


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="evidence-receipt")


def sign_receipts(files: list[InspectedFile]) -> str:
    if not files:
        return ""
    return _signer().dumps(
        [[f.sha256, f.size, f.media_type, f.display_name] for f in files]
    )


def read_receipts(token: str | None) -> list[InspectedFile]:
    """The files a signed receipt names, if the signature holds and the files exist."""
    if not token:
        return []
    try:
        rows = _signer().loads(token, max_age=RECEIPT_MAX_AGE)
    except BadSignature:
        return []
    store = evidence_store()
    files = []
    for row in rows if isinstance(rows, list) else []:
        try:
            sha256, size, media_type, name = row
            if store.exists(sha256):
                files.append(InspectedFile(sha256=sha256, size=int(size),
                                           media_type=media_type, display_name=name))
        except (TypeError, ValueError):
            continue
    return files
