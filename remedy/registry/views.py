"""Staff pages of the registry: find a respondent, and (supervisors) correct it."""

from urllib.parse import urlencode

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import SUPERVISOR, at_least
from remedy.core.codes import normalise_country
from remedy.core.db import as_id
from remedy.core.errors import Conflict, ValidationFailed
from remedy.core.i18n import translate, translate_fields
from remedy.core.messages import N_
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
        can_edit=can_edit, errors=errors or _errors_from(request.args), values=values,
        kinds=KIND_LABELS, saved=request.args.get("saved"),
        similar=services.similar_entries("respondent", respondent_id)), status


# --- curating entries: names, merges, splits (supervisors) ----------------------------------

KINDS = {"respondents": "respondent", "systems": "ai_system"}


def _entry_url(kind: str, entry_id: int) -> str:
    if kind == "respondent":
        return url_for("registry.respondent", respondent_id=entry_id)
    return url_for("registry.system", system_id=entry_id)


@bp.get("/registry/systems")
@staff_required()
def systems():
    q = (request.args.get("q") or "").strip()[:200]
    return render_template("registry/systems.html", q=q, items=services.search_ai_systems(q))


@bp.get("/registry/systems/<int:system_id>")
@staff_required()
def system(system_id):
    found = services.ai_system(system_id)
    return render_template("registry/system.html", system=found, can_edit=at_least(
        current_user.role, SUPERVISOR), similar=services.similar_entries("ai_system", system_id),
        errors=_errors_from(request.args), saved=request.args.get("saved"))


def _errors_from(args) -> dict:
    """A curation form's error, carried back to the entry's page in the query string."""
    field, message = args.get("error_field"), args.get("error")
    return {field: [message]} if field and message else {}


def _curate(kind_path: str, entry_id: int, action) -> object:
    kind = KINDS[kind_path]
    try:
        result = action(kind)
    except (ValidationFailed, Conflict) as failure:
        fields = translate_fields(failure.fields) or {"form": [translate(failure.message)]}
        field, messages = next(iter(fields.items()))
        return redirect(_entry_url(kind, entry_id) + "?" + urlencode(
            {"error_field": field, "error": messages[0]}) + "#curate")
    target = result.id if result is not None and hasattr(result, "name") else entry_id
    return redirect(_entry_url(kind, target) + "?saved=1")


@bp.post("/registry/<any(respondents, systems):kind_path>/<int:entry_id>/aliases")
@staff_required(SUPERVISOR)
def add_alias(kind_path, entry_id):
    return _curate(kind_path, entry_id, lambda kind: services.add_alias(
        current_user, kind, entry_id, request.form.get("alias", "")) and None)


@bp.post("/registry/<any(respondents, systems):kind_path>/<int:entry_id>/merge")
@staff_required(SUPERVISOR)
def merge(kind_path, entry_id):
    target = as_id(request.form.get("target"))

    def merge_into(kind):
        if target is None:
            raise ValidationFailed(N_("Some answers need attention."),
                                   {"target": [N_("Choose the entry to merge into.")]})
        return services.merge_entries(current_user, kind, entry_id, target)

    return _curate(kind_path, entry_id, merge_into)


@bp.post("/registry/<any(respondents, systems):kind_path>/<int:entry_id>/split")
@staff_required(SUPERVISOR)
def split(kind_path, entry_id):
    alias_ids = [i for i in map(as_id, request.form.getlist("alias_ids")) if i]
    return _curate(kind_path, entry_id, lambda kind: services.split_entry(
        current_user, kind, entry_id, alias_ids, request.form.get("name") or None))
