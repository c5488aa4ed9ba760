"""The published federation formats (docs/federation/*.schema.json, docs/federation.md)
against what the code really sends: the packets of real referrals, with and without consent
and of a collective claim; every message of the outbox after a send and each step; a key
rotation's announcement; the signing input and the receiver's answers as documented. A
schema that lets a broken packet through fails too."""

import base64
import copy
import hashlib
import json
import re
import secrets
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from sqlalchemy import select

from remedy.cases.models import Case
from remedy.core import vocabulary
from remedy.extensions import db
from remedy.federation import crypto, inbox, transport
from remedy.federation.models import InstallationKey, OutgoingMessage
from remedy.referrals import domain, packets
from tests.cases.conftest import file_complaint
from tests.conftest import app_context, run_jobs

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMAS = {name: json.loads((DOCS / "federation" / name).read_text("utf-8"))
           for name in ("message-v1.schema.json", "referral-packet-v1.schema.json")}
MESSAGE, PACKET = SCHEMAS["message-v1.schema.json"], SCHEMAS["referral-packet-v1.schema.json"]
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values())

NARRATIVE = ("Our account data was shared without our consent. Write to me at ana@example.org "
             "or +45 20 12 34 56. Ana Berg and Per Holm")
RICH_COMPLAINT = {
    "filer_type": "group", "group_size": 3, "title": "Data shared by Nordic Data, says Ana Berg",
    "narrative": NARRATIVE, "deployer": "Nordic Data AB", "deployer_country": "SE",
    "provider": "Profilr Inc", "harm_country": "SE", "date_of_harm": "2024-03-01",
    "rights_dimensions": ["privacy_data_protection", "equality_non_discrimination"],
    "grounds": ["age"], "remedies_sought": ["deletion", "explanation"],
    "co_complainants": [{"name": "Per Holm", "email": "per@example.org"}],
    "contact": {"name": "Ana Berg", "email": "ana@example.org", "phone": "+45 20 12 34 56",
                "preferred_language": "da"},
}


def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


def problems(schema, instance) -> list[str]:
    """What is wrong with the instance ([] when it validates)."""
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(schema).iter_errors(instance)]


def _follow(ref: str, root: dict) -> tuple[dict, dict]:
    document, _, pointer = ref.partition("#")
    if document:
        root = SCHEMAS[document]
    node = root
    for part in filter(None, pointer.split("/")):
        node = node[part]
    return node, root


def _applying(schema, root, instance):
    """(subschema, its document) for the schema and every subschema that applies to the
    instance: $refs followed, allOf, the anyOf/oneOf branches it matches, if/then."""
    if not isinstance(schema, dict):
        return
    yield schema, root
    if "$ref" in schema:
        yield from _applying(*_follow(schema["$ref"], root), instance)
    for sub in schema.get("allOf", []):
        yield from _applying(sub, root, instance)
    for sub in schema.get("anyOf", []) + schema.get("oneOf", []):
        if validator(root).evolve(schema=sub).is_valid(instance):
            yield from _applying(sub, root, instance)
    if "if" in schema:
        matched = validator(root).evolve(schema=schema["if"]).is_valid(instance)
        yield from _applying(schema.get("then" if matched else "else"), root, instance)


def undocumented(instance, schemas=((MESSAGE, MESSAGE),), path="") -> list[str]:
    """Paths of fields that no applying schema describes. The schemas stay open (a later
    version may add fields), so the code is held to what is documented here."""
    applying = [found for schema, root in schemas for found in _applying(schema, root, instance)]
    found = []
    if isinstance(instance, dict):
        for name, value in instance.items():
            subs = [(s["properties"][name], r) for s, r in applying
                    if name in s.get("properties", {})]
            found += undocumented(value, subs, f"{path}/{name}") if subs else [f"{path}/{name}"]
    elif isinstance(instance, list):
        items = [(s["items"], r) for s, r in applying if "items" in s]
        for number, item in enumerate(instance):
            found += undocumented(item, items, f"{path}/{number}")
    return sorted(set(found))


def conforms_packet(packet: dict) -> None:
    assert problems(PACKET, packet) == []
    assert undocumented(packet, [(PACKET, PACKET)]) == []


