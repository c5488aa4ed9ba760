"""Who is asking: staff sessions (Flask-Login) for pages, bearer tokens for the API.

The API never accepts a session cookie, so a page on another site cannot make a signed-in
browser call it (no CSRF through the API).
"""

from functools import wraps

from flask import g, request
from flask_login import current_user, session_protected, user_logged_out
from werkzeug.exceptions import Forbidden

from remedy.accounts import domain
from remedy.accounts.models import User
from remedy.core.errors import InsufficientScope, NotAuthorised
from remedy.core.messages import N_, msg
from remedy.extensions import db, login_manager


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    app.before_request(_remember_chosen_language)
    session_protected.connect(_no_remember_cookie_to_clear, app)
    user_logged_out.connect(_no_remember_cookie_to_clear, app)


def _no_remember_cookie_to_clear(sender, **extra) -> None:
    """Remedy never sets Flask-Login's remember cookie, so it has none to clear; left to
    itself Flask-Login would answer with a deletion cookie without HttpOnly, SameSite or
    Secure (after a strong session-protection check, or a sign-out)."""
    from flask import session

    session.pop("_remember", None)


def _remember_chosen_language() -> None:
    """A signed-in member of staff who picks a language (?lang=) gets emails in it too."""
    from flask import current_app

    from remedy.accounts.services import remember_locale
    from remedy.core.i18n import match_locale

    chosen = match_locale(request.args.get("lang"), current_app.config["LANGUAGES"])
    if chosen and current_user.is_authenticated:
        remember_locale(current_user, chosen)


def _load_user(session_id: str) -> User | None:
    """Session ids are `<user id>:<session version>`; an old version is signed out."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user


def staff_required(min_role: str = domain.CASEWORKER):
    """A page for signed-in staff of an organisation with at least `min_role`."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not domain.at_least(current_user.role, min_role):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapper

    return decorator


def bearer_user() -> User | None:
    """The staff user of this request's `Authorization: Bearer <token>`; None without a bearer
    token; NotAuthorised for a token that is wrong, revoked or of an inactive user;
    InsufficientScope for a token without the scope this method needs (read or write)."""
    from remedy.accounts.services import live_token

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    row = live_token(token.strip())
    if row is None:
        raise NotAuthorised(N_("Send a valid API token: Authorization: Bearer <token>."))
    if domain.scope_needed(request.method) not in row.scopes.split():
        raise InsufficientScope(msg(N_("This token has the scopes “%(scopes)s”; this needs "
                                       "“%(needed)s”. Create a token with that scope."),
                                    scopes=row.scopes, needed=domain.scope_needed(request.method)))
    return row.user


def api_staff(min_role: str = domain.CASEWORKER):
    """An API call authenticated by a bearer token; the user is `g.api_user`."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = bearer_user()
            if user is None:
                raise NotAuthorised(N_("Send a valid API token: Authorization: Bearer <token>."))
            if not domain.at_least(user.role, min_role):
                raise Forbidden()
            g.api_user = user
            return view(*args, **kwargs)

        return wrapper

    return decorator
