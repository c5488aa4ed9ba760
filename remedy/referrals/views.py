"""Pages of referrals: routing and referrals on a case, sending with a preview of exactly
what goes, the inbox, one referral with its steps, and the directory. Thin."""

import json

from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import ORG_ADMIN, at_least
from remedy.cases import services as case_services
from remedy.core.errors import Conflict, ValidationFailed
from remedy.core.forms import attach_failure, failed_forms
from remedy.core.i18n import country_choices, country_name, translate, translate_fields
from remedy.core.text import whole_number
from remedy.core.vocabulary import ORG_TYPES, RIGHTS_DIMENSIONS, SECTORS
from remedy.referrals import bp, directory, domain, services
from remedy.referrals.forms import AuthorityForm, ImportForm, ReferralForm, StepForm
from remedy.referrals.wording import reason_text  # noqa: F401  (a template global)


def case_context(case, user, forms) -> dict:
    """The referral part of a case page: where the case could go and why, and its referrals."""
    result, entries = services.routing_for(user, case)
    referrals = services.referrals_of_case(case)
    return {"routing": result, "routing_entries": entries,
            "case_referrals": [r for r in referrals if r.direction == "outgoing"],
            "incoming_referral": next((r for r in referrals if r.direction == "incoming"), None)}


def _authority_choices(case) -> list[tuple[str, str]]:
    result, entries = services.routing_for(current_user, case)
    ranked = [entries[c.authority_id] for c in result.candidates if c.reachable]
    others = [e for e in entries.values() if e not in ranked and e.reachable
              and e.local_organisation_id != current_user.organisation_id]
    return [("", "—")] + [
        (str(e.id), f"{e.name} ({country_name(e.country)})") for e in ranked + others]


@bp.route("/cases/<int:case_id>/referral", methods=["GET", "POST"])
@staff_required()
def new_referral(case_id):
    """Choose the authority, write the message, see exactly what will be sent, send."""
    case = case_services.case_for(current_user, case_id)
    chosen = request.args.get("authority", "")
    form = (ReferralForm() if request.method == "POST"
            else ReferralForm(formdata=None, data={"authority_id": chosen}))
    form.authority_id.choices = _authority_choices(case)
    packet, personal, status = None, None, 200
    if request.method == "POST" and form.validate():
        data = {"authority_id": form.authority_id.data, "message": form.message.data}
        try:
            if request.form.get("action") in ("send", "draft"):
                referral = services.refer(current_user, case, data,
                                          draft=request.form.get("action") == "draft")
                return redirect(url_for("referrals.referral", referral_id=referral.id))
            _entry, _message, packet, personal = services.prepare(current_user, case, data)
        except (ValidationFailed, Conflict) as failure:
            attach_failure(form, failure, "authority_id")
            status = 422
    elif request.method == "POST":
        status = 400
    return render_template("referrals/new.html", case=case, form=form, packet=packet,
                           personal=personal), status


@bp.get("/referrals")
@staff_required()
def inbox():
    direction = request.args.get("direction")
    state = request.args.get("state")
    incoming, total_in = services.referrals_of(current_user, direction="incoming", state=state,
                                               per_page=100)
    outgoing, total_out = services.referrals_of(current_user, direction="outgoing", state=state,
                                                per_page=100)
    return render_template("referrals/inbox.html", incoming=incoming, outgoing=outgoing,
                           total_in=total_in, total_out=total_out, direction=direction,
                           state=state, states=domain.STATES)


def _referral_page(referral, forms=None, status=200):
    forms = forms or {}
    actions = domain.allowed_actions(referral.direction, referral.state)
    return render_template(
        "referrals/referral.html", referral=referral, actions=actions,
        forms={a: forms.get(a) or StepForm(formdata=None, prefix=a) for a in actions},
        side=domain.side_of(referral.direction),
        failed_forms=failed_forms(forms.values())), status


@bp.get("/referrals/<int:referral_id>")
@staff_required()
def referral(referral_id):
    return _referral_page(services.referral_for(current_user, referral_id))


@bp.post("/referrals/<int:referral_id>/<any(send, acknowledge, request_info, answer, accept, decline, conclude, withdraw):action>")
@staff_required()
def step(referral_id, action):
    found = services.referral_for(current_user, referral_id)
    form = StepForm(prefix=action)
    if form.validate():
        try:
            services.take_step(current_user, found, action, form.text.data)
            return redirect(url_for("referrals.referral", referral_id=found.id))
        except ValidationFailed as failure:
            attach_failure(form, failure, "text")
            return _referral_page(found, {action: form}, 422)
    return _referral_page(found, {action: form}, 400)


