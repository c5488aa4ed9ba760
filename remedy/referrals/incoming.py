"""What arrives from the other side of a referral (handlers of federation messages): an
offer becomes the receiver's record in its inbox; a step by the other side moves this
side's record, reaches the case, and in plain words the complainant's timeline."""

from datetime import date

from sqlalchemy import select

from remedy.accounts.models import Organisation
from remedy.cases.services import flag_attention
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.extensions import db
from remedy.intake.services import tell_complainant
from remedy.referrals import directory, domain, packets
from remedy.referrals.models import Authority, Referral, ReferralEvent
from remedy.referrals.services import INVALID, record_step

# What the complainant reads when the receiving authority takes a step (the sender's case).
TIMELINE = {"request_info": "referral_info_requested", "accept": "referral_accepted",
            "decline": "referral_declined", "conclude": "referral_concluded"}
# What puts the sending case in front of its caseworker again.
ATTENTION = {"request_info": "referral_info_requested", "accept": "referral_accepted",
             "decline": "referral_declined", "conclude": "referral_concluded"}


def _sender_entry(sender, from_: dict, receiver_id: int):
    """The directory entry of whoever sent an offer: the local organisation, or a remote
    authority the receiving organisation trusts with the signing key (named by slug when
    several share it). None if there is none: the offer is refused."""
    if sender.key_id == "local":
        directory.ensure_local_entries()
        return db.session.scalar(select(Authority).join(
            Organisation, Organisation.id == Authority.local_organisation_id).where(
            Organisation.slug == from_.get("slug")))
    entries = directory.authorities_with_key(sender.key_id, receiver_id)
    return next((e for e in entries if e.slug == from_.get("slug")), entries[0] if entries else None)


def receive_offer(payload: dict, sender) -> dict:
    packet = payload.get("packet")
    if not isinstance(packet, dict) or packet.get("format") != packets.FORMAT or not (
            isinstance(packet.get("uid"), str) and 1 <= len(packet["uid"]) <= 36) or not (
            isinstance(packet.get("to"), dict) and isinstance(packet.get("from"), dict)):
        raise ValidationFailed(INVALID, {"packet": [N_("Not a referral packet.")]})
    org = db.session.scalar(select(Organisation).where(
        Organisation.slug == packet["to"].get("slug")))
    if org is None:
        raise ValidationFailed(INVALID, {"to": [N_("There is no such organisation here.")]})
    existing = db.session.scalar(select(Referral).where(
        Referral.uid == packet["uid"], Referral.direction == "incoming"))
    if existing is not None:
        return {"uid": existing.uid, "state": existing.state}
    entry = _sender_entry(sender, packet["from"], org.id)
    if entry is None:  # signed by a key this organisation does not trust
        raise NotFound(N_("There is no such organisation here."))
    counterpart = {k: packet["from"].get(k) for k in ("name", "country", "slug")}
    # Replies go where the directory says the signing installation is, never where the
    # packet says (None: this installation).
    counterpart["base_url"] = entry.base_url if entry is not None and entry.is_remote else None
    referral = Referral(
        uid=packet["uid"], organisation_id=org.id, direction="incoming", authority=entry,
        counterpart=counterpart, state=domain.SENT, message=packet.get("message"),
        packet=packet, personal_data=packet.get("personal_data") == "included",
        reply_due=_date(packet.get("reply_due")), sent_at=utcnow())
    referral.events.append(ReferralEvent(action="send", side=domain.SENDER,
                                         text=packet.get("message"), actor="counterpart"))
    db.session.add(referral)
    db.session.flush()
    audit.record("referral.received", actor=f"federation:{sender.key_id}",
                 subject_type="referral", subject_id=referral.id, organisation_id=org.id)
    return {"uid": referral.uid, "state": referral.state}


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _party(referral: Referral, sender) -> bool:
    """Whether the sender of a step is the other party of this referral."""
    if referral.counterpart.get("base_url") is None:
        return sender.key_id == "local"
    entry = referral.authority
    return entry is not None and any(k.key_id == sender.key_id for k in entry.keys)


def receive_step(payload: dict, sender) -> dict:
    action, uid = payload.get("action"), payload.get("uid")
    step = domain.ACTIONS.get(action)
    if step is None or not isinstance(uid, str):
        raise ValidationFailed(INVALID, {"action": [N_("Unknown step.")]})
    # The other side's step moves the record of the opposite direction.
    direction = "outgoing" if step.side == domain.RECEIVER else "incoming"
    referral = db.session.scalar(select(Referral).where(Referral.uid == uid,
                                                        Referral.direction == direction))
    if referral is None or not _party(referral, sender):
        raise NotFound(N_("There is no such referral."))
    if not domain.arrives(action, referral.state):
        return {"uid": uid, "state": referral.state}  # already applied, or overtaken
    crossed = referral.state == domain.ACCEPTED  # a withdrawal after this side accepted
    text = payload.get("text") if isinstance(payload.get("text"), str) else None
    record_step(referral, action, step.side, (text or "")[:domain.MAX_TEXT] or None, "counterpart")
    case = referral.case
    if crossed and case is not None:
        # The sender withdrew while this side accepted: both end withdrawn, and the case
        # opened here is put in front of its caseworker.
        flag_attention(case, "referral_withdrawn")
    if direction == "outgoing" and case is not None:
        if action in ATTENTION:
            flag_attention(case, ATTENTION[action])
        if action in TIMELINE and case.complaint is not None:
            tell_complainant(case.complaint, TIMELINE[action],
                             body=text if action == "conclude" else None,
                             data={"authority": referral.counterpart.get("name"),
                                   "country": referral.counterpart.get("country")},
                             email="case_update")
    audit.record(f"referral.{action}", actor=f"federation:{sender.key_id}",
                 subject_type="referral", subject_id=referral.id,
                 organisation_id=referral.organisation_id)
    return {"uid": uid, "state": referral.state}


def receive_erasure(payload: dict, sender) -> dict:
    """The sender erased the complainant's data: so does the copy received here (and the
    title of a case opened from it)."""
    uid = payload.get("uid")
    referral = db.session.scalar(select(Referral).where(
        Referral.uid == uid, Referral.direction == "incoming")) if isinstance(uid, str) else None
    if referral is None or not _party(referral, sender):
        raise NotFound(N_("There is no such referral."))
    referral.packet = packets.erased(referral.packet)
    referral.personal_data = False
    if referral.case is not None:
        referral.case.summary_title = packets.ERASED
    audit.record("referral.erased", actor=f"federation:{sender.key_id}",
                 subject_type="referral", subject_id=referral.id,
                 organisation_id=referral.organisation_id)
    return {"uid": uid, "erased": True}
