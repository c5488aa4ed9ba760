"""The respondent portal: open a request with its access link (no account), or sign in with
a respondent account; read what was sent and answer it. A portal session is a respondent
session only: it never carries a staff or complainant sign-in, and opens no staff page."""

from datetime import timedelta
from functools import wraps

from flask import current_app, make_response, redirect, render_template, request, session, url_for

from remedy.core.db import utcnow
from remedy.core.errors import Conflict, DomainError, NotAuthorised, NotFound, ValidationFailed
from remedy.core.forms import attach_failure
from remedy.core.i18n import translate
from remedy.core.messages import N_
from remedy.core.vocabulary import REMEDIES, RIGHTS_DIMENSIONS, SECTORS
from remedy.extensions import limiter
from remedy.responses import access, bp, domain, services
from remedy.responses.forms import LoginForm, ResponseForm, TokenForm, WelcomeForm

PORTAL_KEY = "respondent"
PORTAL_MINUTES = 60

login_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_LOGIN"],
                                   scope="respondent-login", methods=["POST"])
link_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_TRACKING"],
                                  scope="respondent-link",
                                  deduct_when=lambda response: response.status_code == 404)


def _start(**state) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session for a fresh sign-in, and nobody else's
    if lang:
        session["lang"] = lang
    session[PORTAL_KEY] = {**state, "until": (utcnow() + timedelta(minutes=PORTAL_MINUTES)).timestamp()}


def _principal():
    """Who this browser answers for, or None (expired, signed out, link withdrawn)."""
    state = session.get(PORTAL_KEY) or {}
    if state.get("until", 0) < utcnow().timestamp():
        return None
    if "account" in state:
        account = access.active_account(state.get("account"), state.get("v"))
        return access.account_principal(account) if account else None
    try:
        sent = access.request_for_link(state.get("link"))
    except NotAuthorised:
        return None
    return access.link_principal(sent)


