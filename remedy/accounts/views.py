"""Staff pages: signing in (with a code from an authenticator app when two-step sign-in is
on), signing out, accepting an invitation, resetting a password, the account page (two-step
sign-in, API tokens) and the organisation's staff list. Thin: each view parses its form,
calls one service, then renders or redirects."""

from datetime import timedelta
from urllib.parse import urlsplit

import segno
from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from remedy.accounts import bp, domain, services
from remedy.accounts.auth import staff_required
from remedy.accounts.forms import (
    CodeForm,
    DisableTwoFactorForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    NewPasswordForm,
    TokenForm,
)
from remedy.accounts.models import ApiToken, User
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotAuthorised, ValidationFailed
from remedy.core.i18n import current_locale, translate, translate_fields
from remedy.extensions import db, limiter

# Between a right password and a right code: who, until when, and where to go afterwards.
PENDING = "2fa"
PENDING_MINUTES = 5


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _me() -> User:
    return current_user._get_current_object()


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _attach(form, fields: dict, default: str) -> None:
    """Domain errors (keyed by field name) beside the form's fields."""
    for key, messages in translate_fields(fields).items():
        field = getattr(form, key, None) or getattr(form, default)
        field.errors = list(field.errors or []) + messages


# --- signing in and out ------------------------------------------------------------------------


