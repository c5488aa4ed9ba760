"""One place that turns every failure into an answer: JSON under /api/, a page elsewhere.
Nothing here shows a stack trace or echoes what the person sent."""

import logging

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from remedy.core.errors import DomainError
from remedy.core.messages import N_

log = logging.getLogger(__name__)

# Plain-language titles for the error pages (translated at render time).
TITLES = {
    400: N_("Something in the request was not right"),
    401: N_("Please sign in or check your details"),
    403: N_("You cannot open this page"),
    404: N_("We could not find this page"),
    405: N_("This page cannot be used that way"),
    409: N_("This cannot be done now"),
    413: N_("What you sent is too large"),
    422: N_("Some answers need attention"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is not available just now"),
}

_API_CODES = {400: "bad_request", 401: "not_authorised", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large",
              415: "unsupported_media_type", 422: "validation_failed",
              429: "rate_limited", 500: "server_error", 503: "unavailable"}


def _page(status: int, message=None):
    title = TITLES.get(status, TITLES[500 if status >= 500 else 400])
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def handle_http(error: HTTPException):
    from remedy.api import error_response, is_api_request

    status = error.code or 500
    if isinstance(error, CSRFError):
        message = N_("This form has expired. Go back, reload the page and send it again.")
    elif status == 429:
        message = N_("Please wait a minute and try again. If you were filling in a form, go "
                     "back: your answers are still there.")
    elif status == 413:
        message = N_("The files are too large together. Send fewer or smaller files.")
    else:
        message = None
    if is_api_request():
        return error_response(status, _API_CODES.get(status, "error"),
                              message or TITLES.get(status, TITLES[400]))
    return _page(status, message)


def handle_domain(error: DomainError):
    from remedy.api import error_response, is_api_request

    if is_api_request():
        extra = {"allowed": error.allowed} if hasattr(error, "allowed") else {}
        return error_response(error.status, error.code, error.message, error.fields, **extra)
    return _page(error.status, error.message)


def handle_unexpected(error: Exception):
    from remedy.api import error_response, is_api_request

    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http(error)
    log.exception("unhandled error on %s %s", request.method, request.endpoint)
    if is_api_request():
        return error_response(500, "server_error", TITLES[500])
    return _page(500)


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    app.register_error_handler(Exception, handle_unexpected)