def conforms_message(body: dict) -> None:
    assert problems(MESSAGE, body) == []
    assert undocumented(body) == []


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _target(client, headers, case_id) -> int:
    """The directory id of the other organisation (in Sweden): from the case's routing, or
    from the directory when routing does not suggest it (a collective claim's case)."""
    routing = client.get(f"/api/v1/cases/{case_id}/routing", headers=headers).get_json()
    directory = client.get("/api/v1/directory", headers=headers).get_json()
    return next(entry["id"] for entry in [i["authority"] for i in routing["items"]]
                + directory["items"] if entry["local"] and entry["country"] == "SE")


def _ask(client, headers, case_id, message="The deployer is established in Sweden; please "
                                           "take this up."):
    return {"case_id": case_id, "authority_id": _target(client, headers, case_id),
            "message": message}


def _outbox(app) -> list[OutgoingMessage]:
    with app_context(app):
        rows = db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)).all()
        db.session.expunge_all()
        return rows


# --- the schemas themselves -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_schemas_are_valid_draft_2020_12(name):
    Draft202012Validator.check_schema(SCHEMAS[name])
    assert SCHEMAS[name]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schemas_name_what_the_code_uses(app):
    """Formats, kinds, steps and codes are the code's own (a new code is documented)."""
    assert MESSAGE["properties"]["format"]["const"] == transport.FORMAT
    assert PACKET["properties"]["format"]["const"] == packets.FORMAT
    assert set(MESSAGE["properties"]["kind"]["enum"]) == set(inbox.HANDLERS)
    step = MESSAGE["$defs"]["referral_step"]
    assert set(step["properties"]["action"]["enum"]) == set(domain.ACTIONS) - {"send"}
    assert set(step["if"]["properties"]["action"]["enum"]) == {
        name for name, action in domain.ACTIONS.items() if action.text_label}
    assert step["properties"]["text"]["maxLength"] == domain.MAX_TEXT
    codes = PACKET["$defs"]
    assert codes["sector"]["enum"] == list(vocabulary.SECTORS)
    assert codes["rights_dimension"]["enum"] == list(vocabulary.RIGHTS_DIMENSIONS)
    assert codes["ground"]["enum"] == list(vocabulary.GROUNDS)
    assert codes["remedy"]["enum"] == list(vocabulary.REMEDIES)
    assert codes["complaint"]["properties"]["filer_type"]["enum"] == list(vocabulary.FILER_TYPES)


# --- real packets and messages ----------------------------------------------------------------


@pytest.mark.parametrize("consent", [False, True], ids=["pseudonymised", "with_consent"])
def test_the_packet_of_a_real_referral_validates(app, token, consent):
    _, _, case_id = file_complaint(app, **RICH_COMPLAINT, consents={
        "contact": True, "share_across_borders": consent})
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    ask = _ask(client, ours, case_id)

    preview = client.post("/api/v1/referrals?preview=1", json=ask, headers=ours).get_json()
    conforms_packet(preview["packet"])
    sent = client.post("/api/v1/referrals", json=ask, headers=ours)
    assert sent.status_code == 201, sent.get_json()
    packet = sent.get_json()["packet"]
    conforms_packet(packet)
    run_jobs(app)
    incoming = client.get("/api/v1/referrals?direction=incoming", headers=theirs).get_json()
    received = client.get(f"/api/v1/referrals/{incoming['items'][0]['id']}",
                          headers=theirs).get_json()["packet"]
    assert received == packet

    assert packet["subject"] == "case" and packet["to"]["base_url"] is None  # same installation
    assert packet["from"]["base_url"] == app.config["BASE_URL"]
    text = json.dumps(packet)
    if consent:
        assert packet["personal_data"] == "included"
        assert packet["complainant"]["email"] == "ana@example.org"
        assert packet["complainant"]["co_complainants"] == [
            {"name": "Per Holm", "email": "per@example.org"}]
        assert "Ana Berg" in packet["case"]["narrative"]
    else:
        assert packet["personal_data"] == "withheld"
        assert set(packet["complainant"]) == {"pseudonym"}
        for personal in ("ana@example.org", "per@example.org", "20 12 34 56", "Berg", "Holm"):
            assert personal not in text
        assert packets.WITHHELD in packet["case"]["narrative"]
        # The pseudonymised variant admits nothing else about the person.
        leaky = copy.deepcopy(packet)
        leaky["complainant"]["email"] = "ana@example.org"
        assert problems(PACKET, leaky)


