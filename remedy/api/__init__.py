"""The /api/v1 blueprint: one JSON envelope for answers and one for errors.

Errors are `{"error": {"code", "message", "fields"}}` with the right 4xx status, whatever
went wrong, including a body that is not JSON at all.
"""

from flask import Blueprint, current_app, jsonify, request

from remedy.core import idempotency
from remedy.core.db import as_id
from remedy.core.errors import DomainError, ValidationFailed
from remedy.core.i18n import translate, translate_fields
from remedy.core.messages import N_
from remedy.extensions import limiter

bp = Blueprint("api", __name__)


def _caller() -> str:
    """Whom the general API limit counts: a bearer token (by its hash), else the address."""
    import hashlib

    from flask_limiter.util import get_remote_address

    bearer = request.headers.get("Authorization", "")
    if bearer:
        return "token:" + hashlib.sha256(bearer.encode()).hexdigest()[:32]
    return "address:" + get_remote_address()


# Every /api/v1 call counts against RATELIMIT_API per token or address; filing, tracking and
# complainants' writes keep their own stricter limits (intake.limits) on top.
# One budget for the whole API (a shared scope), not one per operation.
limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api", key_func=_caller,
                     override_defaults=False)(bp)


def error_response(status: int, code: str, message, fields: dict | None = None, **extra):
    body = {"error": {"code": code, "message": translate(message),
                      "fields": translate_fields(fields or {}), **extra}}
    return jsonify(body), status


def json_body() -> dict:
    """The request's JSON object; a 400 if the body is not one."""
    if not request.is_json:
        raise DomainError(N_("Send a JSON body with Content-Type: application/json."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(N_("The body is not a JSON object."))
    return data


def page_args() -> tuple[int, int]:
    """`?page=` and `?per_page=` (1 to 100) of a list; a field error if they are wrong."""
    page, per_page = request.args.get("page", "1"), request.args.get("per_page", "20")
    fields = {}
    if as_id(page) is None:
        fields["page"] = [N_("Write a whole number.")]
    if as_id(per_page) is None or not 1 <= int(per_page) <= 100:
        fields["per_page"] = [N_("Write a whole number between 1 and 100.")]
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return int(page), int(per_page)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def idempotency_key() -> str | None:
    """The request's `Idempotency-Key`, checked; None without one."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not 8 <= len(key) <= 255 or not key.isprintable():
        raise ValidationFailed(N_("Some answers need attention."), {
            "Idempotency-Key": [N_("Use a UUID or another unique string of 8 to 255 characters.")]
        })
    return key


def idempotent(scope: str, make_result):
    """Answer a POST once per Idempotency-Key: a retry gets the first answer back.

    `scope` names the operation and the caller (so that two callers' keys never meet);
    `make_result()` does the work (and commits) and returns (body, status)."""
    key = idempotency_key()
    if key is None:
        return _json(*make_result())
    config = current_app.config
    fingerprint = idempotency.fingerprint([request.path, request.get_json(silent=True),
                                           request.form.to_dict(flat=False)])
    prior = idempotency.recall(scope, key, fingerprint, server_secret=config["SECRET_KEY"],
                               ttl_hours=config["IDEMPOTENCY_TTL_HOURS"])
    if prior is not None:
        response = jsonify(prior["body"])
        response.status_code = prior["status"]
        response.headers["Idempotent-Replayed"] = "true"
        return response
    body, status = make_result()
    idempotency.keep_answer(scope, key, fingerprint, {"body": body, "status": status},
                            server_secret=config["SECRET_KEY"], status_code=status)
    return _json(body, status)


def _json(body, status):
    response = jsonify(body)
    response.status_code = status
    return response
