"""The /api/v1 blueprint: one JSON envelope for answers and one for errors.

Errors are `{"error": {"code", "message", "fields"}}` with the right 4xx status, whatever
went wrong, including a body that is not JSON at all.
"""

from flask import Blueprint, jsonify, request

from remedy.core.errors import DomainError
from remedy.core.i18n import translate, translate_fields
from remedy.core.messages import N_

bp = Blueprint("api", __name__)


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


def is_api_request() -> bool:
    return request.path.startswith("/api/")
