"""Intake use-cases: file a complaint, let its complainant follow and change it.

Each public function is one unit of work: it validates through the domain, saves, writes the
timeline and audit entries, queues emails, and commits. None of them takes a request.
"""

import hashlib
import hmac
from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from remedy.accounts.models import Organisation
from remedy.core import audit, idempotency
from remedy.core.db import utcnow
from remedy.core.errors import (
    Conflict,
    NotAuthorised,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from remedy.core.messages import N_
from remedy.extensions import db
from remedy.intake import domain, references, routing, signals
from remedy.intake.evidence import InspectedFile, check_limits
from remedy.intake.models import CoComplainant, Complaint, ComplaintEvent, Evidence
from remedy.jobs import commit
from remedy.notifications.services import queue_email
from remedy.registry.services import resolve_ai_system, resolve_respondent


@dataclass(frozen=True)
class Submission:
    """What the filer gets back, once: the secret is nowhere else in clear."""

    reference: str
    secret: str
    state: str
    received_at: str
    organisation: str
    organisation_name: str
    replayed: bool = False


def hash_secret(secret: str) -> str:
    return hashlib.sha256(references.canonical_secret(secret).encode()).hexdigest()


def _handling_organisation(draft: domain.ComplaintDraft) -> Organisation:
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.accepts_complaints.is_(True))
    ).all()
    slug = routing.choose_organisation(
        [
            routing.OrganisationRemit(
                slug=o.slug, country=o.country, org_type=o.org_type,
                sectors=tuple(o.sectors or ()), rights_dimensions=tuple(o.rights_dimensions or ()),
            )
            for o in organisations
        ],
        country=draft.complainant_country,
        sector=draft.sector,
        rights_dimensions=draft.rights_dimensions,
        default_slug=current_app.config.get("DEFAULT_ORGANISATION"),
    )
    if slug is None:
        raise ServiceUnavailable(
            N_("No organisation is receiving complaints here yet. Please try again later.")
        )
    return next(o for o in organisations if o.slug == slug)


def _unused_reference() -> str:
    while True:
        reference = references.new_reference()
        if not db.session.scalar(select(Complaint.id).where(Complaint.reference == reference)):
            return reference


def email_locale(complaint: Complaint) -> str:
    """The language a complainant reads email in: their stated one if the interface has it."""
    languages = current_app.config["LANGUAGES"]
    preferred = (complaint.contact_language or "").replace("-", "_")
    for candidate in (preferred, preferred.split("_")[0]):
        if candidate in languages:
            return candidate
    if preferred.startswith("zh"):
        return next((lang for lang in languages if lang.startswith("zh")), complaint.interface_locale)
    return complaint.interface_locale


def submit_complaint(
    draft: domain.ComplaintDraft,
    *,
    evidence: list[InspectedFile] = (),
    interface_locale: str,
    channel: str,
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
) -> Submission:
    """File a complaint. With an idempotency key, a repeat returns the first Submission.

    The complaint goes to the organisation `routing.choose_organisation` picks; the names the
    filer typed are kept and linked to registry entries; if an email was given, a receipt
    (with the reference, never the secret) is queued in the same transaction.
    """
    config = current_app.config
    idem = dict(server_secret=config["SECRET_KEY"])
    if idempotency_key:
        prior = idempotency.recall("complaint", idempotency_key, request_fingerprint,
                                   ttl_hours=config["IDEMPOTENCY_TTL_HOURS"], **idem)
        if prior:
            return Submission(**{**prior, "replayed": True})
    problem = check_limits(list(evidence), max_files=config["UPLOAD_MAX_FILES"],
                           max_total_bytes=config["UPLOAD_MAX_TOTAL_BYTES"])
    if problem:
        raise ValidationFailed(N_("Some answers need attention."), {"evidence": [problem]})

    organisation = _handling_organisation(draft)
    deployer = resolve_respondent(draft.deployer, "deployer", draft.deployer_country)
    provider = resolve_respondent(draft.provider, "provider")
    ai_system = resolve_ai_system(draft.ai_system, provider)
    secret = references.new_secret()
    contact = draft.contact or domain.Contact()
    complaint = Complaint(
        reference=_unused_reference(),
        secret_hash=hash_secret(secret),
        organisation=organisation,
        channel=channel,
        received_at=utcnow(),
        filer_type=draft.filer_type,
        title=draft.title,
        narrative=draft.narrative,
        language=draft.language,
        complainant_country=draft.complainant_country,
        harm_country=draft.harm_country,
        ai_system_as_named=draft.ai_system,
        deployer_as_named=draft.deployer,
        provider_as_named=draft.provider,
        deployer_country=draft.deployer_country,
        ai_system=ai_system,
        deployer=deployer,
        provider=provider,
        sector=draft.sector,
        rights_dimensions=list(draft.rights_dimensions),
        other_rights=list(draft.other_rights),
        grounds=list(draft.grounds),
        remedies_sought=list(draft.remedies_sought),
        date_of_harm=draft.date_of_harm,
        group_size=draft.group_size,
        mandate_organisation_name=draft.mandate.organisation_name if draft.mandate else None,
        mandate_basis=draft.mandate.basis if draft.mandate else None,
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
        contact_language=contact.preferred_language,
        interface_locale=interface_locale,
        consent_contact=draft.consents.contact,
        consent_share_across_borders=draft.consents.share_across_borders,
        consent_publish_narrative=draft.consents.publish_narrative,
        consent_share_with_respondent=draft.consents.share_with_respondent,
        co_complainants=[CoComplainant(name=p.name, email=p.email) for p in draft.co_complainants],
        evidence=[_evidence_row(f) for f in _distinct(evidence)],
    )
    complaint.events.append(ComplaintEvent(kind="filed", author="complainant"))
    db.session.add(complaint)
    db.session.flush()
    signals.complaint_filed.send(complaint)
    audit.record("complaint.filed", actor="complainant", subject_type="complaint",
                 subject_id=complaint.id, organisation_id=organisation.id,
                 new={"state": "received", "channel": channel})
    submission = Submission(
        reference=complaint.reference,
        secret=secret,
        state="received",
        received_at=complaint.received_at.isoformat(),
        organisation=organisation.slug,
        organisation_name=organisation.name,
    )
    if contact.email:
        queue_email("complaint_received", to=contact.email, locale=email_locale(complaint),
                    reference=complaint.reference, organisation_name=organisation.name)
    try:
        if idempotency_key:
            idempotency.remember("complaint", idempotency_key, request_fingerprint,
                                 asdict(submission), **idem)
        commit()
    except IntegrityError:
        # A concurrent twin with the same key won the race: answer as it did.
        db.session.rollback()
        if idempotency_key:
            prior = idempotency.recall("complaint", idempotency_key, request_fingerprint,
                                       ttl_hours=config["IDEMPOTENCY_TTL_HOURS"], **idem)
            if prior:
                return Submission(**{**prior, "replayed": True})
        raise
    return submission


