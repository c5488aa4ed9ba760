"""Pages of collective claims: suggestions on a case, claims and their members, the whole
aggregation's runs, and the complainant's invitation on the tracking page. Thin."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import SUPERVISOR, at_least
from remedy.cases import domain as case_domain
from remedy.cases import services as case_services
from remedy.cases.forms import TransitionForm
from remedy.collective import bp, domain, services
from remedy.collective.forms import ClaimForm, DuplicateForm
from remedy.collective.models import CollectiveClaim
from remedy.core.db import as_id
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.core.forms import attach_failure
from remedy.core.messages import N_
from remedy.core.vocabulary import SECTORS
from remedy.intake.views import render_tracked, tracked, tracked_done

RUN_STATUSES = {"queued": N_("waiting to start"), "running": N_("working"), "done": N_("done"),
                "failed": N_("failed")}


def _back_to_case(case_id: int):
    return redirect(url_for("cases.case", case_id=case_id) + "#collective")


# --- on a case ------------------------------------------------------------------------------


def case_context(case, user, forms) -> dict:
    """The collective part of a case page: suggestions, the claim it belongs to, and the
    duplicate form."""
    if case.complaint_id is None:
        return {}
    return {"collective_suggestions": [services.describe(s, case.complaint_id) for s in
                                       services.suggestions_for_case(user, case)],
            "collective_claim_of_case": (services.claim_for(user, case.member_of_claim_id)
                                         if case.member_of_claim_id else None),
            "duplicate_form": forms.get("duplicate_form") or DuplicateForm(formdata=None),
            "duplicate_of": (case_services.case_for(user, case.duplicate_of_id)
                             if case.duplicate_of_id else None)}


@bp.post("/cases/<int:case_id>/suggestions/<int:suggestion_id>/<any(confirm, reject):decision>")
@staff_required()
def decide(case_id, suggestion_id, decision):
    case = case_services.case_for(current_user, case_id)
    if not any(s.id == suggestion_id for s in services.suggestions_for_case(current_user, case)):
        raise NotFound(N_("There is no such suggestion."))
    if decision == "reject":
        services.reject_suggestion(current_user, suggestion_id)
        return _back_to_case(case_id)
    result = services.confirm_suggestion(current_user, suggestion_id)
    if isinstance(result, CollectiveClaim):
        return redirect(url_for("collective.claim", claim_id=result.id))
    return _back_to_case(case_id)


@bp.post("/cases/<int:case_id>/collective-claim")
@staff_required()
def start_claim(case_id):
    case = case_services.case_for(current_user, case_id)
    if case.complaint_id is None:
        raise NotFound(N_("There is no such case."))
    claim = services.create_claim(current_user, [case.complaint_id])
    return redirect(url_for("collective.claim", claim_id=claim.id))


@bp.post("/cases/<int:case_id>/duplicate")
@staff_required()
def mark_duplicate(case_id):
    from remedy.cases.views import _case_page

    case = case_services.case_for(current_user, case_id)
    form = DuplicateForm()
    if form.validate():
        try:
            original = services.case_by_reference(current_user, form.original.data)
            services.mark_duplicate(current_user, case, original.id, form.reason.data)
            return _back_to_case(case_id)
        except (ValidationFailed, Conflict, case_domain.TransitionNotAllowed) as failure:
            attach_failure(form, failure, "original")
    return _case_page(case, 422, duplicate_form=form)


# --- claims ---------------------------------------------------------------------------------


@bp.get("/collective")
@staff_required()
def claims():
    claims_of_organisation = services.claims_of(current_user)
    return render_template("collective/claims.html", claims=claims_of_organisation,
                           indicators={c.id: services.indicators(c) for c in claims_of_organisation},
                           runs=services.recent_runs(current_user),
                           can_run=at_least(current_user.role, SUPERVISOR),
                           case_states=case_domain.STATE_NAMES, run_statuses=RUN_STATUSES)


def _claim_page(claim, status=200, **forms):
    transition_form = (forms.get("transition_form") or TransitionForm(formdata=None)).fill(
        claim.case, current_user.role)
    return render_template(
        "collective/claim.html", claim=claim, indicators=services.indicators(claim),
        claim_form=forms.get("claim_form") or ClaimForm(formdata=None, data={
            "title": claim.title, "representative_name": claim.representative_name}),
        transition_form=transition_form, states=case_domain.STATE_NAMES,
        statuses=domain.MEMBER_STATUSES, sectors=SECTORS), status


@bp.get("/collective/claims/<int:claim_id>")
@staff_required()
def claim(claim_id):
    return _claim_page(services.claim_for(current_user, claim_id))


@bp.post("/collective/claims/<int:claim_id>")
@staff_required()
def update_claim(claim_id):
    found = services.claim_for(current_user, claim_id)
    form = ClaimForm()
    if form.validate():
        try:
            services.update_claim(current_user, found, title=form.title.data,
                                  representative_name=form.representative_name.data)
            return redirect(url_for("collective.claim", claim_id=claim_id))
        except ValidationFailed as failure:
            attach_failure(form, failure, "title")
    return _claim_page(found, 422, claim_form=form)


@bp.post("/collective/claims/<int:claim_id>/transition")
@staff_required()
def claim_transition(claim_id):
    found = services.claim_for(current_user, claim_id)
    form = TransitionForm()
    if form.validate():
        try:
            case_services.apply_transition(found.case, form.to.data, user=current_user,
                                           reason=form.reason.data)
            return redirect(url_for("collective.claim", claim_id=claim_id) + "#workflow")
        except (ValidationFailed, case_domain.TransitionNotAllowed) as failure:
            attach_failure(form, failure, "to")
    return _claim_page(found, 422, transition_form=form)


@bp.post("/collective/claims/<int:claim_id>/invite")
@staff_required()
def invite(claim_id):
    found = services.claim_for(current_user, claim_id)
    ids = [i for i in map(as_id, request.form.getlist("member_ids")) if i]
    services.invite_members(current_user, found, ids)
    return redirect(url_for("collective.claim", claim_id=claim_id) + "#members")


@bp.post("/collective/claims/<int:claim_id>/members/<int:member_id>/withdraw")
@staff_required()
def withdraw_member(claim_id, member_id):
    found = services.claim_for(current_user, claim_id)
    services.withdraw_member(current_user, found, member_id)
    return redirect(url_for("collective.claim", claim_id=claim_id) + "#members")


# --- the whole aggregation --------------------------------------------------------------------


@bp.post("/collective/aggregate")
@staff_required(SUPERVISOR)
def aggregate():
    run = services.start_aggregation(current_user, current_user.organisation_id)
    return redirect(url_for("collective.run", run_id=run.id))


@bp.get("/collective/runs/<int:run_id>")
@staff_required()
def run(run_id):
    found = services.run_for(current_user, run_id)
    if request.args.get("format") == "json":
        return jsonify({"status": found.status, "done": found.done, "total": found.total,
                        "percent": found.percent, "suggestions": found.suggestions})
    return render_template("collective/run.html", run=found)


# --- the complainant --------------------------------------------------------------------------


def tracking_context(complaint, forms) -> dict:
    return {"claim_invitations": services.invitations_for(complaint),
            "claim_choice_missing": forms.get("claim_choice_missing")}


@bp.post("/track/complaint/claims/<int:member_id>")
@tracked
def answer_invitation(complaint, member_id):
    if not any(m.id == member_id for m in services.invitations_for(complaint)):
        raise NotFound(N_("There is no such invitation."))
    choice = request.form.get("join")
    if choice not in ("yes", "no"):
        return render_tracked(complaint, 422, claim_choice_missing=member_id)
    services.answer_invitation(complaint, member_id, choice == "yes")
    return tracked_done("joined" if choice == "yes" else "declined")