# --- directory --------------------------------------------------------------------------------


def _fill(form: AuthorityForm) -> AuthorityForm:
    form.country.choices = [("", "—")] + list(country_choices())
    form.type.choices = [("", "—")] + [(k, translate(ORG_TYPES[k])) for k in directory.TYPES]
    form.sectors.choices = [(k, translate(v)) for k, v in SECTORS.items()]
    form.rights_dimensions.choices = [(k, translate(v)) for k, v in RIGHTS_DIMENSIONS.items()]
    return form


def _form_data(form: AuthorityForm) -> dict:
    return {"name": form.name.data, "country": form.country.data, "type": form.type.data,
            "sectors": form.sectors.data, "rights_dimensions": form.rights_dimensions.data,
            "languages": form.languages.data, "base_url": (form.base_url.data or "").strip() or None,
            "slug": (form.slug.data or "").strip() or None,
            "public_key": (form.public_key.data or "").strip() or None,
            "contact_email": (form.contact_email.data or "").strip() or None}


def _directory_page(form=None, import_form=None, status=200, errors=None):
    entries = directory.entries(current_user.organisation_id)
    return render_template(
        "referrals/directory.html", entries=entries, form=form or _fill(AuthorityForm(formdata=None)),
        import_form=import_form or ImportForm(formdata=None), import_errors=errors or {},
        can_edit=at_least(current_user.role, ORG_ADMIN),
        editable={e.id for e in entries if directory.may_edit(current_user, e)}, saved=request.args.get("saved"),
        imported=_imported(request.args.get("imported"))), status


def _imported(value: str | None):
    """(added, updated) from `?imported=A/U`, or None."""
    numbers = [whole_number(p, max_digits=9) for p in (value or "").split("/")]
    return tuple(numbers) if len(numbers) == 2 and None not in numbers else None


@bp.get("/directory")
@staff_required()
def directory_page():
    return _directory_page()


@bp.post("/directory")
@staff_required(ORG_ADMIN)
def add_authority():
    form = _fill(AuthorityForm())
    if form.validate():
        try:
            directory.save(current_user, _form_data(form))
            return redirect(url_for("referrals.directory_page", saved=1))
        except ValidationFailed as failure:
            attach_failure(form, failure, "name")
            if "type" in failure.fields:
                form.type.errors = translate_fields(failure.fields)["type"]
    return _directory_page(form=form, status=422)


@bp.route("/directory/<int:authority_id>", methods=["GET", "POST"])
@staff_required(ORG_ADMIN)
def edit_authority(authority_id):
    entry = directory.editable(current_user, authority_id)
    if request.method == "POST":
        form = _fill(AuthorityForm())
        if form.validate():
            try:
                directory.save(current_user, _form_data(form), entry)
                return redirect(url_for("referrals.directory_page", saved=1))
            except ValidationFailed as failure:
                attach_failure(form, failure, "name")
        status = 422
    else:
        form = _fill(AuthorityForm(formdata=None, data={
            "name": entry.name, "country": entry.country, "type": entry.org_type,
            "sectors": entry.sectors, "rights_dimensions": entry.rights_dimensions,
            "languages": ", ".join(entry.languages), "base_url": entry.base_url,
            "slug": entry.slug, "contact_email": entry.contact_email,
            "public_key": entry.keys[-1].public_key if entry.keys else ""}))
        status = 200
    return render_template("referrals/authority.html", entry=entry, form=form), status


@bp.post("/directory/import")
@staff_required(ORG_ADMIN)
def import_directory():
    form = ImportForm()
    upload = request.files.get("file")
    try:
        added, updated = directory.import_json(upload.read(2_000_001) if upload else b"",
                                               actor=f"user:{current_user.id}",
                                               owner_id=current_user.organisation_id)
    except ValidationFailed as failure:
        return _directory_page(import_form=form, status=422,
                               errors=translate_fields(failure.fields))
    return redirect(url_for("referrals.directory_page", imported=f"{added}/{updated}"))


@bp.get("/directory/export.json")
@staff_required()
def export_directory():
    body = json.dumps(directory.export_entries(current_user.organisation_id), ensure_ascii=False,
                      indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=remedy-directory.json"})
