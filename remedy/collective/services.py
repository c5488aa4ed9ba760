"""Use-cases of collective claims: a caseworker confirms or rejects what the engine suggests,
starts a claim, invites members, marks duplicates; a complainant opts in or out. Every
function checks the actor's organisation and is one unit of work."""

from sqlalchemy import delete, or_, select, update

from remedy.accounts.models import User
from remedy.accounts.services import actor_of
from remedy.cases.models import Case
from remedy.cases.services import case_for, close_as_duplicate, open_claim_case
from remedy.collective import domain
from remedy.collective.matching import open_suggestions
from remedy.collective.models import (
    AggregationRun,
    ClaimMember,
    CollectiveClaim,
    ComplaintKey,
    ComplaintSignature,
    Suggestion,
)
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import clean_line
from remedy.extensions import db
from remedy.intake.models import Complaint, ComplaintEvent
from remedy.intake.services import tell_complainant
from remedy.jobs import commit, defer, defer_once

INVALID = N_("Some answers need attention.")


def claim_for(user: User, claim_id: int) -> CollectiveClaim:
    """The claim if it belongs to the user's organisation; NotFound otherwise."""
    claim = db.session.get(CollectiveClaim, claim_id)
    if claim is None or user.organisation_id is None or claim.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such collective claim."))
    return claim


def _own_complaint(user: User, complaint_id: int) -> Complaint:
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such case."))
    return complaint


def suggestions_for_case(user: User, case: Case) -> list[Suggestion]:
    """The engine's open suggestions for a case of the user's organisation, best first."""
    if case.complaint_id is None:
        return []
    return [s for s in open_suggestions(case.complaint_id)
            if s.organisation_id == user.organisation_id]


def describe(suggestion: Suggestion, complaint_id: int) -> dict:
    """A suggestion as a case page shows it: the claim, or the other complaint (whichever
    way round it was found)."""
    kind, target_id = suggestion.target.split(":")
    if kind == "claim":
        return {"suggestion": suggestion, "claim": db.session.get(CollectiveClaim, int(target_id)),
                "other": None}
    other_id = int(target_id) if suggestion.complaint_id == complaint_id else suggestion.complaint_id
    return {"suggestion": suggestion, "claim": None, "other": db.session.get(Complaint, other_id)}


