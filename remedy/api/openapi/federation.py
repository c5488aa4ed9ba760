"""The federation endpoints: signed messages between Remedy installations, and this
installation's public keys (remedy/federation/views.py; docs/federation.md). Not under
/api/v1: no rate limit of the API, and no tokens."""

from remedy.api.openapi.components import (
    ANYONE,
    STRING,
    answer,
    array,
    errors,
    nullable,
    obj,
    operation,
)
from remedy.federation.transport import FORMAT

TAGS = ["federation"]
SIGNED = [{"federationSignature": []}]
# Every kind a handler is registered for (remedy.federation.inbox.HANDLERS); the document
# test checks that the two lists agree.
KINDS = ("keys.rotated", "observatory.stats_request", "referral.erase", "referral.offer",
         "referral.step")


def _header(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "header", "required": True, "schema": schema,
            "description": description}


MESSAGE = obj({
    "format": {"type": "string", "const": FORMAT},
    "kind": {"type": "string", "enum": list(KINDS), "description": "What the message is; "
             "the payload's shape depends on it (docs/federation.md)."},
    "message_id": {"type": "string", "minLength": 1, "maxLength": 36},
    "sent_at": {"type": "string", "format": "date-time"},
    "from": obj({"base_url": STRING}, required=[]),
    "payload": {"type": "object"},
}, required=["format", "kind", "message_id", "payload"],
    description="The envelope of a federation message "
                "(docs/federation/message-v1.schema.json).")

SCHEMAS = {"FederationMessage": MESSAGE}

PATHS = {
    "/federation/v1/messages": {"post": operation(
        "receive_federation_message", "Receive a signed message from another installation",
        tags=TAGS, security=SIGNED, rate_limited=False,
        description="Checked in order: size (413 `too_large`), headers (401 `unsigned`), time "
                    "(401 `stale`), key (401 `unknown_key`), signature (401 `bad_signature`), "
                    "nonce (409 `replayed`), body (400 `not_json`, `not_a_message`), kind "
                    "(422 `unknown_kind`); then the handler of the kind may refuse it (404, "
                    "409, 422). A message already accepted gets its first result back. "
                    "Errors carry the code as their message.",
        parameters=[
            _header("Remedy-Key-Id", {"type": "string", "maxLength": 16},
                    "The signing key's id: 16 hex digits of the SHA-256 of the public key."),
            _header("Remedy-Timestamp", {"type": "string", "pattern": "^[0-9]{1,11}$"},
                    "Unix time in seconds; within 300 s of the receiver's clock."),
            _header("Remedy-Nonce", {"type": "string", "pattern": "^[A-Za-z0-9]{16,64}$"},
                    "New for every request."),
        ],
        request_body={"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/FederationMessage"}}}},
        responses={"200": answer(
            "Accepted (or accepted before: the first result). The answer is signed by this "
            "installation, in the answer context, with the same four headers.",
            obj({"ok": {"type": "boolean", "const": True},
                 "in_reply_to": {"type": "string", "description": "The message's id."},
                 "result": {"type": "object"}}),
            headers={name: {"required": True, "schema": STRING} for name in (
                "Remedy-Key-Id", "Remedy-Timestamp", "Remedy-Nonce", "Remedy-Signature")}),
                   **errors(400, 404, 409, 413, 422)})},
    "/federation/v1/keys": {"get": operation(
        "federation_keys", "This installation's public keys", tags=TAGS, security=ANYONE,
        rate_limited=False, description="The keys it signs with, newest first.",
        responses={"200": answer("The keys.", obj({
            "base_url": STRING,
            "keys": array(obj({"key_id": STRING, "public_key": STRING,
                               "valid_until": nullable({"type": "string",
                                                        "format": "date-time"})})),
        }))})},
}