def _distinct(files):
    return list({f.sha256: f for f in files}.values())


def _evidence_row(f: InspectedFile) -> Evidence:
    return Evidence(sha256=f.sha256, size=f.size, media_type=f.media_type,
                    display_name=f.display_name)


# --- the complainant, after filing ---------------------------------------------------------

_DUMMY_HASH = hashlib.sha256(b"no such complaint").hexdigest()


def authenticate_complainant(reference: str | None, secret: str | None) -> Complaint:
    """The complaint if reference and secret match; otherwise one and the same refusal,
    taking the same time, so a look-up never reveals whether a reference exists."""
    canonical = references.canonical_reference(reference)
    complaint = (
        db.session.scalar(select(Complaint).where(Complaint.reference == canonical))
        if canonical else None
    )
    given = hash_secret(secret or "")
    expected = complaint.secret_hash if complaint else _DUMMY_HASH
    if not hmac.compare_digest(given, expected) or complaint is None:
        raise NotAuthorised(N_("The reference or the secret is not right. Check both and try again."))
    return complaint


def get_complaint(complaint_id: int) -> Complaint:
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotAuthorised(N_("The reference or the secret is not right. Check both and try again."))
    return complaint


def _require_open(complaint: Complaint) -> None:
    if not complaint.is_open:
        raise Conflict(N_("This complaint is closed: it can no longer be changed."))


def add_complainant_message(complaint: Complaint, body: str, *, amendment: bool = False) -> ComplaintEvent:
    """A message to the caseworker, or an amendment that adds to the complaint (the original
    narrative is never edited)."""
    _require_open(complaint)
    field_name = "amendment" if amendment else "body"
    text = domain.parse_message(body, field_name=field_name)
    event = ComplaintEvent(kind="amendment" if amendment else "message", author="complainant",
                           body=text)
    complaint.events.append(event)
    db.session.flush()
    signals.complainant_wrote.send(complaint, event=event)
    audit.record(f"complaint.{event.kind}_added", actor="complainant", subject_type="complaint",
                 subject_id=complaint.id, organisation_id=complaint.organisation_id)
    commit()
    return event


def add_evidence(complaint: Complaint, files: list[InspectedFile]) -> int:
    """Attach more files; a file already attached is not attached twice. Returns how many
    were new."""
    _require_open(complaint)
    known = {e.sha256 for e in complaint.evidence}
    new = [f for f in _distinct(files) if f.sha256 not in known]
    config = current_app.config
    problem = check_limits(new, already=len(complaint.evidence),
                           already_bytes=sum(e.size for e in complaint.evidence),
                           max_files=config["UPLOAD_MAX_FILES"],
                           max_total_bytes=config["UPLOAD_MAX_TOTAL_BYTES"])
    if problem:
        raise ValidationFailed(problem.msgid, {"evidence": [problem]})
    for f in new:
        complaint.evidence.append(_evidence_row(f))
    if new:
        complaint.events.append(ComplaintEvent(kind="evidence_added", author="complainant",
                                               data={"files": len(new)}))
        audit.record("complaint.evidence_added", actor="complainant", subject_type="complaint",
                     subject_id=complaint.id, organisation_id=complaint.organisation_id,
                     new={"files": [f.sha256 for f in new]})
    commit()
    return len(new)


