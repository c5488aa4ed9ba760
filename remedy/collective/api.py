"""The JSON API of collective claims: a case's suggestions (with scores and reasons), claims
and their members, and deciding a suggestion. Staff tokens; another organisation's objects
are 404s."""

from flask import g, jsonify
from sqlalchemy import func, select

from remedy.accounts.auth import api_staff
from remedy.api import bp, page_args
from remedy.cases import services as case_services
from remedy.collective import domain, services
from remedy.collective.models import ClaimMember, CollectiveClaim, Suggestion
from remedy.collective.wording import reason_text
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.intake.serializers import iso


def suggestion_json(suggestion: Suggestion, case_complaint_id: int) -> dict:
    kind, target_id = suggestion.target.split(":")
    target_id = int(target_id)
    if kind == "complaint" and target_id == case_complaint_id:
        target_id = suggestion.complaint_id  # found the other way round
    if kind == "claim":
        claim = db.session.get(CollectiveClaim, target_id)
        target = {"type": "collective_claim", "id": target_id,
                  "title": claim.title if claim else None}
    else:
        other = db.session.get(Complaint, target_id)
        target = {"type": "complaint", "reference": other.reference if other else None,
                  "case_id": other.case.id if other and other.case else None}
    return {"id": suggestion.id, "kind": suggestion.kind, "score": suggestion.score,
            "target": target,
            "reasons": [{**r, "text": reason_text(r)} for r in suggestion.reasons]}


@bp.get("/cases/<int:case_id>/collective-suggestions")
@api_staff()
def collective_suggestions(case_id):
    case = case_services.case_for(g.api_user, case_id)
    items = [suggestion_json(s, case.complaint_id)
             for s in services.suggestions_for_case(g.api_user, case)]
    return jsonify({"items": items, "page": 1, "per_page": max(len(items), 1),
                    "total": len(items)})


@bp.post("/collective-suggestions/<int:suggestion_id>/<any(confirm, reject):decision>")
@api_staff()
def decide_suggestion(suggestion_id, decision):
    if decision == "reject":
        suggestion = services.reject_suggestion(g.api_user, suggestion_id)
        return jsonify({"id": suggestion.id, "status": suggestion.status})
    result = services.confirm_suggestion(g.api_user, suggestion_id)
    if isinstance(result, CollectiveClaim):
        return jsonify({"status": "confirmed", "collective_claim": claim_json(result)})
    return jsonify({"status": "confirmed", "duplicate_case": {"id": result.id,
                                                               "state": result.state}})


def member_json(member: ClaimMember) -> dict:
    """A member; its complaint's details only once its complainant has joined."""
    complaint = member.complaint
    body = {"id": member.id, "status": member.status, "score": member.score,
            "reasons": [{**r, "text": reason_text(r)} for r in member.reasons],
            "complainant_country": complaint.complainant_country, "sector": complaint.sector,
            "filer_type": complaint.filer_type, "affected_people": (
                complaint.group_size if complaint.group_size and complaint.group_size > 1 else 1)}
    if member.status == domain.OPTED_IN:
        body["complaint"] = {"reference": complaint.reference, "title": complaint.title,
                             "case_id": complaint.case.id if complaint.case else None}
    return body


def claim_json(claim: CollectiveClaim, *, with_members: bool = False) -> dict:
    found = services.indicators(claim)
    body = {
        "id": claim.id, "title": claim.title,
        "ai_system": ({"id": claim.ai_system_id} if claim.ai_system_id else None),
        "harm": claim.harm or None,
        "representative": claim.representative_name,
        "case": ({"id": claim.case.id, "state": claim.case.state} if claim.case else None),
        "created_at": iso(claim.created_at),
        "indicators": {"complaints": found.complaints, "affected_people": found.affected_people,
                       "countries": list(found.countries), "first_on": iso(found.first_on),
                       "last_on": iso(found.last_on), "span_days": found.span_days,
                       "sectors": list(found.sectors),
                       "vulnerable_groups": found.vulnerable_groups},
        "members_by_status": {s: sum(1 for m in claim.members if m.status == s)
                              for s in domain.MEMBER_STATUSES},
    }
    if with_members:
        body["members"] = [member_json(m) for m in claim.members]
    return body


@bp.get("/collective-claims")
@api_staff()
def list_claims():
    page, per_page = page_args()
    query = select(CollectiveClaim).where(
        CollectiveClaim.organisation_id == g.api_user.organisation_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    claims = db.session.scalars(query.order_by(CollectiveClaim.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify({"items": [claim_json(c) for c in claims], "page": page,
                    "per_page": per_page, "total": total})


@bp.get("/collective-claims/<int:claim_id>")
@api_staff()
def read_claim(claim_id):
    return jsonify(claim_json(services.claim_for(g.api_user, claim_id), with_members=True))
