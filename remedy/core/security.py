"""Response headers that every page and API answer carry."""

from flask import current_app

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