def update_consents(complaint: Complaint, changes: dict[str, bool]) -> dict[str, bool]:
    """Give or withdraw each consent. Allowed even after withdrawal or closure: a person can
    always take back a consent, and a withdrawal takes effect everywhere at once."""
    unknown = set(changes) - set(domain.CONSENT_NAMES)
    wrong = {k for k, v in changes.items() if not isinstance(v, bool)}
    if unknown or wrong:
        raise ValidationFailed(
            N_("Some answers need attention."),
            {f"consents.{k}": [N_("This must be true or false.")] for k in sorted(unknown | wrong)},
        )
    before = complaint.consents()
    if changes.get("contact") and not (complaint.contact_email or complaint.contact_phone):
        raise ValidationFailed(
            N_("Some answers need attention."),
            {"consents.contact": [N_("We have no email address or phone number to contact you.")]},
        )
    for name, value in changes.items():
        setattr(complaint, f"consent_{name}", value)
    after = complaint.consents()
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if changed:
        complaint.events.append(ComplaintEvent(kind="consent_changed", author="complainant",
                                               data=changed))
        audit.record("complaint.consent_changed", actor="complainant", subject_type="complaint",
                     subject_id=complaint.id, organisation_id=complaint.organisation_id,
                     old={k: before[k] for k in changed}, new=changed)
        # What a consent allowed stops now (a published story comes down, for one).
        signals.consents_changed.send(complaint, changed=changed)
    commit()
    return after


def withdraw_complaint(complaint: Complaint, reason: str | None = None) -> Complaint:
    """The complainant withdraws: the complaint is closed for good, the organisation is told
    through the timeline, and the complainant gets an email if they gave an address."""
    if complaint.state == "withdrawn":
        raise Conflict(N_("This complaint is already withdrawn."))
    _require_open(complaint)
    reason_text = domain.parse_message(reason, field_name="reason") if reason else None
    complaint.withdrawn_at = utcnow()
    complaint.events.append(ComplaintEvent(kind="withdrawn", author="complainant",
                                           body=reason_text))
    audit.record("complaint.withdrawn", actor="complainant", subject_type="complaint",
                 subject_id=complaint.id, organisation_id=complaint.organisation_id)
    # The case follows (casework moves its state and stops its clocks).
    signals.complaint_withdrawn.send(complaint, reason=reason_text)
    if complaint.contact_email:
        queue_email("complaint_withdrawn", to=complaint.contact_email,
                    locale=email_locale(complaint), reference=complaint.reference,
                    organisation_name=complaint.organisation.name)
    commit()
    return complaint


# --- staff, writing to the complainant --------------------------------------------------------


def tell_complainant(complaint: Complaint, kind: str, *, body: str | None = None,
                     data: dict | None = None, email: str | None = None) -> None:
    """A public line on the complainant's timeline from the organisation (in the caller's
    transaction), and an email about it if they agreed to be contacted. The email says
    that there is news, never what it is."""
    complaint.events.append(ComplaintEvent(kind=kind, author="staff", body=body, data=data or {}))
    if email and complaint.contact_email and complaint.consent_contact:
        queue_email(email, to=complaint.contact_email, locale=email_locale(complaint),
                    reference=complaint.reference, organisation_name=complaint.organisation.name)


def add_staff_message(complaint: Complaint, user, body) -> ComplaintEvent:
    """A caseworker writes to the complainant (web page or API)."""
    text = domain.parse_message(body)
    tell_complainant(complaint, "message", body=text, email="case_message")
    audit.record("complaint.staff_message", actor=f"user:{user.id}", subject_type="complaint",
                 subject_id=complaint.id, organisation_id=complaint.organisation_id)
    commit()
    return complaint.events[-1]


def complaint_for_staff(user, reference: str | None) -> Complaint:
    """A complaint handled by the user's organisation; NotFound for any other."""
    canonical = references.canonical_reference(reference)
    complaint = (db.session.scalar(select(Complaint).where(Complaint.reference == canonical))
                 if canonical else None)
    if complaint is None or user.organisation_id is None \
            or complaint.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such complaint."))
    return complaint


def record_staff_read(complaint: Complaint, user) -> None:
    """Staff read the whole complaint, contact details included: that is audited."""
    audit.record("complaint.contact_viewed", actor=f"user:{user.id}", subject_type="complaint",
                 subject_id=complaint.id, organisation_id=complaint.organisation_id)
    commit()
