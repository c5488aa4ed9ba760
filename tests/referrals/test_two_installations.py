"""Two installations pass referrals over real HTTP, signed: the whole exchange, a receiver
that is down while sending, and messages that must be refused."""

import json
import secrets
import time
import urllib.request

import pytest

from remedy.federation import crypto
from tests.referrals.installations import Installation, wait_for

COMPLAINT = {
    "filer_type": "individual", "title": "My data sold to advertisers",
    "narrative": "The app sold my location data to advertisers. Reach me at lin@example.org.",
    "complainant_country": "DK", "ai_system": "AdTarget", "deployer": "Emerald Ads Ltd",
    "deployer_country": "IE", "sector": "consumer_services",
    "rights_dimensions": ["privacy_data_protection"],
    "contact": {"name": "Lin Chen", "email": "lin@example.org"}, "consents": {"contact": True},
}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    work = tmp_path_factory.mktemp("federation")
    origin, receiver = Installation("a", work, 13), Installation("b", work, 14)
    try:
        origin.set_up("dk-nhri", "DK", "nhri")
        receiver.set_up("ie-dpc", "IE", "dpa")
        origin.trust(receiver, "IE", "dpa")
        receiver.trust(origin, "DK", "nhri")
        origin.start()
        receiver.start()
        yield origin, receiver
    finally:
        origin.close()
        receiver.close()


def _file_and_route(origin):
    status, filed = origin.post("/api/v1/complaints", COMPLAINT, auth=False)
    assert status == 201, filed
    cases = origin.get("/api/v1/cases?per_page=100")["items"]
    case_id = next(c["id"] for c in cases if c["reference"] == filed["reference"])
    routing = origin.get(f"/api/v1/cases/{case_id}/routing")
    return filed, case_id, routing


def _incoming(receiver, uid):
    items = receiver.get("/api/v1/referrals?direction=incoming&per_page=100")["items"]
    return next((r for r in items if r["uid"] == uid), None)


def test_a_referral_end_to_end_between_two_installations(pair):
    origin, receiver = pair
    filed, case_id, routing = _file_and_route(origin)
    top = routing["items"][0]
    assert top["authority"]["base_url"] == receiver.base_url and top["recommended"]
    assert [r["code"] for r in top["reasons"]][:2] == ["one_stop_shop", "fits_rights"]
    status, sent = origin.post("/api/v1/referrals", {
        "case_id": case_id, "authority_id": top["authority"]["id"],
        "message": "The deployer's main establishment is in Ireland."})
    assert status == 201, sent
    incoming = wait_for(lambda: _incoming(receiver, sent["uid"]), what="the offer")
    assert incoming["counterpart"]["base_url"] == origin.base_url
    received = receiver.get(f"/api/v1/referrals/{incoming['id']}")
    assert received["packet"] == sent["packet"]  # kept exactly as sent
    assert "lin@example.org" not in json.dumps(received["packet"])  # no consent: pseudonymised

    def step(side, referral_id, action, text=None):
        status, body = side.post(f"/api/v1/referrals/{referral_id}/steps",
                                 {"action": action, "text": text})
        assert status == 200, body

    def origin_state(state):
        return wait_for(lambda: (r := origin.get(f"/api/v1/referrals/{sent['id']}"))
                        and r["state"] == state and r, what=f"origin {state}")

    step(receiver, incoming["id"], "acknowledge")
    origin_state("acknowledged")
    step(receiver, incoming["id"], "request_info", "Which app version?")
    asked = origin_state("info_requested")
    assert asked["events"][-1]["text"] == "Which app version?"
    step(origin, sent["id"], "answer", "Version 4.2, from May.")
    wait_for(lambda: receiver.get(f"/api/v1/referrals/{incoming['id']}")["state"]
             == "acknowledged", what="the answer")
    step(receiver, incoming["id"], "accept")
    origin_state("accepted")
    accepted = receiver.get(f"/api/v1/referrals/{incoming['id']}")
    assert accepted["case_id"] and receiver.get(f"/api/v1/cases/{accepted['case_id']}")
    step(receiver, incoming["id"], "conclude", "The deployer deleted the data and was fined.")
    final = origin_state("concluded")
    assert final["outcome"] == "The deployer deleted the data and was fined."
    status, tracked = origin.request("GET", f"/api/v1/complaints/{filed['reference']}",
                                     auth=False, headers={"X-Remedy-Secret": filed["secret"]})
    assert any("was fined" in (e.get("body") or "") for e in tracked["timeline"])
    assert origin.get(f"/api/v1/cases/{case_id}")["attention"]["reason"] == "referral_concluded"


