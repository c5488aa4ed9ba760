"""`/federation/v1`: messages from other installations, and this one's public keys. Thin:
the checks live in `inbox`."""

from flask import Response, jsonify, request

from remedy.api import error_response
from remedy.core.errors import DomainError
from remedy.federation import bp, inbox
from remedy.federation.inbox import Refused


def _refused(error: Refused):
    inbox.record_refusal(error, request.headers.get("Remedy-Key-Id", "")[:16],
                         request.remote_addr)
    return error_response(error.status, error.code, error.code)


@bp.post("/messages")
def receive():
    if (request.content_length or 0) > inbox.MAX_BODY:
        return _refused(Refused(413, "too_large"))
    try:
        key_id, body = inbox.verified(request.headers, request.get_data(cache=True))
        result = inbox.handle(body, key_id=key_id, sender_url=(body.get("from") or {}).get(
            "base_url"))
    except Refused as error:
        return _refused(error)
    except DomainError as error:
        inbox.rolled_back(error)
        return error_response(error.status, error.code, error.message, error.fields)
    raw, signature = inbox.signed_answer(body["message_id"], result)
    return Response(raw, mimetype="application/json", headers=signature)


@bp.get("/keys")
def keys():
    """The public keys this installation signs with (the newest first)."""
    return jsonify(inbox.published())
