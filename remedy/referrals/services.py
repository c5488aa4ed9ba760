"""Referrals between authorities: routing a case, sending it (with exactly the packet the
caseworker saw), and every later step on either side. Each step changes this side's record
and reaches the other side as a federation message (in-process when both are here)."""

import uuid
from collections import Counter
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from remedy.accounts.models import Organisation, User
from remedy.accounts.services import actor_of
from remedy.cases import clocks
from remedy.cases import domain as case_domain
from remedy.cases.models import Case
from remedy.collective import domain as collective_domain
from remedy.collective import services as collective_services
from remedy.core import audit
from remedy.core.db import as_id, utcnow
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import clean_text
from remedy.extensions import db
from remedy.federation import transport
from remedy.intake.services import tell_complainant
from remedy.jobs import commit
from remedy.referrals import directory, domain, packets, routing
from remedy.referrals.models import Authority, Referral, ReferralEvent

INVALID = N_("Some answers need attention.")
OFFER, STEP, ERASE = "referral.offer", "referral.step", "referral.erase"


# --- routing ----------------------------------------------------------------------------------


def _lead_complaint(case: Case):
    """The complaint whose facts route the case: its own, or for a collective claim the
    member complaint about the claim's most common deployer."""
    if case.complaint is not None or case.collective_claim is None:
        return case.complaint
    members = collective_services.member_complaints(case.collective_claim,
                                                   collective_domain.STAYING)
    if not members:
        return None
    deployers = Counter(c.deployer_id for c in members if c.deployer_id)
    common = deployers.most_common(1)[0][0] if deployers else None
    return next((c for c in members if c.deployer_id == common), members[0])


def case_facts(case: Case) -> routing.CaseFacts:
    complaint = _lead_complaint(case)
    if complaint is None:  # a referred case here, or a claim without members
        return routing.CaseFacts(complainant_country=case.complainant_country,
                                 sector=case.sector, has_respondent=False)
    respondent = complaint.deployer or complaint.provider
    return routing.CaseFacts(
        complainant_country=complaint.complainant_country, harm_country=complaint.harm_country,
        rights=tuple(complaint.rights_dimensions), sector=complaint.sector,
        language=complaint.language, has_respondent=respondent is not None,
        establishment=respondent.main_establishment_country if respondent else None,
        filer_establishment=complaint.deployer_country if complaint.deployer else None,
        public_authority=bool(respondent and respondent.is_public_authority))


def _facts(entry: Authority) -> routing.AuthorityFacts:
    return routing.AuthorityFacts(
        id=entry.id, name=entry.name, country=entry.country, org_type=entry.org_type,
        sectors=tuple(entry.sectors), rights=tuple(entry.rights_dimensions),
        languages=tuple(entry.languages), organisation_id=entry.local_organisation_id,
        reachable=entry.reachable)


def routing_for(user: User, case: Case) -> tuple[routing.Routing, dict[int, Authority]]:
    entries = {e.id: e for e in directory.entries(user.organisation_id)}
    senders = db.session.scalars(select(Referral.authority_id).where(
        Referral.case_id == case.id, Referral.direction == "incoming",
        Referral.authority_id.is_not(None))).all()
    result = routing.route(case_facts(case), [_facts(e) for e in entries.values()],
                           region=current_app.config["REFERRAL_REGION"],
                           own_organisation_id=user.organisation_id, senders=senders)
    return result, entries


# --- sending ----------------------------------------------------------------------------------


def _ourselves(org: Organisation) -> dict:
    return {"name": org.name, "country": org.country, "slug": org.slug,
            "base_url": current_app.config["BASE_URL"]}


def _address(entry: Authority) -> dict:
    slug = entry.local_organisation.slug if entry.local_organisation else entry.slug
    return {"name": entry.name, "country": entry.country, "slug": slug,
            "base_url": None if entry.local_organisation_id else entry.base_url}


def _destination(referral: Referral) -> str | None:
    """Where the other side is: None for this installation."""
    return referral.counterpart.get("base_url") or None


