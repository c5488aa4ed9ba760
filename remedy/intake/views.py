"""Web pages of intake: the filing form, its confirmation, and tracking with reference and
secret. Thin: each view parses its form, calls one service, renders."""

import uuid
from datetime import timedelta
from functools import cache, wraps

from babel import Locale
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from remedy.core.codes import normalise_language
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotAuthorised, ValidationFailed
from remedy.core.forms import failed_forms
from remedy.core.i18n import current_locale, language_choices, translate, translate_fields
from remedy.core.security import form_checks_csrf
from remedy.core.vocabulary import (
    CONSENTS,
    REMEDIES,
    REMEDY_STATUSES,
    STATES,
    TIMELINE_EVENTS,
)
from remedy.intake import bp, domain, limits, services
from remedy.intake.forms import (
    ComplaintForm,
    ConsentForm,
    EvidenceForm,
    MessageForm,
    TrackForm,
    WithdrawForm,
)
from remedy.intake.uploads import inspect_and_store, read_receipts, sign_receipts


@cache
def _narrative_languages(locale: str) -> tuple[tuple[str, str], ...]:
    """Every language with a two-letter code, named in the reader's language (once per
    language: Babel's list takes ~8 ms to sort)."""
    names = Locale.parse(locale).languages
    pairs = {}
    for code, name in names.items():
        if len(code) == 2 and normalise_language(code):
            pairs[code] = name[:1].upper() + name[1:]
    return tuple(sorted(pairs.items(), key=lambda pair: pair[1].casefold()))


def _complaint_form() -> ComplaintForm:
    form = ComplaintForm()
    form.fill_choices(list(_narrative_languages(current_locale())), language_choices())
    return form


def _render_form(form, files, status=200):
    form.evidence_receipts.data = sign_receipts(files)
    form.remove_evidence.choices = [(f.sha256, f.display_name) for f in files]
    form.remove_evidence.data = []
    return render_template("intake/new_complaint.html", form=form, files=files,
                           consents=CONSENTS), status


