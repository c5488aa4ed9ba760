"""Hostile bodies for every operation of the API that takes one (POST, PATCH, PUT, DELETE in
/api/v1/openapi.json, so that a new operation is covered without a change here), sent with
the credentials the operation wants, on the world of tests/api/conftest.py: bodies that are
not JSON, JSON under another content type, arrays and scalars, nesting thousands deep,
numbers beyond any range, a valid body with one field of the wrong type, or with extra
fields.

tests/api/test_schemathesis.py sends bodies that follow or break the document's schemas;
these are the ones a schema does not think of. Every answer is below 500; every refusal is
the API's error envelope; a valid body with one field spoilt is refused naming that field,
when it is refused as invalid (422).
"""

import json
import secrets
import time

import hypothesis.strategies as st
from hypothesis import given

from remedy.federation import crypto
from tests.abuse.fuzzing import CASES, PLANNED, RAN, examples, fuzz, run_collecting
from tests.api.conftest import api_world  # noqa: F401  (the world the requests aim at)
from tests.factories import CANARY_CONTACT, complaint_payload

N = 50  # cases per operation
TEXT = "A few plain words about this, long enough for every rule."

# Any JSON value, hostile ones first.
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-2**80, max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["", "\x00", "a\x00b", "\u202e", "😀" * 3, "x" * 70_000, "-1", "1e999",
                         "2026-02-30", "RMD-0000-0000", "<script>", "NaN", "true", "[]"]),
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12)
RAW_NUMBERS = ["1e400", "-1e400", "1" + "0" * 5000, "-0", "1.7976931348623157e309",
               "123456789012345678901234567890", "NaN", "Infinity", "-Infinity", "0.1e-400"]


def _valid_bodies(world) -> dict:
    """A body each operation accepts (or refuses only for the state it is in)."""
    today = time.strftime("%Y-%m-%d")
    return {
        "file_complaint": complaint_payload(contact=dict(CANARY_CONTACT),
                                            consents={"contact": True}),
        "post_message": {"body": TEXT},
        "withdraw_complaint": {"reason": TEXT},
        "change_consents": {"publish_narrative": True},
        "transition_case": {"to": "triage", "reason": TEXT},
        "create_referral": {"case_id": world["complaints"]["b"]["case_id"],
                            "authority_id": world["authority_ids"][0], "message": TEXT},
        "referral_step": {"action": "acknowledge", "text": TEXT},
        "send_respondent_request": {"questions": ["explanation"], "summary": TEXT},
        "respond": {"category": "in_progress", "final_due": today},
        "give_feedback": {"satisfied": False, "comment": TEXT},
        "remedy_check": {"happened": True, "comment": TEXT},
        "correct_respondent": {"aliases": ["Acme A/S"], "main_establishment_country": "DK"},
        "import_directory": [{"name": "Datatilsynet", "country": "NO", "type": "dpa"}],
        "decide_suggestion": {},
        "add_evidence": {},
        "receive_federation_message": {
            "format": "remedy-federation/1", "message_id": "00000000-0000-4000-8000-000000000001",
            "sent_at": "2026-01-01T00:00:00+00:00", "kind": "referral.step",
            "from": {"base_url": world["peer"]["base_url"]},
            "payload": {"uid": "00000000-0000-4000-8000-000000000002", "action": "acknowledge",
                        "text": None}},
    }


def _operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    found = []
    for path, item in sorted(document["paths"].items()):
        for method, operation in sorted(item.items()):
            if method in ("post", "patch", "put", "delete"):
                found.append((method.upper(), path, operation))
    return found


def _url(path: str, world) -> str:
    complaints = world["complaints"]
    values = {"{reference}": complaints["a"]["reference"],
              "{case_id}": str(complaints["a"]["case_id"]),
              "{remedy_id}": str((complaints["a"]["remedy_ids"] or [1])[0]),
              "{referral_id}": str(world["referral_ids"][-1]),
              "{suggestion_id}": str(world["suggestion_ids"][0]), "{decision}": "confirm",
              "{respondent_id}": str(world["respondent"]["id"]),
              "{request_id}": str(world["respondent"]["request_ids"][0]),
              "{claim_id}": str(world["claim_ids"][0])}
    for name, value in values.items():
        path = path.replace(name, value)
    assert "{" not in path, f"no value for a parameter of {path}: add one to _url"
    return path


def _credentials(operation, world, body: bytes) -> dict:
    """The headers of a caller the operation lets in."""
    schemes = {name: scopes for requirement in operation.get("security", [])
               for name, scopes in requirement.items()}
    if "complainantSecret" in schemes:
        return {"X-Remedy-Secret": world["complaints"]["a"]["secret"]}
    if "respondent" in schemes.get("bearerAuth", []):
        return {"Authorization": f"Bearer {world['respondent']['tokens']['account']}"}
    if "bearerAuth" in schemes:
        role = {"supervisor": "supervisor", "org_admin": "org_admin"}.get(
            operation.get("x-remedy-min-role"), "caseworker")
        return {"Authorization": f"Bearer {world['tokens'][role]}"}
    if "federationSignature" in schemes:
        peer, stamp, nonce = world["peer"], int(time.time()), secrets.token_hex(16)
        return {"Remedy-Key-Id": crypto.key_id(peer["public_key"]),
                "Remedy-Timestamp": str(stamp), "Remedy-Nonce": nonce,
                "Remedy-Signature": crypto.sign(peer["private_key"], peer["public_key"],
                                                stamp, nonce, body)}
    return {}


