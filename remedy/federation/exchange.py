"""Asking another installation for something and reading its answer at once.

A read changes nothing at either end, so it needs no outbox: there is nothing to deliver
later, and the caller simply asks again at its next turn. The request is a message like any
other (signed, `POST /federation/v1/messages`); the answer is signed by the other
installation with the same four headers, in the answer context
(`crypto.ANSWER_CONTEXT`), and names the request's `message_id` in `in_reply_to`. The
answer is believed only if it verifies with a key the caller trusts for that installation:
a forged, tampered, replayed or misdirected answer is refused with a code saying why."""

import http.client
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping

from flask import current_app

from remedy.core.db import utcnow
from remedy.core.security import parse_json
from remedy.extensions import db
from remedy.federation import crypto
from remedy.federation.transport import FORMAT, PATH, signed_request

# An answer larger than this is not read.
MAX_ANSWER = 2 * 1024 * 1024
_CODE = re.compile(r"^[a-z_]{1,40}$")


class Failed(Exception):
    """Why asking did not give a verified answer: `unreachable`, `timeout`, `too_large`,
    `refused:<code>` (the other side's error code) or `http_<status>`, `unsigned`, `stale`,
    `unknown_key`, `bad_signature`, `not_an_answer`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def ask(kind: str, payload: dict, destination: str,
        public_key: Callable[[str], str | None]) -> dict:
    """Send a signed `kind` message to `destination` now and return the `result` of its
    signed answer. `public_key(key_id)` is the key the caller trusts for that installation
    with that id (None: not trusted). Raises Failed."""
    message_id = str(uuid.uuid4())
    body = {"format": FORMAT, "kind": kind, "message_id": message_id,
            "sent_at": utcnow().isoformat(), "payload": payload,
            "from": {"base_url": current_app.config["BASE_URL"]}}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    request = signed_request(raw, destination.rstrip("/") + PATH)
    db.session.commit()  # a key made on first use is kept before it is used
    timeout = current_app.config["FEDERATION_TIMEOUT_SECONDS"]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer, headers = response.read(MAX_ANSWER + 1), response.headers
    except urllib.error.HTTPError as error:
        raise Failed(_refusal(error)) from None
    except TimeoutError:
        raise Failed("timeout") from None
    except urllib.error.URLError as error:
        raise Failed("timeout" if isinstance(error.reason, TimeoutError)
                     else "unreachable") from None
    except (OSError, http.client.HTTPException):
        raise Failed("unreachable") from None
    if len(answer) > MAX_ANSWER:
        raise Failed("too_large")
    return verified_answer(headers, answer, message_id, public_key)


def _refusal(error: urllib.error.HTTPError) -> str:
    """The other side's error code (its envelope), or the bare status."""
    try:
        code = parse_json(error.read(4096))["error"]["code"]
    except (ValueError, KeyError, TypeError, OSError):
        code = None
    return f"refused:{code}" if isinstance(code, str) and _CODE.match(code) else (
        f"http_{error.code}")


def verified_answer(headers: Mapping[str, str], raw: bytes, message_id: str,
                    public_key: Callable[[str], str | None]) -> dict:
    """The `result` of an answer whose signature, time and `in_reply_to` are right;
    Failed if not. The same checks as on a request, but for the nonce: an answer is tied
    to its request by `in_reply_to` (a new message_id every time), not by a nonce."""
    key_id, nonce = headers.get("Remedy-Key-Id", ""), headers.get("Remedy-Nonce", "")
    signature, stamp = headers.get("Remedy-Signature", ""), headers.get("Remedy-Timestamp", "")
    if not (key_id and signature and stamp.isascii() and stamp.isdigit() and len(stamp) < 12
            and 16 <= len(nonce) <= 64 and nonce.isascii() and nonce.isalnum()):
        raise Failed("unsigned")
    if not crypto.fresh(int(stamp), time.time()):
        raise Failed("stale")
    key = public_key(key_id)
    if key is None:
        raise Failed("unknown_key")
    if not crypto.verify(key, signature, int(stamp), nonce, raw, crypto.ANSWER_CONTEXT):
        raise Failed("bad_signature")
    try:
        body = parse_json(raw)
    except ValueError:
        raise Failed("not_an_answer") from None
    if not (isinstance(body, dict) and body.get("ok") is True
            and body.get("in_reply_to") == message_id and isinstance(body.get("result"), dict)):
        raise Failed("not_an_answer")
    return body["result"]