def test_the_packet_of_a_collective_claim_validates(app, token, staff):
    filed = [file_complaint(app, title=f"Deactivated {n}", ai_system="Uber driver app",
                            deployer="Uber B.V.", sector="employment",
                            rights_dimensions=["access_to_remedy"],
                            narrative="My driver account was deactivated by the app overnight, "
                                      "with no explanation and no human review.",
                            contact={"email": f"driver{n}@example.org"},
                            consents={"contact": True, "share_across_borders": True})
             for n in range(2)]
    with app_context(app):
        from remedy.accounts.models import User
        from remedy.collective.services import create_claim

        user = db.session.get(User, staff["caseworker"])
        ids = [db.session.get(Case, case_id).complaint_id for _, _, case_id in filed]
        claim_case_id = create_claim(user, ids, title="Drivers deactivated by the app",
                                     representative_name="Drivers' Union").case.id
    run_jobs(app)
    client = app.test_client()
    ours = bearer(token("caseworker"))
    preview = client.post("/api/v1/referrals?preview=1",
                          json=_ask(client, ours, claim_case_id), headers=ours).get_json()
    packet = preview["packet"]
    assert packet["subject"] == "collective_claim" and packet["complainant"] is None
    assert packet["personal_data"] == "withheld"  # members' consent never makes it cross
    assert packet["case"]["indicators"]["complaints"] == 2
    assert "driver0@example.org" not in json.dumps(packet)
    conforms_packet(packet)


def _steps(app, client, ours, theirs, sent_id, incoming_id, steps):
    for side, action, text in steps:
        headers, referral_id = (theirs, incoming_id) if side == "receiver" else (ours, sent_id)
        response = client.post(f"/api/v1/referrals/{referral_id}/steps",
                               json={"action": action, "text": text}, headers=headers)
        assert response.status_code == 200, response.get_json()
        run_jobs(app)


def _referral(app, client, ours, theirs, **changes):
    _, _, case_id = file_complaint(app, deployer="Nordic Data AB", deployer_country="SE",
                                   rights_dimensions=["privacy_data_protection"], **changes)
    sent = client.post("/api/v1/referrals", json=_ask(client, ours, case_id), headers=ours)
    assert sent.status_code == 201, sent.get_json()
    run_jobs(app)
    incoming = client.get("/api/v1/referrals?direction=incoming&per_page=100",
                          headers=theirs).get_json()["items"]
    uid = sent.get_json()["uid"]
    return sent.get_json()["id"], next(r["id"] for r in incoming if r["uid"] == uid), uid


def test_every_message_of_the_outbox_validates(app, token):
    client = app.test_client()
    ours, theirs = bearer(token("caseworker")), bearer(token("other"))
    sent_id, incoming_id, uid = _referral(app, client, ours, theirs)
    _steps(app, client, ours, theirs, sent_id, incoming_id, [
        ("receiver", "acknowledge", None),
        ("receiver", "request_info", "When did the account data leak?"),
        ("sender", "answer", "In March; the complainant has the emails."),
        ("receiver", "accept", None),
        ("receiver", "conclude", "The deployer stopped sharing the data."),
    ])
    declined = _referral(app, client, ours, theirs, title="A second complaint")
    _steps(app, client, ours, theirs, *declined[:2], [("receiver", "decline", "Not ours.")])
    withdrawn = _referral(app, client, ours, theirs, title="A third complaint")
    _steps(app, client, ours, theirs, *withdrawn[:2], [("sender", "withdraw", None)])

    rows = _outbox(app)
    assert [(r.body["kind"], r.body["payload"].get("action")) for r in rows] == [
        ("referral.offer", None), ("referral.step", "acknowledge"),
        ("referral.step", "request_info"), ("referral.step", "answer"),
        ("referral.step", "accept"), ("referral.step", "conclude"),
        ("referral.offer", None), ("referral.step", "decline"),
        ("referral.offer", None), ("referral.step", "withdraw")]
    for row in rows:
        conforms_message(row.body)
        assert (row.body["message_id"], row.body["kind"]) == (row.message_id, row.kind)
        assert row.status == "delivered" and row.destination is None  # both are here
    assert rows[0].body["payload"]["packet"]["uid"] == uid
    assert {r.body["payload"].get("uid") for r in rows[1:6]} == {uid}
    assert rows[-1].body["payload"]["text"] is None


