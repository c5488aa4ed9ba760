"""The JSON API of referrals: a case's routing, sending a referral, the referrals of the
organisation (incoming and outgoing), one referral, and its steps; the directory. Staff
tokens; a referral the organisation is not party to is a 404."""

from flask import g, jsonify, request

from remedy.accounts.auth import api_staff
from remedy.accounts.domain import ORG_ADMIN
from remedy.api import bp, idempotent, json_body, page_args
from remedy.cases import services as case_services
from remedy.core.db import as_id
from remedy.core.errors import ValidationFailed
from remedy.core.messages import N_
from remedy.intake.serializers import iso
from remedy.referrals import directory, domain, services
from remedy.referrals.wording import reason_text


def _reason_json(reason) -> dict:
    return {"code": reason.code, **reason.values, "text": reason_text(reason)}


def authority_json(entry) -> dict:
    return {"id": entry.id, "name": entry.name, "country": entry.country,
            "type": entry.org_type, "sectors": list(entry.sectors),
            "rights_dimensions": list(entry.rights_dimensions), "languages": list(entry.languages),
            "local": entry.local_organisation_id is not None, "base_url": entry.base_url,
            "reachable": entry.reachable}


@bp.get("/cases/<int:case_id>/routing")
@api_staff()
def case_routing(case_id):
    case = case_services.case_for(g.api_user, case_id)
    result, entries = services.routing_for(g.api_user, case)
    return jsonify({
        "decided": result.decided,
        "lead_countries": [{"country": c, "reason": _reason_json(r)} for c, r in result.lead],
        "notes": [_reason_json(n) for n in result.notes],
        "items": [{"authority": authority_json(entries[c.authority_id]), "score": c.score,
                   "recommended": result.recommended is c, "reachable": c.reachable,
                   "reasons": [_reason_json(r) for r in c.reasons]} for c in result.candidates],
    })


def referral_json(referral, *, full: bool = False) -> dict:
    body = {
        "id": referral.id, "uid": referral.uid, "direction": referral.direction,
        "state": referral.state, "counterpart": referral.counterpart,
        "case_id": referral.case_id, "message": referral.message,
        "personal_data": referral.personal_data, "reply_due": iso(referral.reply_due),
        "decline_reason": referral.decline_reason, "outcome": referral.outcome,
        "sent_at": iso(referral.sent_at), "updated_at": iso(referral.updated_at),
        "allowed_actions": domain.allowed_actions(referral.direction, referral.state),
    }
    if full:
        body["packet"] = referral.packet
        body["events"] = [{"action": e.action, "side": e.side, "text": e.text,
                           "at": iso(e.created_at)} for e in referral.events]
    return body


@bp.post("/referrals")
@api_staff()
def create_referral():
    """`{"case_id", "authority_id", "message", "draft"}`: sent at once, or with `"draft":
    true` kept to send later (step `send`); `?preview=1` returns the packet unsent."""
    data = json_body()
    if as_id(data.get("case_id")) is None:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"case_id": [N_("Give the id of one of your cases.")]})
    case = case_services.case_for(g.api_user, data.get("case_id"))
    if request.args.get("preview") == "1":
        entry, _message, packet, personal = services.prepare(g.api_user, case, data)
        return jsonify({"authority": authority_json(entry), "packet": packet,
                        "personal_data": personal})

    def make():
        return referral_json(services.refer(g.api_user, case, data,
                                            draft=data.get("draft") is True), full=True), 201

    return idempotent(f"referral:{g.api_user.id}", make)


@bp.get("/referrals")
@api_staff()
def list_referrals():
    page, per_page = page_args()
    items, total = services.referrals_of(g.api_user, direction=request.args.get("direction"),
                                         state=request.args.get("state"), page=page,
                                         per_page=per_page)
    return jsonify({"items": [referral_json(r) for r in items], "page": page,
                    "per_page": per_page, "total": total})


@bp.get("/referrals/<int:referral_id>")
@api_staff()
def read_referral(referral_id):
    return jsonify(referral_json(services.referral_for(g.api_user, referral_id), full=True))


@bp.post("/referrals/<int:referral_id>/steps")
@api_staff()
def referral_step(referral_id):
    """`{"action": "send|acknowledge|request_info|answer|accept|decline|conclude|withdraw",
    "text"}`."""
    data = json_body()
    found = services.referral_for(g.api_user, referral_id)
    action = data.get("action") if isinstance(data.get("action"), str) else ""
    services.take_step(g.api_user, found, action, data.get("text"))
    return jsonify(referral_json(found, full=True))


@bp.get("/directory")
@api_staff()
def list_directory():
    return jsonify({"items": [authority_json(e)
                              for e in directory.entries(g.api_user.organisation_id)]})


@bp.post("/directory")
@api_staff(ORG_ADMIN)
def import_directory():
    """A list of entries in the format of `remedy directory-import`: added or updated."""
    data = request.get_json(silent=True)
    added, updated = directory.import_entries(data, actor=f"user:{g.api_user.id}",
                                              owner_id=g.api_user.organisation_id)
    return jsonify({"added": added, "updated": updated})
