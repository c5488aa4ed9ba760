"""The JSON shapes of a complaint as its complainant sees it."""

from remedy.intake.models import Complaint, ComplaintEvent


def iso(value):
    return value.isoformat() if value else None


def event_json(event: ComplaintEvent) -> dict:
    return {
        "at": iso(event.created_at),
        "kind": event.kind,
        "author": event.author,
        "body": event.body,
        "data": event.data or {},
    }


# Other features add to a complaint's JSON: functions complaint -> dict, registered at
# start-up (the respondent's answers, for instance).
COMPLAINT_SECTIONS = []


def complaint_json(complaint: Complaint) -> dict:
    body = {
        "reference": complaint.reference,
        "state": complaint.state,
        "received_at": iso(complaint.received_at),
        "withdrawn_at": iso(complaint.withdrawn_at),
        "organisation": {"slug": complaint.organisation.slug, "name": complaint.organisation.name},
        "filer_type": complaint.filer_type,
        "title": complaint.title,
        "narrative": complaint.narrative,
        "language": complaint.language,
        "complainant_country": complaint.complainant_country,
        "harm_country": complaint.harm_country,
        "ai_system": complaint.ai_system_as_named,
        "deployer": complaint.deployer_as_named,
        "provider": complaint.provider_as_named,
        "deployer_country": complaint.deployer_country,
        "sector": complaint.sector,
        "rights_dimensions": complaint.rights_dimensions,
        "other_rights": complaint.other_rights,
        "grounds": complaint.grounds,
        "remedies_sought": complaint.remedies_sought,
        "date_of_harm": iso(complaint.date_of_harm),
        "group_size": complaint.group_size,
        "co_complainants": [{"name": p.name, "email": p.email} for p in complaint.co_complainants],
        "mandate": (
            {"organisation_name": complaint.mandate_organisation_name,
             "basis": complaint.mandate_basis}
            if complaint.mandate_organisation_name else None
        ),
        "contact": (
            {"name": complaint.contact_name, "email": complaint.contact_email,
             "phone": complaint.contact_phone,
             "preferred_language": complaint.contact_language}
            if any((complaint.contact_name, complaint.contact_email, complaint.contact_phone))
            else None
        ),
        "consents": complaint.consents(),
        "evidence": [
            {"name": e.display_name, "media_type": e.media_type, "size": e.size,
             "sha256": e.sha256, "added_at": iso(e.added_at)}
            for e in complaint.evidence
        ],
        "timeline": [event_json(e) for e in complaint.events if e.public],
    }
    for section in COMPLAINT_SECTIONS:
        body.update(section(complaint))
    return body