@st.composite
def hostile_body(draw, valid):
    """(kind, the field spoilt or added or None, body bytes, content type)."""
    kind = draw(st.sampled_from(["not_json", "content_type", "not_object", "nested",
                                 "huge_number", "wrong_type", "wrong_type", "wrong_type",
                                 "extra_field"]))
    text = json.dumps(valid, ensure_ascii=False)
    if kind == "not_json":
        raw = draw(st.one_of(
            st.binary(max_size=200),
            st.sampled_from([b"", b"{", b'{"a":', b"\xff\xfe{}", b"\xef\xbb\xbf{}", b"{'a': 1}",
                             b'{"a": 1,}', b"null garbage", b'{"a":"\xc3\x28"}',
                             text.encode()[:-1], b"\x00" + text.encode()])))
        return kind, None, raw, "application/json"
    if kind == "content_type":
        media = draw(st.sampled_from([None, "text/plain", "application/x-www-form-urlencoded",
                                      "application/xml", "application/json; charset=latin-1",
                                      "application/json; charset=utf-16", "multipart/form-data",
                                      "application/vnd.api+json", "*/*"]))
        return kind, None, text.encode("utf-8"), media
    if kind == "not_object":
        value = draw(st.one_of(st.lists(JSON_VALUES, max_size=3), st.sampled_from(
            [None, True, 0, -1, "a string", [], [valid], [[valid]]])))
        return kind, None, json.dumps(value).encode(), "application/json"
    if kind == "nested":
        depth = draw(st.sampled_from([64, 999, 5_000, 100_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        inner = json.dumps(valid) if draw(st.booleans()) else "1"
        return kind, None, (opener * depth + inner + closer * depth).encode(), "application/json"
    if kind == "huge_number" and isinstance(valid, dict) and valid:
        field = draw(st.sampled_from(sorted(valid)))
        number = draw(st.sampled_from(RAW_NUMBERS))
        body = {**valid, field: "__NUMBER__"}
        raw = json.dumps(body).replace('"__NUMBER__"', number)
        return kind, field, raw.encode(), "application/json"
    if kind == "extra_field" and isinstance(valid, dict):
        key = draw(st.one_of(st.sampled_from(["__proto__", "", "\x00", "id", "organisation_id",
                                              "state", "k" * 300, "constructor"]),
                             st.text(max_size=12)))
        body = {**valid, key: draw(JSON_VALUES)} if key not in valid else valid
        return kind, key if key not in valid else None, json.dumps(body).encode(), \
            "application/json"
    if isinstance(valid, dict) and valid:
        field = draw(st.sampled_from(sorted(valid)))
        value = draw(JSON_VALUES.filter(lambda v: type(v) is not type(valid[field])))
        return "wrong_type", field, json.dumps({**valid, field: value}).encode(), \
            "application/json"
    return "not_object", None, json.dumps(draw(JSON_VALUES)).encode(), "application/json"


def _names(fields: dict, field: str) -> bool:
    """Whether the error names the field: itself, a part of it (`contact.email`), or itself
    inside what the body stands for (`consents.publish_narrative`)."""
    field = str(field)[:64]
    return any(key == field or key.startswith((f"{field}.", f"{field}["))
               or key.endswith(f".{field}") for key in fields)


def _fuzz_operation(app, method, path, operation, world, valid_bodies):
    client = app.test_client()
    url = _url(path, world)
    op_id = operation.get("operationId")
    valid = valid_bodies.get(op_id, {})

    @fuzz(N)
    @given(case=hostile_body(valid))
    def run(case):
        kind, field, body, media_type = case
        headers = _credentials(operation, world, body)
        response = client.open(url, method=method, data=body, headers=headers,
                               content_type=media_type)
        CASES["api"] += 1
        shown = body[:120] + (b"..." if len(body) > 120 else b"")
        where = f"{method} {url} ({kind}, {field!r}, {media_type}): {shown!r}"
        assert response.status_code < 500, f"{response.status_code} for {where}"
        if response.status_code >= 400:
            error = (response.get_json(silent=True) or {}).get("error")
            assert error and {"code", "message", "fields"} <= set(error), (
                f"{response.status_code} without the error envelope for {where}")
            if response.status_code == 422 and kind in ("wrong_type", "huge_number") \
                    and error["fields"]:
                assert _names(error["fields"], field), (
                    f"422 does not name {field!r} ({sorted(error['fields'])}) for {where}")

    PLANNED["api"] += examples(N)
    run()


def test_every_api_body_survives_hostile_input(app, api_world):  # noqa: F811
    operations = _operations(app.test_client())
    assert len(operations) >= 14
    valid_bodies = _valid_bodies(api_world)
    failures: list[str] = []
    for method, path, operation in operations:
        run_collecting(f"{method} {path}", lambda m=method, p=path, o=operation: _fuzz_operation(
            app, m, p, o, api_world, valid_bodies), failures)
    RAN.add("api:bodies")
    assert not failures, "\n\n".join(failures)
