"""The caseworkers' pages: the queue, a case, and the supervisors' overview. Thin: each
view checks who asks, calls one service or query, and renders."""

from datetime import date

from flask import (
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import ORG_ADMIN, SUPERVISOR, at_least
from remedy.cases import bp, domain, queries, services
from remedy.cases.forms import (
    ApprovalForm,
    AssignForm,
    EraseForm,
    MessageForm,
    NoteForm,
    PriorityForm,
    RemedyForm,
    TransitionForm,
)
from remedy.core.db import as_id
from remedy.core.errors import ValidationFailed
from remedy.core.forms import attach_failure, failed_forms
from remedy.core.i18n import translate, translate_fields
from remedy.core.vocabulary import (
    FILER_TYPES,
    PRIORITIES,
    REMEDIES,
    REMEDY_STATUSES,
    RIGHTS_DIMENSIONS,
    SECTORS,
)
from remedy.intake.storage import evidence_store


def _assignees():
    return [("", _("Nobody"))] + [(str(u.id), u.name or u.email)
                                   for u in services.staff_of(current_user.organisation_id)]


@bp.get("/cases")
@staff_required()
def queue():
    try:
        filters = queries.parse_filters(request.args)
        errors = {}
    except ValidationFailed as failure:
        filters, errors = queries.QueueFilters(), translate_fields(failure.fields)
    page = queries.queue(current_user, filters)
    assign_form = AssignForm()
    assign_form.assignee.choices = _assignees()
    return render_template(
        "cases/queue.html", page=page, filters=filters, errors=errors, assign_form=assign_form,
        states=domain.STATE_NAMES, sectors=SECTORS, rights=RIGHTS_DIMENSIONS,
        filer_types=FILER_TYPES, assignees=_assignees(), today=date.today(),
        attention_reasons=domain.ATTENTION_REASONS,
    )


@bp.post("/cases/assign")
@staff_required()
def assign():
    form = AssignForm()
    form.assignee.choices = _assignees()
    ids = [i for i in map(as_id, request.form.getlist("case_ids")) if i is not None]
    if form.validate() and ids:
        assignee = as_id(form.assignee.data)
        services.assign_cases(current_user, ids, assignee)
    return redirect(request.form.get("back") if _is_local(request.form.get("back"))
                    else url_for("cases.queue"))


def _is_local(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//")


@bp.get("/cases/export.csv")
@staff_required()
def export():
    filters = queries.parse_filters(request.args)
    # The rows are written while the response streams: give the query plain values, not a
    # database object that the audit commit has already expired.
    reader = queries.Reader(id=current_user.id, organisation_id=current_user.organisation_id)
    services.record_export(current_user, filters.as_args())
    response = Response(stream_with_context(queries.export_rows(reader, filters)),
                        mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=cases.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


# Other features add to the case page: functions (case, user, forms) -> template context,
# registered at start-up (the collective claims' suggestions, for instance).
CASE_PAGE_SECTIONS = []


def _case_page(case, status=200, *, show_contact=False, **forms):
    transition_form = (forms.get("transition_form") or TransitionForm()).fill(
        case, current_user.role)
    remedy_form = forms.get("remedy_form") or RemedyForm()
    remedy_form.remedy_type.choices = [(k, translate(v)) for k, v in REMEDIES.items()]
    remedy_form.status.choices = [(k, translate(v)) for k, v in REMEDY_STATUSES.items()]
    priority_form = PriorityForm(data={"priority": str(case.priority)})
    priority_form.priority.choices = [(str(k), translate(v)) for k, v in PRIORITIES.items()]
    assign_form = AssignForm(data={"assignee": str(case.assignee_id or "")})
    assign_form.assignee.choices = _assignees()
    return render_template(
        "cases/case.html", case=case, complaint=case.complaint, show_contact=show_contact,
        transition_form=transition_form, remedy_form=remedy_form,
        note_form=forms.get("note_form") or NoteForm(),
        message_form=forms.get("message_form") or MessageForm(),
        approval_form=ApprovalForm(), priority_form=priority_form, assign_form=assign_form,
        erase_form=forms.get("erase_form") or EraseForm(),
        clock_labels={c.name: c.label for c in domain.CLOCKS}, states=domain.STATE_NAMES,
        event_names=domain.EVENT_NAMES, consent_names=domain.CONSENT_NAMES, sectors=SECTORS,
        rights=RIGHTS_DIMENSIONS, filer_types=FILER_TYPES, remedies=REMEDIES,
        remedy_statuses=REMEDY_STATUSES, priorities=PRIORITIES, can_approve=at_least(current_user.role, SUPERVISOR),
        attention_reasons=domain.ATTENTION_REASONS,
        today=date.today(), failed_forms=failed_forms(forms.values()),
        **{k: v for section in CASE_PAGE_SECTIONS
           for k, v in section(case, current_user, forms).items()},
    ), status


@bp.get("/cases/<int:case_id>")
@staff_required()
def case(case_id):
    found = services.case_for(current_user, case_id)
    if found.collective_claim_id is not None:  # a claim's case lives on the claim's page
        return redirect(url_for("collective.claim", claim_id=found.collective_claim_id))
    return _case_page(found)


@bp.post("/cases/<int:case_id>/contact")
@staff_required()
def show_contact(case_id):
    found = services.case_for(current_user, case_id)
    services.record_contact_view(current_user, found)
    return _case_page(found, show_contact=True)


def _form_step(case_id: int, form, form_name: str, default_field: str, anchor: str, action):
    """The pattern of every form on the case page: check the form, run one service, go back
    to the right part of the page; or show the page again with the errors beside the fields."""
    found = services.case_for(current_user, case_id)
    if form.validate():
        try:
            action(found)
            return redirect(url_for("cases.case", case_id=case_id) + anchor)
        except (ValidationFailed, domain.TransitionNotAllowed) as failure:
            attach_failure(form, failure, default_field)
    return _case_page(found, 422, **{form_name: form})


@bp.post("/cases/<int:case_id>/transition")
@staff_required()
def transition(case_id):
    form = TransitionForm()
    return _form_step(case_id, form, "transition_form", "to", "#workflow", lambda found:
                      services.apply_transition(found, form.to.data, user=current_user,
                                                reason=form.reason.data,
                                                other_bodies=form.other_bodies.data))


@bp.post("/cases/<int:case_id>/approval")
@staff_required(SUPERVISOR)
def decide(case_id):
    found = services.case_for(current_user, case_id)
    form = ApprovalForm()
    if form.validate():
        services.decide_pending(found, current_user, approve=form.decision.data == "approve",
                                reason=form.reason.data)
    return redirect(url_for("cases.case", case_id=case_id) + "#workflow")


@bp.post("/cases/<int:case_id>/notes")
@staff_required()
def add_note(case_id):
    form = NoteForm()
    return _form_step(case_id, form, "note_form", "body", "#notes",
                      lambda found: services.add_note(current_user, found, form.body.data))


@bp.post("/cases/<int:case_id>/messages")
@staff_required()
def message(case_id):
    form = MessageForm()
    return _form_step(case_id, form, "message_form", "body", "#messages",
                      lambda found: services.message_complainant(current_user, found,
                                                                 form.body.data))


@bp.post("/cases/<int:case_id>/remedies")
@staff_required()
def add_remedy(case_id):
    form = RemedyForm()
    return _form_step(case_id, form, "remedy_form", "follow_up", "#remedies", lambda found:
                      services.add_remedy(current_user, found, remedy_type=form.remedy_type.data,
                                          status=form.status.data, due_on=form.due_on.data or None,
                                          follow_up=form.follow_up.data))


@bp.post("/cases/<int:case_id>/remedies/<int:remedy_id>")
@staff_required()
def update_remedy(case_id, remedy_id):
    found = services.case_for(current_user, case_id)
    form = RemedyForm()
    if form.validate():
        services.update_remedy(current_user, found, remedy_id, status=form.status.data,
                               due_on=form.due_on.data or None, follow_up=form.follow_up.data)
    return redirect(url_for("cases.case", case_id=case_id) + "#remedies")


@bp.post("/cases/<int:case_id>/attention")
@staff_required()
def clear_attention(case_id):
    services.clear_attention(current_user, services.case_for(current_user, case_id))
    return redirect(url_for("cases.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/priority")
@staff_required()
def priority(case_id):
    found = services.case_for(current_user, case_id)
    value = request.form.get("priority", "")
    number = as_id(value) or 0  # not a priority: the service refuses it
    services.set_priority(current_user, found, number)
    return redirect(url_for("cases.case", case_id=case_id))


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>")
@staff_required()
def evidence(case_id, evidence_id):
    """A file, always as a download (never shown inline, whatever it claims to be)."""
    found = services.case_for(current_user, case_id)
    item = next((e for e in (found.complaint.evidence if found.complaint else [])
                 if e.id == evidence_id), None)
    if item is None:
        abort(404)
    services.record_evidence_download(current_user, found, item.id)
    response = send_file(evidence_store().open(item.sha256),
                         mimetype="application/octet-stream", as_attachment=True,
                         download_name=item.display_name)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/cases/<int:case_id>/data-export")
@staff_required(SUPERVISOR)
def data_export(case_id):
    """A subject access request: the complainant's data as a JSON download."""
    found = services.case_for(current_user, case_id)
    data = services.export_complainant_data(current_user, found)
    response = jsonify(data)
    reference = found.complaint.reference if found.complaint else case_id
    response.headers["Content-Disposition"] = f"attachment; filename={reference}.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/cases/<int:case_id>/erase")
@staff_required(SUPERVISOR)
def erase(case_id):
    form = EraseForm()

    def erase_confirmed(found):
        if not form.confirm.data:
            raise ValidationFailed(_("Tick the box to confirm."),
                                   {"confirm": [_("Tick the box to confirm.")]})
        services.erase_complainant_data(found, user=current_user, reason=form.reason.data)

    return _form_step(case_id, form, "erase_form", "reason", "#data", erase_confirmed)


@bp.route("/admin/case-settings", methods=["GET", "POST"])
@staff_required(ORG_ADMIN)
def settings():
    """Deadlines and closure approval of the organisation."""
    organisation = current_user.organisation
    rules = domain.clock_rules(organisation.clock_lengths, domain.SETTABLE_CLOCKS)
    values = {f"{r.name}_{part}": str(getattr(r, part)) for r in rules for part in ("length", "unit")}
    errors, status, saved = {}, 200, request.args.get("saved")
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in values}
        try:
            services.update_case_settings(
                current_user, clock_settings=values,
                closure_needs_approval=request.form.get("closure_needs_approval") == "y")
            return redirect(url_for("cases.settings", saved=1))
        except ValidationFailed as failure:
            errors, status = translate_fields(failure.fields), 422
    return render_template("cases/settings.html", rules=rules, values=values, errors=errors,
                           needs_approval=organisation.closure_needs_approval, saved=saved,
                           units={domain.WORKING_DAYS: _("working days"),
                                  domain.CALENDAR_DAYS: _("calendar days")}), status


@bp.get("/supervisor")
@staff_required(SUPERVISOR)
def dashboard():
    return render_template(
        "cases/dashboard.html", workload=queries.workload(current_user),
        pending=queries.pending_approvals(current_user),
        counts=queries.state_counts(current_user), states=domain.STATE_NAMES,
        is_admin=at_least(current_user.role, ORG_ADMIN),
    )