@bp.route("/complaints/new", methods=["GET", "POST"])
@limits.filing
@form_checks_csrf
def new_complaint():
    form = _complaint_form()
    if request.method == "GET":
        form.submission_token.data = uuid.uuid4().hex
        return _render_form(form, [])

    removed = set(request.form.getlist("remove_evidence"))
    files = [f for f in read_receipts(form.evidence_receipts.data) if f.sha256 not in removed]
    if not form.submission_token.data:
        form.submission_token.data = uuid.uuid4().hex
    if not form.validate():
        # Only CSRF can fail here (the domain checks the rest): the form has expired. Files
        # of a request we cannot trust are not stored; the person attaches them again.
        form.csrf_token.errors = [_("This form has expired. Your answers are kept below: "
                                    "check them, attach any new files again and send.")]
        return _render_form(form, files, 400)
    stored, problems = inspect_and_store(request.files.getlist("evidence"))
    files += [f for f in stored if f.sha256 not in {k.sha256 for k in files}]
    errors = {"evidence": [translate(p) for p in problems]} if problems else {}
    try:
        draft = domain.parse_complaint(form.payload(), today=utcnow().date(),
                                       default_language=current_locale().replace("_", "-"))
    except ValidationFailed as failure:
        errors.update(translate_fields(failure.fields))
        draft = None
    if errors:
        form.attach_errors(errors)
        return _render_form(form, files, 422)
    try:
        submission = services.submit_complaint(
            draft, evidence=files, interface_locale=current_locale(), channel="web",
            # The form's token works as an Idempotency-Key, in a space of its own.
            idempotency_key="web:" + form.submission_token.data, request_fingerprint="web-form",
        )
    except ValidationFailed as failure:
        form.attach_errors(translate_fields(failure.fields))
        return _render_form(form, files, 422)
    response = current_app.make_response(
        render_template("intake/confirmation.html", submission=submission)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- tracking ------------------------------------------------------------------------------

TRACKING_KEY = "tracking"


def _start_tracking(complaint) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session for a fresh sign-in
    if lang:
        session["lang"] = lang
    session[TRACKING_KEY] = {"id": complaint.id, "until": _tracking_deadline()}


def _tracking_deadline() -> float:
    minutes = current_app.config["TRACKING_SESSION_MINUTES"]
    return (utcnow() + timedelta(minutes=minutes)).timestamp()


def tracked(view):
    """The view gets the complaint this browser signed in to; otherwise back to /track."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        state = session.get(TRACKING_KEY) or {}
        if not state.get("id") or state.get("until", 0) < utcnow().timestamp():
            session.pop(TRACKING_KEY, None)
            return redirect(url_for("intake.track", expired=1 if state else None))
        try:
            complaint = services.get_complaint(state["id"])
        except NotAuthorised:
            session.pop(TRACKING_KEY, None)
            return redirect(url_for("intake.track"))
        state["until"] = _tracking_deadline()
        session[TRACKING_KEY] = state
        return view(complaint, *args, **kwargs)

    return wrapper


@bp.route("/track", methods=["GET", "POST"])
@limits.tracking_form
def track():
    form = TrackForm()
    if request.method == "GET" and request.args.get("reference"):
        form.reference.data = request.args["reference"]
    if form.validate_on_submit():
        try:
            complaint = services.authenticate_complainant(form.reference.data, form.secret.data)
        except NotAuthorised as refusal:
            form.secret.errors = [translate(refusal.message)]
            form.secret.data = ""
            return render_template("intake/track.html", form=form), 401
        _start_tracking(complaint)
        return redirect(url_for("intake.tracked_complaint"))
    status = 400 if request.method == "POST" else 200
    return render_template("intake/track.html", form=form,
                           expired=request.args.get("expired")), status


# Other features add to the tracking page: functions (complaint, forms) -> template context,
# registered at start-up (the respondent's answers, for instance).
TRACKING_SECTIONS = []


def render_tracked(complaint, status=200, **forms):
    message_form = forms.get("message_form") or MessageForm()
    message_form.kind.choices = [("message", _("A message to the caseworker")),
                                 ("amendment", _("An addition to my complaint"))]
    consent_form = forms.get("consent_form") or ConsentForm(
        data={f"consent_{k}": v for k, v in complaint.consents().items()}
    )
    response = current_app.make_response((render_template(
        "intake/tracked_complaint.html",
        complaint=complaint,
        message_form=message_form,
        evidence_form=forms.get("evidence_form") or EvidenceForm(),
        consent_form=consent_form,
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(),
        consents=CONSENTS,
        vocabulary_states=STATES,
        timeline_events=TIMELINE_EVENTS,
        remedies=REMEDIES,
        remedy_statuses=REMEDY_STATUSES,
        notice=forms.get("notice"), failed_forms=failed_forms(forms.values()),
        **{k: v for section in TRACKING_SECTIONS for k, v in section(complaint, forms).items()},
    ), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/track/complaint")
@tracked
def tracked_complaint(complaint):
    return render_tracked(complaint, notice=request.args.get("done"))


def tracked_done(what: str):
    return redirect(url_for("intake.tracked_complaint", done=what) + "#notice")


@bp.post("/track/complaint/messages")
@tracked
def post_message(complaint):
    form = MessageForm()
    if form.validate():
        try:
            services.add_complainant_message(complaint, form.body.data,
                                             amendment=form.kind.data == "amendment")
            return tracked_done("message")
        except ValidationFailed as failure:
            form.body.errors = [m for ms in translate_fields(failure.fields).values() for m in ms]
        except Conflict as conflict:
            form.body.errors = [translate(conflict.message)]
    return render_tracked(complaint, 422, message_form=form)


@bp.post("/track/complaint/evidence")
@tracked
def post_evidence(complaint):
    form = EvidenceForm()
    if form.validate():
        stored, problems = inspect_and_store(request.files.getlist("evidence"))
        if not stored and not problems:
            problems = [_("Choose at least one file.")]
        if not problems:
            try:
                services.add_evidence(complaint, stored)
                return tracked_done("evidence")
            except (ValidationFailed, Conflict) as failure:
                problems = [failure.message] + [m for ms in failure.fields.values() for m in ms]
        form.evidence.errors = [translate(p) for p in problems]
    return render_tracked(complaint, 422, evidence_form=form)


@bp.post("/track/complaint/consents")
@tracked
def post_consents(complaint):
    form = ConsentForm()
    if form.validate():
        try:
            services.update_consents(complaint, {
                name: bool(getattr(form, f"consent_{name}").data) for name in domain.CONSENT_NAMES
            })
            return tracked_done("consents")
        except ValidationFailed as failure:
            for key, messages in translate_fields(failure.fields).items():
                getattr(form, key.replace("consents.", "consent_")).errors = messages
    return render_tracked(complaint, 422, consent_form=form)


@bp.post("/track/complaint/withdraw")
@tracked
def post_withdraw(complaint):
    form = WithdrawForm()
    if form.validate():
        if not form.confirm.data:
            form.confirm.errors = [_("Tick the box to confirm that you want to withdraw.")]
        else:
            try:
                services.withdraw_complaint(complaint, form.reason.data or None)
                return tracked_done("withdrawn")
            except ValidationFailed as failure:
                form.reason.errors = [m for ms in translate_fields(failure.fields).values() for m in ms]
            except Conflict as conflict:
                form.confirm.errors = [translate(conflict.message)]
    return render_tracked(complaint, 422, withdraw_form=form)


@bp.post("/track/stop")
def stop_tracking():
    session.pop(TRACKING_KEY, None)
    return redirect(url_for("intake.track", stopped=1))