def _suggestion(user: User, suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such suggestion."))
    if suggestion.status != "open":
        raise Conflict(N_("This suggestion was already decided."))
    return suggestion


def _decide(suggestion: Suggestion, user: User, status: str) -> None:
    suggestion.status, suggestion.decided_by_id, suggestion.decided_at = status, user.id, utcnow()
    audit.record(f"collective.suggestion_{status}", actor=actor_of(user),
                 subject_type="complaint", subject_id=suggestion.complaint_id,
                 organisation_id=suggestion.organisation_id,
                 new={"target": suggestion.target, "kind": suggestion.kind,
                      "score": suggestion.score})


def reject_suggestion(user: User, suggestion_id: int) -> Suggestion:
    """Not the same thing: this pair is never suggested again."""
    suggestion = _suggestion(user, suggestion_id)
    _decide(suggestion, user, "rejected")
    commit()
    return suggestion


def confirm_suggestion(user: User, suggestion_id: int, *, reason: str | None = None):
    """Accept a suggestion: join the claim; group the two complaints (into the other's claim,
    or a new claim); or close the newer complaint as a duplicate of the older.
    Returns the claim, or the closed case for a duplicate."""
    suggestion = _suggestion(user, suggestion_id)
    kind, target_id = suggestion.target.split(":")
    complaint = _own_complaint(user, suggestion.complaint_id)
    _decide(suggestion, user, "confirmed")
    if kind == "claim":
        claim = claim_for(user, int(target_id))
        _add_member(claim, complaint, actor_of(user), suggestion.score, suggestion.reasons)
        result = claim
    else:
        other = _own_complaint(user, int(target_id))
        if suggestion.kind == "duplicate":
            newer, older = sorted((complaint, other), key=lambda c: c.id, reverse=True)
            result = _close_duplicate(user, newer, older, reason)
        else:
            claim = _claim_of(other) or _claim_of(complaint) or _new_claim(user, other)
            for member in (other, complaint):
                _add_member(claim, member, actor_of(user), suggestion.score, suggestion.reasons)
            result = claim
    commit()
    return result


def _claim_of(complaint: Complaint) -> CollectiveClaim | None:
    return db.session.scalar(select(CollectiveClaim).join(ClaimMember).where(
        ClaimMember.complaint_id == complaint.id, ClaimMember.status != domain.WITHDRAWN)
        .order_by(CollectiveClaim.id).limit(1))


def _default_title(complaint: Complaint) -> str:
    signature = db.session.get(ComplaintSignature, complaint.id)
    system = complaint.ai_system.name if complaint.ai_system else complaint.ai_system_as_named
    return f"{system}: {signature.harm.replace('_', ' ')}" if signature and signature.harm else system


def _new_claim(user: User, first: Complaint, title: str | None = None,
               representative_name: str | None = None) -> CollectiveClaim:
    signature = db.session.get(ComplaintSignature, first.id)
    claim = CollectiveClaim(organisation_id=user.organisation_id,
                            title=(title or _default_title(first))[:200],
                            ai_system_id=first.ai_system_id, harm=signature.harm if signature else "",
                            representative_name=representative_name, created_by_id=user.id)
    db.session.add(claim)
    db.session.flush()
    open_claim_case(claim.id, user.organisation, sector=first.sector,
                    complainant_country=first.complainant_country,
                    rights=first.rights_dimensions)
    audit.record("collective.claim_created", actor=actor_of(user), subject_type="collective_claim",
                 subject_id=claim.id, organisation_id=claim.organisation_id,
                 new={"title": claim.title})
    return claim


def _add_member(claim: CollectiveClaim, complaint: Complaint, actor: str, score=None,
                reasons=None) -> ClaimMember:
    member = next((m for m in claim.members if m.complaint_id == complaint.id), None)
    if member is None:
        member = ClaimMember(complaint=complaint, status=domain.CONFIRMED, score=score,
                             reasons=reasons or [], added_by=actor)
        claim.members.append(member)
    elif member.status == domain.WITHDRAWN:
        member.status = domain.CONFIRMED
    if complaint.case is not None:
        complaint.case.member_of_claim_id = claim.id
    db.session.flush()
    audit.record("collective.member_confirmed", actor=actor, subject_type="collective_claim",
                 subject_id=claim.id, organisation_id=claim.organisation_id,
                 new={"complaint": complaint.id})
    _rematch_later(claim)
    return member


def _rematch_later(claim: CollectiveClaim) -> None:
    """Once committed, complaints about the claim's AI system are matched again (once per
    transaction)."""
    from remedy.collective.jobs import rematch_system

    defer_once(rematch_system, claim.organisation_id, claim.ai_system_id, queue="default")


def create_claim(user: User, complaint_ids: list[int], *, title: str | None = None,
                 representative_name: str | None = None) -> CollectiveClaim:
    """A caseworker starts a claim from one or more of the organisation's complaints."""
    complaints = [_own_complaint(user, i) for i in dict.fromkeys(complaint_ids)]
    if not complaints:
        raise ValidationFailed(INVALID, {"complaints": [N_("Choose at least one complaint.")]})
    title = clean_line(title or "") or None
    if title and not 3 <= len(title) <= 200:
        raise ValidationFailed(INVALID, {"title": [N_("Write 3 to 200 characters.")]})
    claim = _new_claim(user, complaints[0], title, clean_line(representative_name or "") or None)
    for complaint in complaints:
        _add_member(claim, complaint, actor_of(user))
    commit()
    return claim


def update_claim(user: User, claim: CollectiveClaim, *, title: str,
                 representative_name: str | None) -> CollectiveClaim:
    title = clean_line(title or "")
    if not 3 <= len(title) <= 200:
        raise ValidationFailed(INVALID, {"title": [N_("Write 3 to 200 characters.")]})
    claim.title = title
    claim.representative_name = clean_line(representative_name or "")[:200] or None
    audit.record("collective.claim_updated", actor=actor_of(user), subject_type="collective_claim",
                 subject_id=claim.id, organisation_id=claim.organisation_id,
                 new={"title": title, "representative": claim.representative_name})
    commit()
    return claim


# --- members ------------------------------------------------------------------------------


def _member(claim: CollectiveClaim, member_id: int) -> ClaimMember:
    member = next((m for m in claim.members if m.id == member_id), None)
    if member is None:
        raise NotFound(N_("There is no such member."))
    return member


def _step(member: ClaimMember, target: str, actor_kind: str) -> None:
    if not domain.member_step_allowed(member.status, target, actor_kind):
        raise Conflict(N_("This member cannot move to that status now."))
    member.status = target


def invite_members(user: User, claim: CollectiveClaim, member_ids: list[int]) -> int:
    """Ask the complainants of confirmed members to join (tracking page, and email if they
    agreed to be contacted). Returns how many were invited."""
    invited = 0
    for member in claim.members:
        if member.id in member_ids and member.status == domain.CONFIRMED:
            _step(member, domain.INVITED, "staff")
            tell_complainant(member.complaint, "claim_invitation",
                             data={"claim": claim.id, "member": member.id}, email="case_update")
            audit.record("collective.member_invited", actor=actor_of(user),
                         subject_type="collective_claim", subject_id=claim.id,
                         organisation_id=claim.organisation_id,
                         new={"complaint": member.complaint_id})
            invited += 1
    commit()
    return invited


def withdraw_member(user: User, claim: CollectiveClaim, member_id: int) -> ClaimMember:
    """A caseworker takes a complaint out of the claim (it was not the same after all)."""
    member = _member(claim, member_id)
    _step(member, domain.WITHDRAWN, "staff")
    case = member.complaint.case
    if case is not None and case.member_of_claim_id == claim.id:
        case.member_of_claim_id = None
    audit.record("collective.member_withdrawn", actor=actor_of(user),
                 subject_type="collective_claim", subject_id=claim.id,
                 organisation_id=claim.organisation_id, new={"complaint": member.complaint_id})
    commit()
    return member


def invitations_for(complaint: Complaint) -> list[ClaimMember]:
    """The claims this complainant was invited to (or answered), for the tracking page."""
    return db.session.scalars(select(ClaimMember).where(
        ClaimMember.complaint_id == complaint.id,
        ClaimMember.status.in_((domain.INVITED, domain.OPTED_IN, domain.OPTED_OUT)))
        .order_by(ClaimMember.id)).all()


def answer_invitation(complaint: Complaint, member_id: int, join: bool) -> ClaimMember:
    """The complainant joins the claim (consent to their details being used in it) or
    declines; they can change their mind. Recorded on their timeline and in the audit."""
    member = next((m for m in invitations_for(complaint) if m.id == member_id), None)
    if member is None:
        raise NotFound(N_("There is no such invitation."))
    target = domain.OPTED_IN if join else domain.OPTED_OUT
    if member.status != target:
        _step(member, target, "complainant")
        complaint.events.append(ComplaintEvent(
            kind="claim_opt_in" if join else "claim_opt_out", author="complainant",
            data={"claim": member.claim_id}))
        audit.record("collective.member_opted_in" if join else "collective.member_opted_out",
                     actor="complainant", subject_type="collective_claim",
                     subject_id=member.claim_id, organisation_id=complaint.organisation_id,
                     new={"complaint": complaint.id})
    commit()
    return member


def withdraw_from_claims(complaint: Complaint) -> None:
    """A withdrawn complaint leaves its claims (in the caller's transaction)."""
    for member in db.session.scalars(select(ClaimMember).where(
            ClaimMember.complaint_id == complaint.id, ClaimMember.status != domain.WITHDRAWN)):
        member.status = domain.WITHDRAWN


def forget_complaint(complaint: Complaint) -> None:
    """Erasure: the complaint's signature, blocking keys and open suggestions are deleted
    (decisions stay, so that a rejected pair is not suggested again); in the caller's
    transaction."""
    db.session.execute(delete(ComplaintKey).where(ComplaintKey.complaint_id == complaint.id))
    db.session.execute(delete(ComplaintSignature).where(
        ComplaintSignature.complaint_id == complaint.id))
    db.session.execute(delete(Suggestion).where(Suggestion.status == "open", or_(
        Suggestion.complaint_id == complaint.id,
        Suggestion.target == f"complaint:{complaint.id}")))


def member_complaints(claim: CollectiveClaim, statuses) -> list[Complaint]:
    """The complaints of the claim's members with these statuses, in one statement."""
    return db.session.scalars(select(Complaint).join(
        ClaimMember, ClaimMember.complaint_id == Complaint.id).where(
        ClaimMember.claim_id == claim.id, ClaimMember.status.in_(statuses))
        .order_by(ClaimMember.id)).all()


def indicators(claim: CollectiveClaim) -> domain.Indicators:
    counted = member_complaints(claim, domain.COUNTED)
    return domain.indicators([domain.MemberFacts(
        filer_type=c.filer_type, group_size=c.group_size,
        complainant_country=c.complainant_country, harm_country=c.harm_country,
        date_of_harm=c.date_of_harm, received_on=c.received_at.date(), sector=c.sector,
        grounds=tuple(c.grounds or ()), narrative=c.narrative) for c in counted])


def claims_of(user: User) -> list[CollectiveClaim]:
    return db.session.scalars(select(CollectiveClaim).where(
        CollectiveClaim.organisation_id == user.organisation_id)
        .order_by(CollectiveClaim.id.desc())).all()


# --- duplicates ---------------------------------------------------------------------------


def _close_duplicate(user: User, newer: Complaint, older: Complaint, reason: str | None) -> Case:
    if newer.case is None or older.case is None:
        raise NotFound(N_("There is no such case."))
    text = reason or f"{older.reference}"
    close_as_duplicate(newer.case, older.case, user, reason=text)
    tell_complainant(newer, "duplicate_closed", data={"original": older.reference})
    withdraw_from_claims(newer)
    audit.record("collective.duplicate_marked", actor=actor_of(user), subject_type="case",
                 subject_id=newer.case.id, organisation_id=newer.organisation_id,
                 new={"duplicate_of": older.case.id})
    return newer.case


def mark_duplicate(user: User, case: Case, original_case_id: int, reason: str | None = None) -> Case:
    """A caseworker closes a case as the same person's complaint filed again."""
    original = case_for(user, original_case_id)
    if original.id == case.id or case.complaint is None or original.complaint is None:
        raise ValidationFailed(INVALID, {"original": [N_("Choose another case of the same person.")]})
    result = _close_duplicate(user, case.complaint, original.complaint, reason)
    commit()
    return result


# --- registry and runs --------------------------------------------------------------------


def refresh_registry_links(kind: str, source_id: int, target_id: int | None = None,
                           new_id: int | None = None) -> None:
    """After a registry merge or split: signatures (and, for a merged AI system, claims)
    point where the complaints point now (in the caller's transaction)."""
    ids = [i for i in (source_id, target_id, new_id) if i is not None]
    columns = {"respondent": ("deployer_id", "provider_id"), "ai_system": ("ai_system_id",)}[kind]
    for column in columns:
        db.session.execute(
            update(ComplaintSignature).where(getattr(ComplaintSignature, column).in_(ids))
            .values({column: select(getattr(Complaint, column)).where(
                Complaint.id == ComplaintSignature.complaint_id).scalar_subquery()}))
    if kind == "ai_system" and target_id is not None:
        db.session.execute(update(CollectiveClaim).where(CollectiveClaim.ai_system_id == source_id)
                           .values(ai_system_id=target_id))
    # Claims' kept signatures name registry entries too: computed again when next matched.
    db.session.execute(update(CollectiveClaim).values(signature=None))


def start_aggregation(user: User | None, organisation_id: int | None) -> AggregationRun:
    """Queue a run of the whole aggregation; its page shows progress."""
    from remedy.collective.jobs import run_aggregation

    run = AggregationRun(organisation_id=organisation_id,
                         requested_by_id=user.id if user else None)
    db.session.add(run)
    db.session.flush()
    audit.record("collective.aggregation_started", actor=actor_of(user),
                 subject_type="aggregation_run", subject_id=run.id,
                 organisation_id=organisation_id)
    defer(run_aggregation, run.id, queue="default")
    commit()
    return run


def recent_runs(user: User, limit: int = 5) -> list[AggregationRun]:
    return db.session.scalars(select(AggregationRun).where(
        AggregationRun.organisation_id == user.organisation_id)
        .order_by(AggregationRun.id.desc()).limit(limit)).all()


def case_by_reference(user: User, reference: str | None) -> Case:
    """The case of one of the organisation's complaints, by the complaint's reference."""
    complaint = db.session.scalar(select(Complaint).where(
        Complaint.reference == (reference or "").strip().upper(),
        Complaint.organisation_id == user.organisation_id))
    if complaint is None or complaint.case is None:
        raise ValidationFailed(INVALID, {"original": [
            N_("There is no complaint with this reference in your organisation.")]})
    return complaint.case


def run_for(user: User, run_id: int) -> AggregationRun:
    run = db.session.get(AggregationRun, run_id)
    if run is None or run.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such run."))
    return run