def test_a_receiver_that_is_down_gets_the_referral_once_when_it_is_back(pair):
    origin, receiver = pair
    _, case_id, routing = _file_and_route(origin)
    receiver.stop()
    try:
        status, sent = origin.post("/api/v1/referrals", {
            "case_id": case_id, "authority_id": routing["items"][0]["authority"]["id"],
            "message": "Sent while the receiver is down."})
        assert status == 201
        wait_for(lambda: origin.scalar(
            "SELECT attempts FROM federation_outbox WHERE kind = 'referral.offer' "
            "ORDER BY id DESC LIMIT 1"), what="a failed attempt")
    finally:
        receiver.start()
    time.sleep(1.1)  # the pause before the next attempt
    origin.cli("remedy", "scheduler", "--once")  # the periodic sweep
    incoming = wait_for(lambda: _incoming(receiver, sent["uid"]), what="the retried offer")
    origin.cli("remedy", "scheduler", "--once")  # nothing is left to send twice
    assert incoming["state"] == "sent"
    assert receiver.scalar("SELECT count(*) FROM referrals WHERE uid = :uid",
                           uid=sent["uid"]) == 1
    assert origin.scalar("SELECT count(*) FROM federation_outbox WHERE status <> 'delivered'") == 0


def _signed(installation, body: bytes, *, key=None, timestamp=None, nonce=None):
    private, public = key or (
        installation.scalar("SELECT private_key FROM installation_keys "
                            "WHERE valid_until IS NULL ORDER BY id DESC LIMIT 1"),
        installation.public_key)
    timestamp = int(time.time()) if timestamp is None else timestamp
    nonce = nonce or secrets.token_hex(16)
    return {"Remedy-Key-Id": crypto.key_id(public), "Remedy-Timestamp": str(timestamp),
            "Remedy-Nonce": nonce,
            "Remedy-Signature": crypto.sign(private, public, timestamp, nonce, body)}


def _raw_post(installation, body: bytes, headers):
    req = urllib.request.Request(installation.base_url + "/federation/v1/messages", data=body,
                                 method="POST", headers={"Content-Type": "application/json",
                                                         **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_tampered_replayed_stale_and_unknown_key_messages_are_refused(pair):
    origin, receiver = pair
    message = {"format": "remedy-federation/1", "kind": "referral.step",
               "message_id": "00000000-0000-0000-0000-000000000001",
               "from": {"base_url": origin.base_url},
               "payload": {"uid": "no-such-referral", "action": "accept"}}
    body = json.dumps(message).encode()
    refused_before = receiver.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'federation.refused'")

    headers = _signed(origin, body)
    tampered = body.replace(b"accept", b"decline")
    assert _raw_post(receiver, tampered, headers) == (401, {"error": {
        "code": "bad_signature", "message": "bad_signature", "fields": {}}})
    first = _raw_post(receiver, body, headers)
    assert first[0] == 404  # signature, time and nonce fine; no such referral here
    assert _raw_post(receiver, body, headers)[1]["error"]["code"] == "replayed"
    stale = _signed(origin, body, timestamp=int(time.time()) - 3600)
    assert _raw_post(receiver, body, stale)[1]["error"]["code"] == "stale"
    stranger = _signed(origin, body, key=crypto.new_key_pair())
    assert _raw_post(receiver, body, stranger)[1]["error"]["code"] == "unknown_key"
    assert _raw_post(receiver, body, {})[1]["error"]["code"] == "unsigned"
    refused = receiver.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'federation.refused'")
    assert refused - refused_before == 5


def test_a_rotated_key_is_announced_and_both_keys_work_during_the_overlap(pair):
    origin, receiver = pair
    old = (origin.scalar("SELECT private_key FROM installation_keys WHERE valid_until IS NULL"),
           origin.public_key)
    printed = origin.cli("remedy", "federation-keys", "--rotate")
    assert "1 installations told" in printed
    new_public = printed.splitlines()[-1]
    assert new_public != origin.public_key
    new_id = crypto.key_id(new_public)
    wait_for(lambda: receiver.scalar("SELECT count(*) FROM authority_keys WHERE key_id = :k",
                                     k=new_id), what="the new key at the receiver")
    new = (origin.scalar("SELECT private_key FROM installation_keys WHERE key_id = :k",
                         k=new_id), new_public)
    body = json.dumps({"format": "remedy-federation/1", "kind": "referral.step",
                       "message_id": secrets.token_hex(8), "from": {"base_url": origin.base_url},
                       "payload": {"uid": "none", "action": "accept"}}).encode()
    for key in (old, new):  # both verify (404: no such referral), neither is an unknown key
        status, answer = _raw_post(receiver, body, _signed(origin, body, key=key))
        assert status == 404, answer
    published = origin.get("/federation/v1/keys", auth=False)["keys"]
    assert [k["public_key"] for k in published] == [new_public, origin.public_key]
    assert published[1]["valid_until"] is not None
