"""What crosses to the receiving authority: the packet of a case or of a collective claim,
with personal data only when the complainant consented to cross-border sharing, and
pseudonymised (and saying so) otherwise. Built once and kept exactly as sent."""

from flask import current_app

from remedy.cases.models import Case
from remedy.collective import domain as collective_domain
from remedy.collective import services as collective_services
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.referrals import domain
from remedy.registry.models import AISystem

FORMAT = "remedy-referral/1"
WITHHELD = "[withheld]"
ERASED = "[erased]"


def _respondent(entry, as_named: str | None) -> dict | None:
    if entry is None and not as_named:
        return None
    return {"name": entry.name if entry else None, "as_named": as_named,
            "main_establishment_country": entry.main_establishment_country if entry else None,
            "is_public_authority": bool(entry.is_public_authority) if entry else False}


def _complainant(complaint: Complaint, consented: bool) -> dict:
    if consented:
        return {"name": complaint.contact_name, "email": complaint.contact_email,
                "phone": complaint.contact_phone,
                "preferred_language": complaint.contact_language,
                "co_complainants": [{"name": p.name, "email": p.email}
                                    for p in complaint.co_complainants]}
    # The same for every referral of this complaint (and in the preview): keyed by the
    # installation's secret, so that it cannot be traced back to the complaint.
    return {"pseudonym": domain.pseudonym(f"{current_app.config['SECRET_KEY']}:{complaint.id}")}


def _complaint_part(complaint: Complaint, consented: bool) -> dict:
    names = [complaint.contact_name or ""] + [p.name for p in complaint.co_complainants]
    narrative = complaint.narrative if consented else domain.scrub(
        complaint.narrative, names, WITHHELD)
    title = complaint.title if consented else domain.scrub(complaint.title, names, WITHHELD)
    return {
        "title": title, "narrative": narrative, "language": complaint.language,
        "filer_type": complaint.filer_type, "group_size": complaint.group_size,
        "sector": complaint.sector, "rights_dimensions": list(complaint.rights_dimensions),
        "other_rights": list(complaint.other_rights) if consented else [
            domain.scrub(r, names, WITHHELD) for r in complaint.other_rights],
        "grounds": list(complaint.grounds),
        "remedies_sought": list(complaint.remedies_sought),
        "complainant_country": complaint.complainant_country,
        "harm_country": complaint.harm_country,
        "date_of_harm": complaint.date_of_harm.isoformat() if complaint.date_of_harm else None,
        "received_on": complaint.received_at.date().isoformat(),
        "ai_system": {"name": complaint.ai_system.name if complaint.ai_system else None,
                      "as_named": complaint.ai_system_as_named},
        "deployer": _respondent(complaint.deployer, complaint.deployer_as_named),
        "provider": _respondent(complaint.provider, complaint.provider_as_named),
        "evidence_files": len(complaint.evidence),
    }


def _claim_part(case: Case) -> dict:
    claim = case.collective_claim
    figures = collective_services.indicators(claim)
    system = db.session.get(AISystem, claim.ai_system_id) if claim.ai_system_id else None
    return {
        "title": claim.title, "narrative": None, "language": None,
        "filer_type": "collective_claim", "sector": case.sector,
        "rights_dimensions": sorted({r for c in collective_services.member_complaints(
            claim, collective_domain.STAYING) for r in c.rights_dimensions}),
        "complainant_country": case.complainant_country,
        "ai_system": {"name": system.name if system else None, "as_named": None},
        "representative": claim.representative_name or (
            claim.representative_organisation.name if claim.representative_organisation else None),
        "indicators": {"complaints": figures.complaints, "people": figures.affected_people,
                       "countries": list(figures.countries), "sectors": list(figures.sectors),
                       "first": figures.first_on.isoformat() if figures.first_on else None,
                       "last": figures.last_on.isoformat() if figures.last_on else None,
                       "vulnerable_groups": figures.vulnerable_groups},
    }


def build(case: Case, *, uid: str, sender: dict, receiver: dict, message: str,
          reply_due) -> tuple[dict, bool]:
    """(the packet, whether it holds personal data)."""
    complaint = case.complaint
    consented = bool(complaint is not None and complaint.consent_share_across_borders)
    packet = {
        "format": FORMAT, "uid": uid, "from": sender, "to": receiver, "message": message,
        "reply_due": reply_due.isoformat() if reply_due else None,
        "subject": "case" if complaint is not None else "collective_claim",
        "personal_data": "included" if consented else "withheld",
        "case": _complaint_part(complaint, consented) if complaint is not None else _claim_part(case),
        "complainant": _complainant(complaint, consented) if complaint is not None else None,
    }
    return packet, consented


def erased(packet: dict) -> dict:
    """The packet without the complainant's words and identity (after an erasure): what
    stays is what statistics and the authorities' own records need."""
    erased_packet = {**packet, "personal_data": "withheld"}
    if packet.get("complainant") is not None:
        erased_packet["complainant"] = {"pseudonym": ERASED}
    part = dict(packet.get("case") or {})
    for name in ("title", "narrative"):
        if part.get(name):
            part[name] = ERASED
    if part.get("other_rights"):
        part["other_rights"] = []
    erased_packet["case"] = part
    return erased_packet
