"""Staff pages of respondent responses (send a case to its respondent, withdraw or renew the
link, read documents, give a respondent portal accounts) and the complainant's answers on
the tracking page (does the answer resolve it; did the remedy happen). Thin."""


from flask import abort, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import SUPERVISOR
from remedy.cases import services as case_services
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.core.forms import attach_failure
from remedy.core.i18n import translate
from remedy.intake.views import render_tracked, tracked, tracked_done
from remedy.registry import services as registry_services
from remedy.responses import access, bp, complainant, domain, services
from remedy.responses.forms import FeedbackForm, InviteForm, RemedyCheckForm, RequestForm


def _targets(case):
    complaint = case.complaint
    targets = []
    for code, entity, label in (("deployer", complaint and complaint.deployer, _("The deployer")),
                                ("provider", complaint and complaint.provider, _("The provider"))):
        if entity is not None:
            contact = entity.contact_email or _("no contact email in the registry")
            targets.append((code, f"{label}: {entity.name} ({contact})"))
    return targets


def _no_store(body):
    """A page that shows an access link once: never cached."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cases/<int:case_id>/respondent-request", methods=["GET", "POST"])
@staff_required()
def new_request(case_id):
    """Write the request, see exactly what the respondent will get, then send it."""
    case = case_services.case_for(current_user, case_id)
    form = RequestForm() if request.method == "POST" else RequestForm(formdata=None)
    form.fill_choices(_targets(case))
    packet, status = None, 200
    if request.method == "POST" and form.validate():
        try:
            if request.form.get("action") == "send":
                sent, link = services.send_request(current_user, case, form.values())
                return _no_store(render_template("responses/sent.html", case=case,
                                                 sent=sent, link=link))
            packet = services.prepare_request(current_user, case, form.values())[2]
        except (ValidationFailed, Conflict) as failure:
            attach_failure(form, failure, "target")
            status = 422
    elif request.method == "POST":
        status = 400
    complaint = case.complaint
    missing = [e for e in (complaint.deployer, complaint.provider)
               if e is not None and not e.contact_email] if complaint else []
    return render_template("responses/new_request.html", case=case, form=form, packet=packet,
                           shared=services.identity_shared(case),
                           missing_contacts=missing), status


@bp.post("/cases/<int:case_id>/respondent-requests/<int:request_id>/revoke")
@staff_required()
def revoke(case_id, request_id):
    case = case_services.case_for(current_user, case_id)
    services.revoke_request(current_user, case, request_id)
    return redirect(url_for("cases.case", case_id=case_id) + "#respondent")


@bp.post("/cases/<int:case_id>/respondent-requests/<int:request_id>/renew")
@staff_required()
def renew(case_id, request_id):
    case = case_services.case_for(current_user, case_id)
    sent = services.request_of_case(case, request_id)
    link = services.renew_link(current_user, case, request_id)
    return _no_store(render_template("responses/sent.html", case=case, sent=sent, link=link,
                                     renewed=True))


@bp.get("/cases/<int:case_id>/respondent-documents/<int:document_id>")
@staff_required()
def document(case_id, document_id):
    """A respondent's document, always as a download."""
    case = case_services.case_for(current_user, case_id)
    item = next((d for r in case.respondent_requests for a in r.responses for d in a.documents
                 if d.id == document_id), None)
    if item is None:
        abort(404)
    case_services.record_evidence_download(current_user, case, -item.id)
    response = send_file(services.document_store().open(item.sha256),
                         mimetype="application/octet-stream", as_attachment=True,
                         download_name=item.display_name)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- portal accounts, from the registry page --------------------------------------------------


def _accounts_page(respondent_id, form=None, status=200, notice=None):
    return render_template(
        "responses/accounts.html", respondent=registry_services.respondent(respondent_id),
        accounts=access.accounts_of(current_user, respondent_id),
        form=form or InviteForm(formdata=None), notice=notice), status


@bp.route("/registry/respondents/<int:respondent_id>/accounts", methods=["GET", "POST"])
@staff_required(SUPERVISOR)
def accounts(respondent_id):
    if request.method == "GET":
        return _accounts_page(respondent_id, notice=request.args.get("done"))
    form = InviteForm()
    if form.validate():
        try:
            access.invite_account(current_user, respondent_id, form.email.data,
                                  locale=current_user.locale)
            return redirect(url_for("responses.accounts", respondent_id=respondent_id,
                                    done="invited"))
        except ValidationFailed as failure:
            attach_failure(form, failure, "email")
    return _accounts_page(respondent_id, form, 422)


@bp.post("/registry/respondents/<int:respondent_id>/accounts/<int:account_id>/deactivate")
@staff_required(SUPERVISOR)
def deactivate_account(respondent_id, account_id):
    access.deactivate_account(current_user, respondent_id, account_id)
    return redirect(url_for("responses.accounts", respondent_id=respondent_id, done="deactivated"))


# --- the complainant, on the tracking page ----------------------------------------------------


@bp.post("/track/complaint/feedback")
@tracked
def feedback(complaint):
    form = FeedbackForm()
    form.fill_choices()
    if form.validate():
        try:
            complainant.give_feedback(complaint, {"satisfied": form.satisfied.data,
                                               "comment": form.comment.data})
            return tracked_done("feedback")
        except ValidationFailed as failure:
            attach_failure(form, failure, "satisfied")
        except Conflict as conflict:
            form.satisfied.errors = [translate(conflict.message)]
    return render_tracked(complaint, 422, feedback_form=form)


@bp.post("/track/complaint/remedies/<int:remedy_id>")
@tracked
def remedy_check(complaint, remedy_id):
    form = RemedyCheckForm(prefix=f"r{remedy_id}")
    form.fill_choices()
    if form.validate():
        try:
            complainant.confirm_remedy(complaint, remedy_id, {"happened": form.happened.data,
                                                           "comment": form.comment.data})
            return tracked_done("remedy")
        except NotFound:
            abort(404)
        except ValidationFailed as failure:
            attach_failure(form, failure, "happened")
    return render_tracked(complaint, 422, remedy_form=form, remedy_form_id=remedy_id)


def tracking_context(complaint, forms: dict) -> dict:
    """What the tracking page shows of the respondent: its answers (with the feedback form
    where the window is open) and the remedies the complainant is asked about."""
    feedback_form = forms.get("feedback_form")
    if feedback_form is None:
        feedback_form = FeedbackForm(formdata=None)
        feedback_form.fill_choices()
    answers = complainant.answers_for_complainant(complaint)
    today = utcnow().date()
    checks = []
    for remedy in complainant.remedies_to_confirm(complaint):
        form = forms.get("remedy_form") if forms.get("remedy_form_id") == remedy.id else None
        if form is None:
            form = RemedyCheckForm(formdata=None, prefix=f"r{remedy.id}")
            form.fill_choices()
        checks.append((remedy, form))
    return {"respondent_answers": [(a, complainant.feedback_open(a, today)) for a in answers],
            "feedback_form": feedback_form, "remedy_checks": checks,
            "response_categories": domain.CATEGORIES}