def test_a_key_rotation_announcement_validates(app):
    """`federation-keys --rotate` tells every installation in the directory, signed with the
    old key (delivery fails here: nobody listens at that address)."""
    peer = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with app_context(app):
        from remedy.referrals import directory

        directory.import_entries([{
            "name": "Peer authority", "country": "IE", "type": "dpa", "slug": "peer",
            "base_url": "http://127.0.0.1:9", "public_key": base64.b64encode(peer).decode()}])
    cli = app.test_cli_runner()
    first = cli.invoke(args=["remedy", "federation-keys"])
    assert first.exit_code == 0, first.output
    rotated = cli.invoke(args=["remedy", "federation-keys", "--rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert "1 installations told" in rotated.output
    old_id = first.output.split("key id ")[1].split()[0]
    new_public = rotated.output.strip().splitlines()[-1]

    (row,) = [r for r in _outbox(app) if r.kind == "keys.rotated"]
    conforms_message(row.body)
    assert row.sign_with == old_id and row.destination == "http://127.0.0.1:9"
    assert row.body["payload"]["old_key_id"] == old_id
    assert row.body["payload"]["new_public_key"] == new_public
    with app_context(app):  # both keys are published until the old one's end
        published = app.test_client().get("/federation/v1/keys").get_json()
        assert [k["key_id"] for k in published["keys"]] == [crypto.key_id(new_public), old_id]
        assert db.session.scalar(select(InstallationKey.valid_until).where(
            InstallationKey.key_id == old_id)).isoformat() == row.body["payload"]["old_valid_until"]


# --- what the schemas refuse ------------------------------------------------------------------


def test_a_broken_packet_or_message_fails_validation(app, token):
    _, _, case_id = file_complaint(app, deployer="Nordic Data AB", deployer_country="SE",
                                   rights_dimensions=["privacy_data_protection"])
    client = app.test_client()
    ours = bearer(token("caseworker"))
    packet = client.post("/api/v1/referrals?preview=1", json=_ask(client, ours, case_id),
                         headers=ours).get_json()["packet"]
    conforms_packet(packet)
    message = {"format": transport.FORMAT, "kind": "referral.offer",
               "message_id": "6f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c47",
               "sent_at": "2025-05-12T09:29:58.412907+00:00",
               "from": {"base_url": "https://remedy.example.dk"}, "payload": {"packet": packet}}
    conforms_message(message)
    step = {**message, "kind": "referral.step",
            "payload": {"uid": packet["uid"], "action": "request_info", "text": "Which version?"}}
    conforms_message(step)

    def broken(instance, change):
        copied = copy.deepcopy(instance)
        change(copied)
        return copied

    packets_ = {
        "no uid": broken(packet, lambda p: p.pop("uid")),
        "no case": broken(packet, lambda p: p.pop("case")),
        "no narrative": broken(packet, lambda p: p["case"].pop("narrative")),
        "unknown format": broken(packet, lambda p: p.update(format="remedy-referral/2")),
        "no receiving slug": broken(packet, lambda p: p["to"].update(slug=None)),
        "withheld, yet named": broken(packet, lambda p: p.update(
            complainant={"name": "Ana Berg", "email": None, "phone": None,
                         "preferred_language": None, "co_complainants": []})),
        "unknown sector": broken(packet, lambda p: p["case"].update(sector="mining")),
        "a date that is no date": broken(packet, lambda p: p.update(reply_due="2025-13-45")),
    }
    messages = {
        "unknown envelope format": broken(message, lambda m: m.update(
            format="remedy-federation/2")),
        "unknown kind": broken(message, lambda m: m.update(kind="referral.gossip")),
        "no message id": broken(message, lambda m: m.pop("message_id")),
        "an offer without its packet": broken(message, lambda m: m.update(payload={})),
        "an offer with a broken packet": broken(message, lambda m: m["payload"]["packet"].pop(
            "to")),
        "a question without words": broken(step, lambda m: m["payload"].update(text=None)),
        "an unknown step": broken(step, lambda m: m["payload"].update(action="send")),
        "a rotation without the new key": broken(message, lambda m: m.update(
            kind="keys.rotated", payload={"old_key_id": "9cb89471955c0e33",
                                          "old_valid_until": "2025-05-19T09:30:00+00:00"})),
    }
    assert [name for name, p in packets_.items() if not problems(PACKET, p)] == []
    assert [name for name, m in messages.items() if not problems(MESSAGE, m)] == []


# --- the exchange as docs/federation.md describes it -----------------------------------------


def _example(doc: str) -> dict:
    """The worked example of docs/federation.md: its key, headers and body."""
    values = dict(re.findall(r"^\s*(Remedy-[A-Za-z-]+|Public key|Private key): (\S+)$", doc,
                             flags=re.MULTILINE))
    body = re.search(r"^\s*(\{\"format\":\"remedy-federation/1\".*\})$", doc, flags=re.MULTILINE)
    return {**values, "body": body.group(1).encode()}


def test_the_worked_example_and_the_signing_input_are_right():
    """An independent implementation of the documented signing input, and the document's
    example, agree with the code."""
    example = _example((DOCS / "federation.md").read_text("utf-8"))
    public, body = example["Public key"], example["body"]
    key_id = hashlib.sha256(base64.b64decode(public)).hexdigest()[:16]
    assert key_id == example["Remedy-Key-Id"] == crypto.key_id(public)
    timestamp, nonce = int(example["Remedy-Timestamp"]), example["Remedy-Nonce"]
    signing_input = "\n".join(["remedy-federation-v1", key_id, str(timestamp), nonce,
                               hashlib.sha256(body).hexdigest()]).encode()
    assert signing_input == crypto.signing_input(key_id, timestamp, nonce, body)
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(example["Private key"]))
    signature = base64.b64encode(private.sign(signing_input)).decode()
    assert signature == example["Remedy-Signature"]  # Ed25519 signatures are deterministic
    assert crypto.verify(public, signature, timestamp, nonce, body)
    assert not crypto.verify(public, signature, timestamp + 1, nonce, body)
    conforms_message(json.loads(body))


def _trusted_peer(app):
    """A key pair trusted through the directory, as another installation's."""
    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    with app_context(app):
        from remedy.referrals import directory

        directory.import_entries([{"name": "Peer authority", "country": "IE", "type": "dpa",
                                   "slug": "peer", "base_url": "https://peer.example",
                                   "public_key": public}])

    def post(body: bytes, **headers):
        timestamp, nonce = int(time.time()), secrets.token_hex(16)
        key_id = hashlib.sha256(base64.b64decode(public)).hexdigest()[:16]
        signed = "\n".join(["remedy-federation-v1", key_id, str(timestamp), nonce,
                            hashlib.sha256(body).hexdigest()]).encode()
        response = app.test_client().post("/federation/v1/messages", data=body, headers={
            "Content-Type": "application/json", "Remedy-Key-Id": key_id,
            "Remedy-Timestamp": str(timestamp), "Remedy-Nonce": nonce,
            "Remedy-Signature": base64.b64encode(private.sign(signed)).decode(), **headers})
        return response.status_code, (response.get_json() or {}).get("error", {}).get("code")

    return post


def test_the_receiver_answers_as_documented(app, staff):
    post = _trusted_peer(app)
    envelope = {"format": "remedy-federation/1", "kind": "referral.step",
                "message_id": "6f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c47",
                "sent_at": "2025-05-12T09:29:58.412907+00:00",
                "from": {"base_url": "https://peer.example"},
                "payload": {"uid": "0b6c4f3e-8a51-4d2e-9f7a-5c1d2e3f4a5b", "action": "accept",
                            "text": None}}

    def as_bytes(**changes):
        return json.dumps({**envelope, **changes}).encode()

    assert post(as_bytes(format="remedy-federation/2")) == (422, "unknown_kind")
    assert post(as_bytes(kind="referral.gossip", message_id=
                         "6f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c48")) == (422, "unknown_kind")
    assert post(b"not json") == (400, "not_json")
    assert post(b"[1, 2]") == (400, "not_a_message")
    assert post(as_bytes()) == (404, "not_found")  # no such referral here
    assert post(as_bytes(), **{"Remedy-Signature": base64.b64encode(
        b"\0" * 64).decode()}) == (401, "bad_signature")
    assert post(b"{}", **{"Remedy-Nonce": "short"}) == (401, "unsigned")
    assert post(b"{}", **{"Remedy-Timestamp": str(int(time.time()) - 3600)}) == (
        401, "stale")
    assert post(b"{" + b" " * inbox.MAX_BODY + b"}") == (413, "too_large")

    offer = {"packet": {"format": "remedy-referral/1", "uid": "a", "from": {}, "to": {
        "slug": "nobody-here"}}}
    assert post(as_bytes(kind="referral.offer", payload=offer, message_id=
                         "6f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c49")) == (422, "validation_failed")
