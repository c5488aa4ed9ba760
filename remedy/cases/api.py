"""The staff JSON API for cases: the queue, one case, and workflow transitions. A token sees
exactly what its user sees in the pages; another organisation's case is a 404."""

from flask import g, jsonify, request

from remedy.accounts.auth import api_staff
from remedy.api import bp, json_body
from remedy.cases import domain, queries, services
from remedy.cases.models import Case
from remedy.intake.serializers import event_json, iso


def _entry(entity):
    return {"id": entity.id, "name": entity.name} if entity is not None else None


def case_summary(case: Case) -> dict:
    complaint = case.complaint
    return {
        "id": case.id,
        "reference": complaint.reference if complaint else None,
        "title": complaint.title if complaint else case.summary_title,
        "state": case.state,
        "priority": case.priority,
        "assignee": ({"id": case.assignee.id, "email": case.assignee.email}
                     if case.assignee else None),
        "opened_at": iso(case.opened_at),
        "next_due_on": iso(case.next_due_on),
        "pending_state": case.pending_state,
        "attention": ({"reason": case.attention_reason, "since": iso(case.attention_since)}
                      if case.attention_reason else None),
        "respondent_due_on": iso(case.respondent_due_on),
        "sector": complaint.sector if complaint else None,
        "rights_dimensions": complaint.rights_dimensions if complaint else [],
        "complainant_country": complaint.complainant_country if complaint else None,
        "filer_type": complaint.filer_type if complaint else None,
    }


def case_detail(case: Case) -> dict:
    complaint = case.complaint
    detail = case_summary(case)
    detail.update({
        "complaints": [{
            "reference": complaint.reference,
            "title": complaint.title,
            "narrative": complaint.narrative,
            "language": complaint.language,
            "ai_system_as_named": complaint.ai_system_as_named,
            "deployer_as_named": complaint.deployer_as_named,
            "provider_as_named": complaint.provider_as_named,
            "evidence": [{"id": e.id, "name": e.display_name, "media_type": e.media_type,
                          "size": e.size} for e in complaint.evidence],
        }] if complaint else [],
        "respondent": _entry(complaint.deployer) if complaint else None,
        "provider": _entry(complaint.provider) if complaint else None,
        "ai_system": _entry(complaint.ai_system) if complaint else None,
        "deadlines": [{"name": c.name, "started_on": iso(c.started_on), "due_on": iso(c.due_on),
                       "paused_since": iso(c.paused_since), "stopped_on": iso(c.stopped_on)}
                      for c in case.clocks],
        "allowed_transitions": domain.allowed_targets(case.state, domain.STAFF, g.api_user.role),
        "decisions": [{"from": d.from_state, "to": d.to_state, "reason": d.reason,
                       "at": iso(d.created_at)} for d in case.decisions],
        "timeline": [event_json(e) for e in complaint.events] if complaint else [],
        "notes": [{"body": n.body, "author": n.author.email if n.author else None,
                   "at": iso(n.created_at)} for n in case.notes],
        "remedies": [{"id": r.id, "type": r.remedy_type, "status": r.status,
                      "due_on": iso(r.due_on), "follow_up": r.follow_up,
                      "offered_by": r.offered_by,
                      "complainant_says_done": r.complainant_says_done} for r in case.remedies],
    })
    return detail


@bp.get("/cases")
@api_staff()
def list_cases():
    filters = queries.parse_filters(request.args)
    page = queries.queue(g.api_user, filters)
    body = {"items": [case_summary(c) for c in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total}
    if page.total_capped:
        body["total_capped"] = True  # a text search counts up to queries.SEARCH_COUNT_CAP
    return jsonify(body)


@bp.get("/cases/<int:case_id>")
@api_staff()
def read_case(case_id):
    return jsonify(case_detail(services.case_for(g.api_user, case_id)))


@bp.post("/cases/<int:case_id>/transitions")
@api_staff()
def transition_case(case_id):
    case = services.case_for(g.api_user, case_id)
    data = json_body()
    services.apply_transition(case, str(data.get("to", "")), user=g.api_user,
                              reason=data.get("reason") if isinstance(data.get("reason"), str) else None,
                              other_bodies=data.get("other_bodies")
                              if isinstance(data.get("other_bodies"), str) else None)
    return jsonify(case_detail(case))
