"""The registry through the staff API: search respondents, correct one."""

from flask import g, jsonify, request

from remedy.accounts.auth import api_staff
from remedy.api import bp, json_body, page_args
from remedy.registry import services
from remedy.registry.models import Respondent


def _aliases(entity) -> list[str]:
    return sorted(a.alias for a in entity.aliases)


def respondent_json(respondent: Respondent, systems=None) -> dict:
    systems = services.systems_of(respondent) if systems is None else systems
    return {
        "id": respondent.id,
        "name": respondent.name,
        "kind": respondent.kind,
        "main_establishment_country": respondent.main_establishment_country,
        "is_public_authority": respondent.is_public_authority,
        "contact_email": respondent.contact_email,
        "aliases": _aliases(respondent),
        "ai_systems": [{"id": s.id, "name": s.name, "aliases": _aliases(s)} for s in systems],
    }


@bp.get("/registry/respondents")
@api_staff()
def list_respondents():
    page, per_page = page_args()
    items, total = services.search_respondents(request.args.get("q"), page=page,
                                               per_page=per_page)
    systems = services.systems_by_provider([r.id for r in items])
    return jsonify({"items": [respondent_json(r, systems.get(r.id, [])) for r in items],
                    "page": page,
                    "per_page": per_page, "total": total})


@bp.patch("/registry/respondents/<int:respondent_id>")
@api_staff()
def correct_respondent(respondent_id):
    respondent = services.update_respondent(g.api_user, respondent_id, json_body())
    return jsonify(respondent_json(respondent))
