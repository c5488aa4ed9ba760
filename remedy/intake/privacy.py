"""A complainant's data: everything held about them (for a subject access request), and its
erasure, which keeps an anonymised shell for statistics and the audit chain."""

import hashlib
import secrets

from sqlalchemy import select

from remedy.extensions import db
from remedy.intake import signals
from remedy.intake.models import Complaint, Evidence
from remedy.intake.serializers import complaint_json
from remedy.notifications.services import forget_unsent

ERASED = "[erased]"


def complainant_data(complaint: Complaint) -> dict:
    """Everything Remedy holds about the complainant of this complaint (a subject access
    export): the complaint as filed, their messages, consents and the list of files."""
    data = complaint_json(complaint)
    data["timeline"] = [
        {"at": e.created_at.isoformat(), "kind": e.kind, "author": e.author, "body": e.body,
         "data": e.data or {}} for e in complaint.events
    ]
    return data


def anonymise_complaint(complaint: Complaint) -> list[str]:
    """Erase what identifies the complainant or tells their story, in the caller's
    transaction; keep the codes that statistics need (sector, rights, countries, dates,
    filer type, group size). Returns the SHA-256 of evidence files no longer referenced,
    for the caller to delete once the transaction has committed."""
    forget_unsent(complaint.contact_email, complaint.reference)
    complaint.title = ERASED
    complaint.narrative = ERASED
    complaint.contact_name = complaint.contact_email = complaint.contact_phone = None
    complaint.mandate_basis = ERASED if complaint.mandate_basis else None
    complaint.other_rights = []
    complaint.consent_contact = complaint.consent_share_across_borders = False
    complaint.consent_publish_narrative = complaint.consent_share_with_respondent = False
    complaint.secret_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()  # tracking ends
    for person in list(complaint.co_complainants):
        db.session.delete(person)
    for event in complaint.events:
        if event.body:
            event.body = ERASED
    hashes = [e.sha256 for e in complaint.evidence]
    for item in list(complaint.evidence):
        db.session.delete(item)
    db.session.flush()
    still_used = set(db.session.scalars(select(Evidence.sha256).where(Evidence.sha256.in_(hashes))))
    signals.complaint_erased.send(complaint)
    return [h for h in hashes if h not in still_used]