def prepare(user: User, case: Case, data: dict) -> tuple[Authority, str, dict, bool]:
    """(authority, message, packet, personal data?) as they would be sent now; ValidationFailed
    with every problem at once."""
    errors = {}
    entry = None
    try:
        entry = directory.authority(data.get("authority_id"), user.organisation_id)
    except NotFound:
        errors["authority_id"] = [N_("Choose an authority from the directory.")]
    if entry is not None and entry.local_organisation_id == user.organisation_id:
        errors["authority_id"] = [N_("This is your own organisation.")]
    elif entry is not None and not entry.reachable:
        errors["authority_id"] = [N_("This authority cannot receive referrals through Remedy: "
                                     "add its installation and key to the directory.")]
    message = clean_text(data.get("message") if isinstance(data.get("message"), str) else "")
    if not 10 <= len(message) <= domain.MAX_TEXT:
        errors["message"] = [N_("Write 10 to 5000 characters: what you ask of the authority.")]
    if case.state in case_domain.FINAL:
        errors["case"] = [N_("A closed case cannot be referred.")]
    if errors:
        raise ValidationFailed(INVALID, errors)
    uid = str(uuid.uuid4())
    reply_due = utcnow().date() + timedelta(days=current_app.config["REFERRAL_REPLY_DAYS"])
    packet, personal = packets.build(case, uid=uid, sender=_ourselves(user.organisation),
                                     receiver=_address(entry), message=message,
                                     reply_due=reply_due)
    return entry, message, packet, personal


def refer(user: User, case: Case, data: dict, *, draft: bool = False) -> Referral:
    """Send the case to an authority (or keep it as a draft to send later)."""
    if db.session.scalar(select(Referral.id).where(
            Referral.case_id == case.id, Referral.direction == "outgoing",
            Referral.state.in_(domain.OPEN_STATES | {domain.ACCEPTED, domain.DRAFT}))):
        raise Conflict(N_("This case is already referred; withdraw that referral first."))
    entry, message, packet, personal = prepare(user, case, data)
    referral = Referral(
        uid=packet["uid"], organisation_id=user.organisation_id, direction="outgoing",
        authority=entry, counterpart=packet["to"], case=case, state=domain.DRAFT,
        message=message, packet=packet, personal_data=personal, created_by_id=user.id)
    db.session.add(referral)
    db.session.flush()
    if draft:
        audit.record("referral.drafted", actor=actor_of(user), subject_type="case",
                     subject_id=case.id, organisation_id=user.organisation_id,
                     new={"referral": referral.id, "authority": entry.id})
        commit()
        return referral
    return _send(user, referral, packet, personal)


def _send(user: User, referral: Referral, packet: dict, personal: bool) -> Referral:
    """The packet is frozen as sent, the complainant's timeline says where their case went,
    the other side gets an offer."""
    entry, case = referral.authority, referral.case
    referral.packet, referral.personal_data = packet, personal
    referral.state, referral.sent_at = domain.SENT, utcnow()
    referral.reply_due = date.fromisoformat(packet["reply_due"])
    referral.events.append(ReferralEvent(action="send", side=domain.SENDER,
                                         text=referral.message, actor=actor_of(user)))
    transport.send(OFFER, {"packet": packet}, destination=_destination(referral),
                   organisation_id=user.organisation_id)
    _follow_to_referred(user, case, entry)
    if case.complaint is not None:
        tell_complainant(case.complaint, "referral_sent",
                         data={"authority": entry.name, "country": entry.country},
                         email="case_update")
    audit.record("referral.sent", actor=actor_of(user), subject_type="case", subject_id=case.id,
                 organisation_id=user.organisation_id,
                 new={"referral": referral.id, "authority": entry.id,
                      "personal_data": personal})
    commit()
    return referral


# The steps a case takes, as a caseworker would take them, to `referred` when a referral
# is sent: its state, its clocks and what the complainant reads agree with the referral.
_TO_REFERRED = {case_domain.RECEIVED: (case_domain.TRIAGE, case_domain.INVESTIGATING),
                case_domain.TRIAGE: (case_domain.INVESTIGATING,),
                case_domain.INVESTIGATING: ()}


def _follow_to_referred(user: User, case: Case, entry: Authority) -> None:
    """Cases waiting for the complainant or further on keep their state."""
    from remedy.cases.services import apply_transition

    if case.state not in _TO_REFERRED:
        return
    for step in _TO_REFERRED[case.state]:
        apply_transition(case, step, user=user, commit_now=False)
    # The reason the complainant reads: the authority's name (the timeline's line about the
    # referral names its country in the reader's language).
    apply_transition(case, case_domain.REFERRED, user=user, commit_now=False, reason=entry.name)


def send_draft(user: User, referral: Referral) -> Referral:
    """A draft goes as the case and the consent stand now (checked again, built again)."""
    if referral.direction != "outgoing" or referral.state != domain.DRAFT:
        raise ValidationFailed(INVALID, {"action": [N_("This step is not possible now.")]})
    _entry, _message, packet, personal = prepare(user, referral.case, {
        "authority_id": referral.authority_id, "message": referral.message})
    packet["uid"] = referral.uid
    return _send(user, referral, packet, personal)