def safe_next(target: str | None) -> str | None:
    """A path on this site (`/cases/7?tab=notes`), or None: never another site, whether
    spelt `https://evil.example`, `//evil.example` or `/\\evil.example`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _landing(user: User, target: str | None = None) -> str:
    if safe_next(target):
        return target
    # The system administrator belongs to no organisation, so has no case queue.
    return url_for("cases.queue") if user.organisation_id else url_for("accounts.account")


def _fresh_session() -> None:
    """A new session for a new sign-in or sign-out; only the chosen language carries over."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _sign_in(user: User, target: str | None):
    _fresh_session()
    login_user(user)
    return redirect(_landing(user, target))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if current_user.is_authenticated:
            return redirect(_landing(_me(), form.next.data))
    elif form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SecondFactorNeeded as needed:
            session[PENDING] = {
                "user_id": needed.user.id,
                "until": (utcnow() + timedelta(minutes=PENDING_MINUTES)).timestamp(),
                "next": safe_next(form.next.data),
            }
            return redirect(url_for("accounts.login_code"))
        except NotAuthorised as refusal:
            form.password.errors = [translate(refusal.message)]
            return render_template("accounts/login.html", form=form), 401
        return _sign_in(user, form.next.data)
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form, notice=request.args.get("done"),
                           expired=request.args.get("expired")), status


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    pending = session.get(PENDING) or {}
    if not pending.get("user_id") or pending.get("until", 0) < utcnow().timestamp():
        session.pop(PENDING, None)
        return redirect(url_for("accounts.login", expired=1 if pending else None))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = services.verify_second_factor(pending["user_id"], form.code.data)
        except NotAuthorised as refusal:
            form.code.errors = [translate(refusal.message)]
            form.code.data = ""
            return render_template("accounts/login_code.html", form=form), 401
        return _sign_in(user, pending.get("next"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/login_code.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    _fresh_session()
    return redirect(url_for("pages.home"))


# --- invitations and password resets ----------------------------------------------------------


def _passwords_match(form: NewPasswordForm) -> bool:
    if form.password.data != form.confirm.data:
        form.confirm.errors = [_("The two passwords are not the same. Type the new password twice.")]
        return False
    return True


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    invited = services.invited_user(token)  # an invalid, expired or used link: a 400 page
    form = NewPasswordForm()
    if form.validate_on_submit():
        if _passwords_match(form):
            try:
                user = services.accept_invite(token, form.password.data)
            except ValidationFailed as failure:
                _attach(form, failure.fields, "password")
            else:
                return _sign_in(user, None)
        status = 422
    else:
        status = 400 if request.method == "POST" else 200
    return _no_store(make_response(
        render_template("accounts/accept_invite.html", form=form, invited=invited), status))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if (form.email.data or "").strip():
            # The same answer whether or not the account exists: nobody learns who has one.
            services.request_password_reset(form.email.data)
            return redirect(url_for("accounts.forgot_password", sent=1))
        form.email.errors = [_("Enter the email address of your account.")]
        status = 422
    else:
        status = 400 if request.method == "POST" else 200
    return render_template("accounts/forgot_password.html", form=form,
                           sent=request.args.get("sent")), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    services.user_for_reset_link(token)  # a used or expired link says so at once (a 400 page)
    form = NewPasswordForm()
    if form.validate_on_submit():
        if _passwords_match(form):
            try:
                services.reset_password(token, form.password.data)  # a bad link: a 400 page
            except ValidationFailed as failure:
                _attach(form, failure.fields, "password")
            else:
                return redirect(url_for("accounts.login", done="reset"))
        status = 422
    else:
        status = 400 if request.method == "POST" else 200
    return _no_store(make_response(
        render_template("accounts/reset_password.html", form=form, token=token), status))


# --- the account page: who I am, two-step sign-in, API tokens -----------------------------------


def _tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def _render_account(status=200, *, token_form=None, new_token=None, notice=None):
    user = _me()
    return _no_store(make_response(render_template(
        "accounts/account.html", user=user, tokens=_tokens_of(user),
        role_label=translate(domain.ROLE_LABELS.get(user.role, user.role)),
        token_form=token_form or TokenForm(formdata=None), new_token=new_token, notice=notice,
    ), status))


@bp.get("/account")
@login_required
def account():
    return _render_account(notice=request.args.get("done"))


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate():
        return _render_account(400, token_form=form)
    try:
        token = services.create_api_token(_me(), form.name.data, form.scopes.data or ())
    except ValidationFailed as failure:
        _attach(form, failure.fields, "name")
        return _render_account(422, token_form=form)
    # Shown on this page only, never again; the page is not cached.
    return _render_account(new_token={"name": form.name.data.strip(), "token": token})


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    services.revoke_api_token(_me(), token_id)  # someone else's token: a 404 page
    return redirect(url_for("accounts.account", done="revoked") + "#notice")


def _grouped(secret: str) -> str:
    """`JBSWY3DPEHPK3PXP` -> `JBSW Y3DP EHPK 3PXP`: easier to type into a phone."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _render_two_factor(user: User, status=200, *, code_form=None, disable_form=None):
    setup = None
    if code_form is not None:
        uri = services.totp_uri(user)
        setup = {"secret": _grouped(user.totp_secret),
                 "qr": segno.make(uri).svg_data_uri(scale=4)}
    return _no_store(make_response(render_template(
        "accounts/two_factor.html", user=user, setup=setup, code_form=code_form,
        disable_form=disable_form or DisableTwoFactorForm(formdata=None),
    ), status))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    user = _me()
    if user.totp_enabled:
        form = DisableTwoFactorForm()
        if not form.validate_on_submit():
            return _render_two_factor(user, 400 if request.method == "POST" else 200)
        try:
            services.disable_totp(user, form.password.data)
        except ValidationFailed as failure:
            _attach(form, failure.fields, "password")
            return _render_two_factor(user, 422, disable_form=form)
        return redirect(url_for("accounts.account", done="totp_off") + "#notice")

    action = request.form.get("action") if request.method == "POST" else None
    if action == "start":
        services.start_totp(user)
        return _render_two_factor(user, code_form=CodeForm(formdata=None))
    if action == "confirm" and user.totp_secret:
        form = CodeForm()
        if form.validate():
            try:
                services.confirm_totp(user, form.code.data)
            except ValidationFailed as failure:
                _attach(form, failure.fields, "code")
                form.code.data = ""
                return _render_two_factor(user, 422, code_form=form)
            return redirect(url_for("accounts.account", done="totp_on") + "#notice")
    return _render_two_factor(user, 400 if request.method == "POST" else 200)


# --- the organisation's staff -------------------------------------------------------------------


def _staff_of(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation_id).order_by(User.email)
    ))


def _render_users(form, status=200, notice=None, role_error=None):
    """The staff list; `role_error` = (user id, message) shows beside that person's role."""
    return render_template("accounts/users.html", form=form, notice=notice,
                           staff=_staff_of(current_user.organisation_id),
                           role_labels=domain.ROLE_LABELS, role_choices=form.role.choices,
                           role_error=role_error), status


@bp.route("/admin/users", methods=["GET", "POST"])
@staff_required(domain.ORG_ADMIN)
def users():
    form = InviteForm()
    form.fill_choices()
    if request.method == "GET":
        return _render_users(form, notice=request.args.get("done"))
    if not form.validate():
        return _render_users(form, 422)
    try:
        services.invite_user(inviter=_me(), email=form.email.data, role=form.role.data,
                             locale=current_locale(),
                             name=(form.name.data or "").strip())
    except ValidationFailed as failure:
        _attach(form, failure.fields, "email")
        return _render_users(form, 422)
    except Conflict as conflict:
        form.email.errors = [translate(conflict.message)]
        return _render_users(form, 422)
    return redirect(url_for("accounts.users", done="invited") + "#notice")


@bp.post("/admin/users/<int:user_id>/deactivate")
@staff_required(domain.ORG_ADMIN)
def deactivate_user(user_id):
    services.deactivate_user(_me(), user_id)  # someone of another organisation: a 404 page
    return redirect(url_for("accounts.users", done="deactivated") + "#notice")


@bp.post("/admin/users/<int:user_id>/reactivate")
@staff_required(domain.ORG_ADMIN)
def reactivate_user(user_id):
    services.reactivate_user(_me(), user_id)
    return redirect(url_for("accounts.users", done="reactivated") + "#notice")


@bp.post("/admin/users/<int:user_id>/role")
@staff_required(domain.ORG_ADMIN)
def change_role(user_id):
    try:
        services.change_role(_me(), user_id, request.form.get("role", ""))
    except ValidationFailed as failure:
        form = InviteForm(formdata=None)
        form.fill_choices()
        return _render_users(form, 422, role_error=(user_id, translate(failure.fields["role"][0])))
    return redirect(url_for("accounts.users", done="role_changed") + "#notice")
