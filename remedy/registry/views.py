"""Staff pages of the registry: find a respondent, and (supervisors) correct it."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import SUPERVISOR, at_least
from remedy.core.codes import normalise_country
from remedy.core.db import as_id
from remedy.core.errors import Conflict, ValidationFailed
from remedy.core.i18n import translate_fields
from remedy.registry import bp, services
from remedy.registry.domain import KIND_LABELS


@bp.get("/registry")
@staff_required()
def search():
    q = (request.args.get("q") or "").strip()[:200]
    page = request.args.get("page", "1")
    page = as_id(page) or 1
    items, total = services.search_respondents(q, page=page, per_page=50)
    return render_template("registry/search.html", q=q, items=items, total=total, page=page)


def _form_data(form) -> dict:
    """The edit form as the API's PATCH body."""
    return {
        "main_establishment_country": normalise_country(form.get("main_establishment_country"))
        or (form.get("main_establishment_country") or None),
        "is_public_authority": form.get("is_public_authority") == "y",
        "contact_email": form.get("contact_email") or None,
        "kind": form.get("kind"),
        "aliases": [line for line in (form.get("aliases") or "").splitlines() if line.strip()],
    }


@bp.route("/registry/respondents/<int:respondent_id>", methods=["GET", "POST"])
@staff_required()
def respondent(respondent_id):
    found = services.respondent(respondent_id)
    can_edit = at_least(current_user.role, SUPERVISOR)
    errors, values, status = {}, None, 200
    if request.method == "POST":
        values = request.form
        try:
            services.update_respondent(current_user, respondent_id, _form_data(request.form))
            return redirect(url_for("registry.respondent", respondent_id=respondent_id, saved=1))
        except (ValidationFailed, Conflict) as failure:
            errors, status = translate_fields(failure.fields), 422
    return render_template(
        "registry/respondent.html", respondent=found, systems=services.systems_of(found),
        can_edit=can_edit, errors=errors, values=values, kinds=KIND_LABELS,
        saved=request.args.get("saved")), status
