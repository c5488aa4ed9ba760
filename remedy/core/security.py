"""Response headers that every page and API answer carry; requests' input read safely."""

import json

from flask import Request as FlaskRequest
from flask import current_app
from flask.json.provider import DefaultJSONProvider
from werkzeug.utils import cached_property


def _without_nul(values):
    if not any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
        return values
    return type(values)([(key.replace("\x00", ""), value.replace("\x00", ""))
                         for key, value in values.items(multi=True)])


class Request(FlaskRequest):
    """Form fields and URL arguments without NUL characters: no person types one, and
    PostgreSQL refuses them in text (a NUL in a sign-in email was a 500)."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if "form" in self.__dict__:
            self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self):
        return _without_nul(FlaskRequest.args.fget(self))


def parse_json(raw, **kwargs):
    """`json.loads` for what others send: a text nested too deeply for the parser is not
    JSON either (ValueError, like any other), not a RecursionError (a 500)."""
    try:
        return json.loads(raw, **kwargs)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, in people's own scripts rather than \\u escapes; request bodies read
    with `parse_json`."""

    ensure_ascii = False

    def loads(self, s, **kwargs):
        return parse_json(s, **kwargs)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def form_checks_csrf(view):
    """Mark a view whose FlaskForm checks the CSRF token itself, so that an expired token
    re-renders the form with the person's answers instead of an error page."""
    view.csrf_checked_by_form = True
    return view


def require_csrf():
    """Every unsafe request from a browser carries a valid CSRF token. The API and the
    federation endpoint are exempt: they authenticate with headers (a token, a complainant's
    secret, an installation's signature), never with cookies."""
    from flask import request

    from remedy.extensions import csrf

    if request.method in SAFE_METHODS or request.blueprint in ("api", "federation"):
        return
    if request.routing_exception is not None:
        return  # a 404 or 405 answers first
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and getattr(view, "csrf_checked_by_form", False):
        return
    csrf.protect()