# --- reading ----------------------------------------------------------------------------------


def referral_for(user: User, referral_id) -> Referral:
    """A referral this user's organisation is party to; NotFound for any other."""
    found = db.session.get(Referral, as_id(referral_id)) if as_id(referral_id) else None
    if found is None or user.organisation_id is None or found.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such referral."))
    return found


def referrals_of(user: User, *, direction: str | None = None, state: str | None = None,
                 page: int = 1, per_page: int = 20) -> tuple[list[Referral], int]:
    query = select(Referral).where(Referral.organisation_id == user.organisation_id)
    if direction in ("incoming", "outgoing"):
        query = query.where(Referral.direction == direction)
    if state in domain.STATES:
        query = query.where(Referral.state == state)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Referral.updated_at.desc(), Referral.id.desc())
                               .offset((page - 1) * per_page).limit(per_page)).all()
    return items, total


def referrals_of_case(case: Case) -> list[Referral]:
    return db.session.scalars(select(Referral).where(Referral.case_id == case.id)
                              .order_by(Referral.id.desc())).all()


# --- steps ------------------------------------------------------------------------------------


def record_step(referral: Referral, action: str, side: str, text: str | None, actor: str) -> None:
    step = domain.ACTIONS[action]
    referral.state = step.target
    if action == "decline":
        referral.decline_reason = text
    elif action == "conclude":
        referral.outcome = text
    referral.events.append(ReferralEvent(action=action, side=side, text=text, actor=actor))


def take_step(user: User, referral: Referral, action: str, text: str | None = None) -> Referral:
    """One step by this side (accept, decline, ask, answer, conclude, withdraw...)."""
    if action == "send":
        return send_draft(user, referral)
    text = clean_text(text) if isinstance(text, str) else text
    errors = domain.check_step(action, referral.direction, referral.state, text)
    if errors:
        raise ValidationFailed(INVALID, errors)
    never_sent = referral.state == domain.DRAFT
    record_step(referral, action, domain.side_of(referral.direction), text or None,
                actor_of(user))
    if action == "accept":
        _open_case(referral)
    if not never_sent:  # the other side knows nothing of a draft
        transport.send(STEP, {"uid": referral.uid, "action": action, "text": text or None},
                       destination=_destination(referral),
                       organisation_id=referral.organisation_id)
    audit.record(f"referral.{action}", actor=actor_of(user), subject_type="referral",
                 subject_id=referral.id, organisation_id=referral.organisation_id)
    commit()
    return referral


def _open_case(referral: Referral) -> Case:
    """Accepting opens a case here, linked to the referral (and so to its origin)."""
    part = referral.packet.get("case") or {}
    case = Case(organisation=referral.organisation, state=case_domain.RECEIVED,
                sector=part.get("sector"), complainant_country=part.get("complainant_country"),
                filer_type=part.get("filer_type"),
                rights_mask=case_domain.rights_mask(part.get("rights_dimensions") or []),
                summary_title=(part.get("title") or "")[:200] or None)
    db.session.add(case)
    clocks.advance(case, case_domain.RECEIVED, utcnow().date())
    db.session.flush()
    referral.case = case
    return case


# --- when the complainant withdraws or is erased ----------------------------------------------


def withdraw_for_complaint(case: Case) -> None:
    """The complainant withdrew: the case's referrals are withdrawn, and the authorities told
    (one that had accepted sees its case flagged); in the caller's transaction."""
    for referral in referrals_of_case(case):
        if referral.direction != "outgoing" or referral.state not in (
                domain.OPEN_STATES | {domain.DRAFT, domain.ACCEPTED}):
            continue
        told = referral.state != domain.DRAFT
        record_step(referral, "withdraw", domain.SENDER, None, "complainant")
        if told:
            transport.send(STEP, {"uid": referral.uid, "action": "withdraw", "text": None},
                           destination=_destination(referral),
                           organisation_id=referral.organisation_id)


def erase_for_complaint(case: Case) -> None:
    """Erasure reaches what was sent: the kept packet loses the complainant's words and
    identity, and every authority that received it is asked to do the same (GDPR Art. 19);
    in the caller's transaction."""
    for referral in referrals_of_case(case):
        if referral.direction != "outgoing":
            continue
        referral.packet = packets.erased(referral.packet)
        if referral.sent_at is not None:
            transport.send(ERASE, {"uid": referral.uid}, destination=_destination(referral),
                           organisation_id=referral.organisation_id)