def respondent_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        principal = _principal()
        if principal is None:
            session.pop(PORTAL_KEY, None)
            return redirect(url_for("responses.portal_login"))
        session[PORTAL_KEY]["until"] = (utcnow() + timedelta(minutes=PORTAL_MINUTES)).timestamp()
        session.modified = True
        response = make_response(view(principal, *args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


@bp.get("/respond/open/<token>")
@link_limit
def open_link(token):
    """The link from the email: it starts a portal session for that one request and moves
    on, so that the link does not stay in the address bar or the history."""
    try:
        sent = services.open_link(token)
    except NotAuthorised as refusal:
        return render_template("responses/portal_refused.html", message=translate(refusal.message)), 404
    _start(link=token)
    return redirect(url_for("responses.portal_request", request_id=sent.id))


@bp.route("/respond/login", methods=["GET", "POST"])
@login_limit
def portal_login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            account = access.authenticate_account(form.email.data, form.password.data)
            _start(account=account.id, v=account.session_version)
            return redirect(url_for("responses.portal_home"))
        except NotAuthorised as refusal:
            form.password.errors = [translate(refusal.message)]
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("responses/portal_login.html", form=form), status


@bp.post("/respond/logout")
def portal_logout():
    session.pop(PORTAL_KEY, None)
    return redirect(url_for("responses.portal_login", out=1))


@bp.route("/respond/welcome/<token>", methods=["GET", "POST"])
def portal_welcome(token):
    """Choose a password from the invitation's link."""
    try:
        account = access.account_for_invite(token)
    except DomainError as refusal:
        return render_template("responses/portal_refused.html", message=translate(refusal.message)), 400
    form = WelcomeForm()
    if form.validate_on_submit():
        try:
            account = access.accept_invite(token, form.password.data)
            _start(account=account.id, v=account.session_version)
            return redirect(url_for("responses.portal_home"))
        except ValidationFailed as failure:
            attach_failure(form, failure, "password")
    status = 422 if request.method == "POST" else 200
    return render_template("responses/portal_welcome.html", form=form, account=account), status


@bp.get("/respond")
@respondent_required
def portal_home(principal):
    return render_template("responses/portal_home.html", principal=principal,
                           requests=services.requests_for(principal),
                           statuses=domain.REQUEST_STATUSES, today=utcnow().date())


def _request_page(principal, request_id, form=None, status=200, notice=None, refusal=None):
    sent = services.request_for(principal, request_id)
    if form is None:
        form = ResponseForm(formdata=None)
        form.fill_choices()
    return render_template(
        "responses/portal_request.html", principal=principal, sent=sent, form=form,
        packet=services.packet_for_respondent(sent), questions=domain.QUESTIONS,
        categories=domain.CATEGORIES, statuses=domain.REQUEST_STATUSES, sectors=SECTORS,
        rights=RIGHTS_DIMENSIONS, remedies=REMEDIES, notice=notice, refusal=refusal,
        accepting=sent.status in services.LIVE, today=utcnow().date()), status


@bp.get("/respond/requests/<int:request_id>")
@respondent_required
def portal_request(principal, request_id):
    return _request_page(principal, request_id, notice=request.args.get("done"))


@bp.post("/respond/requests/<int:request_id>")
@respondent_required
def portal_answer(principal, request_id):
    sent = services.request_for(principal, request_id)  # 404 before anything is read
    form = ResponseForm()
    form.fill_choices()
    if not form.validate():
        return _request_page(principal, request_id, form, 422)
    # Every answer and the number of files are checked before any file is stored, so that a
    # refused answer leaves nothing behind; all problems are shown at once.
    uploads = [f for f in request.files.getlist("documents") if f and f.filename]
    refused = False
    try:
        services.check_response(sent, form.values())
    except Conflict as conflict:
        return _request_page(principal, request_id, status=409, refusal=translate(conflict.message))
    except ValidationFailed as failure:
        attach_failure(form, failure, "category")
        refused = True
    if too_many := services.too_many_documents(uploads):
        form.documents.errors = [translate(too_many)]
        refused = True
    elif refused and uploads:
        form.documents.errors = [translate(N_(
            "Attach your files again: they were not kept because other answers need attention."))]
    if refused:
        return _request_page(principal, request_id, form, 422)
    try:
        services.submit_response(principal, request_id, form.values(),
                                 services.store_documents(uploads))
    except ValidationFailed as failure:
        attach_failure(form, failure, "category")
        return _request_page(principal, request_id, form, 422)
    except Conflict as conflict:
        return _request_page(principal, request_id, status=409, refusal=translate(conflict.message))
    return redirect(url_for("responses.portal_request", request_id=request_id, done="answered"))


@bp.route("/respond/account", methods=["GET", "POST"])
@respondent_required
def portal_account(principal):
    """API tokens of a respondent account (a link holder has no account)."""
    if principal.account_id is None:
        raise NotFound(N_("There is no such page."))
    account = access.active_account(principal.account_id, session[PORTAL_KEY].get("v"))
    form, new_token, status = TokenForm(), None, 200
    if request.method == "POST":
        if form.validate():
            try:
                new_token = access.create_token(account, form.name.data)
                form = TokenForm(formdata=None)
            except ValidationFailed as failure:
                attach_failure(form, failure, "name")
                status = 422
        else:
            status = 400
    return render_template("responses/portal_account.html", account=account, form=form,
                           tokens=access.tokens_of(account), new_token=new_token), status


@bp.post("/respond/account/tokens/<int:token_id>/revoke")
@respondent_required
def portal_revoke_token(principal, token_id):
    if principal.account_id is None:
        raise NotFound(N_("There is no such page."))
    account = access.active_account(principal.account_id, session[PORTAL_KEY].get("v"))
    access.revoke_token(account, token_id)
    return redirect(url_for("responses.portal_account"))
