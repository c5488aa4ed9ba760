"""The regional observatory's rules (adding up published tables, refusing answers that hold
anything but published figures, stale figures) and its page and API when it is off, on
with nothing fetched, and asked wrongly. Fetching from another installation:
test_regional_fetch.py (in-process) and test_regional_installations.py (two gunicorns)."""

import base64
import hashlib
import json
import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from remedy.extensions import db
from remedy.federation import crypto
from remedy.federation.models import ReceivedMessage
from remedy.observatory import regional
from remedy.observatory.regional import Contributor, Figure, NotKept
from tests.cases.conftest import file_complaint
from tests.conftest import app_context

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _table(group, **cells):
    """Figures of one installation's table: key=count, or key=None for a suppressed cell."""
    return [Figure(group, key, count, count is None) for key, count in cells.items()]


# --- adding up -----------------------------------------------------------------------------


def test_counts_add_up_and_a_key_hidden_anywhere_is_marked_at_least():
    ours = _table("sector", employment=5, housing=10)
    theirs = _table("sector", employment=10, health=None, housing=None)
    third = _table("sector", employment=20, education=5)
    combined = regional.combine("sector", [ours, theirs, third])
    assert combined == [
        {"key": "employment", "count": 35, "suppressed": False, "hidden_at": 0},
        {"key": "housing", "count": 10, "suppressed": True, "hidden_at": 1},  # at least 10
        {"key": "education", "count": 5, "suppressed": False, "hidden_at": 0},
        {"key": "health", "count": None, "suppressed": True, "hidden_at": 1},  # hidden
    ]


def test_months_stay_in_order_and_nothing_is_nothing():
    combined = regional.combine("month", [_table("month", **{"2026-03": 10}),
                                          _table("month", **{"2026-01": 5, "2026-03": None})])
    assert [c["key"] for c in combined] == ["2026-01", "2026-03"]
    assert combined[1] == {"key": "2026-03", "count": 10, "suppressed": True, "hidden_at": 1}
    assert regional.combine("sector", []) == []


def test_totals_add_up_only_for_installations_that_contribute():
    found = [Contributor("", "https://here", own=True, total=15),
             Contributor("Peer", "https://peer", fetched_at=NOW, total=20),
             Contributor("Never", "https://never", total=None),
             Contributor("Broken", "https://broken", error="unreachable")]
    assert regional.total(found) == 35


def test_a_failing_installation_keeps_contributing_its_last_figures():
    failing = Contributor("Peer", "https://peer", fetched_at=NOW - timedelta(hours=1),
                          generated_at=NOW - timedelta(hours=2), error="bad_signature")
    assert failing.contributing and failing.reason == "bad_signature"
    assert not regional.is_stale(failing, NOW, 48)
    never = Contributor("New", "https://new")
    assert not never.contributing and never.reason == "never_fetched"
    refused = Contributor("Strict", "https://strict", error="refused:unknown_key")
    assert not refused.contributing and refused.reason == "refused:unknown_key"
    assert not regional.is_stale(never, NOW, 48)  # not contributing: nothing to be stale


def test_figures_are_stale_by_when_they_were_counted_not_when_they_were_fetched():
    fetched_now = Contributor("Peer", "https://peer", fetched_at=NOW,
                              generated_at=NOW - timedelta(hours=49))
    assert regional.is_stale(fetched_now, NOW, 48)
    assert not regional.is_stale(fetched_now, NOW, 50)
    own = Contributor("", "https://here", own=True, generated_at=NOW - timedelta(days=3))
    assert regional.is_stale(own, NOW, 48)  # this installation's rollups stopped too


# --- what another installation's answer may hold ---------------------------------------------


def _answer(**changes):
    table = {"group_by": "sector", "threshold": 5, "rounded_to": 5, "total": 20, "items": [
        {"key": "employment", "count": 10, "suppressed": False},
        {"key": "health", "count": None, "suppressed": True},
        {"key": "housing", "count": None, "suppressed": True}]}
    month = {"group_by": "month", "threshold": 5, "rounded_to": 5, "total": 20,
             "items": [{"key": "2026-03", "count": 20, "suppressed": False}]}
    result = {"format": "remedy-observatory/1", "base_url": "https://peer.example",
              "generated_at": "2026-11-28T11:55:00+00:00", "tables": [month, table]}
    for name, value in changes.items():
        if name in table:
            table[name] = value
        else:
            result[name] = value
    return result


def test_a_published_answer_is_kept_with_the_tables_this_installation_knows():
    result = _answer()
    result["tables"].append({"group_by": "colour", "threshold": 5, "rounded_to": 5,
                             "total": 20, "items": [{"key": "blue", "count": 1,
                                                     "suppressed": False}]})
    answer = regional.parse_answer(result, ("month", "sector"))
    assert answer.generated_at == datetime(2026, 11, 28, 11, 55, tzinfo=UTC)
    assert (answer.threshold, answer.total) == (5, 20)
    assert set(answer.figures) == {Figure("month", "2026-03", 20, False),
                                   Figure("sector", "employment", 10, False),
                                   Figure("sector", "health", None, True),
                                   Figure("sector", "housing", None, True)}


@pytest.mark.parametrize("item", [
    {"key": "health", "count": 2, "suppressed": False},  # a small count shown
    {"key": "health", "count": 7, "suppressed": False},  # not rounded
    {"key": "health", "count": 2, "suppressed": True},  # suppressed, but its count sent
    {"key": "health", "count": -5, "suppressed": False},
])
def test_an_answer_with_a_figure_that_is_not_published_is_refused_whole(item):
    result = _answer()
    result["tables"][1]["items"][1] = item
    with pytest.raises(NotKept) as refused:
        regional.parse_answer(result, ("month", "sector"))
    assert refused.value.code == "not_published"


@pytest.mark.parametrize("changes", [
    {"format": "remedy-observatory/2"}, {"generated_at": "yesterday"},
    {"generated_at": "2026-11-28T11:55:00"},  # no offset
    {"tables": []}, {"tables": "all"}, {"threshold": 0}, {"threshold": True},
    {"items": [{"key": "a", "count": 5, "suppressed": False}] * 2},  # the same key twice
    {"items": [{"key": "x" * 65, "count": 5, "suppressed": False}]},
    {"items": [{"key": "a", "count": 5}]}, {"total": 25},  # tables counting differently
])
def test_a_malformed_answer_is_refused(changes):
    with pytest.raises(NotKept) as refused:
        regional.parse_answer(_answer(**changes), ("month", "sector"))
    assert refused.value.code in ("not_an_answer", "not_published")


def test_a_lower_threshold_elsewhere_is_that_installations_choice():
    """Its figures are what it publishes itself; only its own rules are checked."""
    result = _answer(threshold=3, rounded_to=3, total=21)
    result["tables"][0].update(threshold=3, rounded_to=3, total=21, items=[
        {"key": "2026-03", "count": 21, "suppressed": False}])
    result["tables"][1]["items"][0]["count"] = 9
    assert regional.parse_answer(result, ("month", "sector")).threshold == 3


# --- the page and the API ------------------------------------------------------------------


def test_off_the_page_says_it_is_not_set_up_and_the_api_is_a_404(app):
    client = app.test_client()
    page = client.get("/observatory/regional?lang=en")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=300"
    assert "not set up on this installation" in page.get_data(as_text=True)
    answer = client.get("/api/v1/observatory/regional")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"
    assert "not set up" in answer.get_json()["error"]["message"]


@pytest.fixture
def regional_app(make_app, app):
    return make_app(OBSERVATORY_REGIONAL=True)


def _file(app, sector, count):
    """`count` complaints about `sector`, counted by the rollups (as the command does)."""
    for _ in range(count):
        file_complaint(app, sector=sector)
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0


def test_on_with_nothing_fetched_it_shows_this_installation_and_who_is_not_contributing(
        regional_app, org):
    _file(regional_app, "employment", 6)
    _file(regional_app, "health", 2)
    with app_context(regional_app):
        from remedy.referrals import directory

        directory.import_entries([{"name": "Peer authority", "country": "SE",
                                   "type": "equality_body", "base_url": "https://peer.example",
                                   "slug": "peer", "public_key": crypto.new_key_pair()[1]}])
    client = regional_app.test_client()
    body = client.get("/api/v1/observatory/regional?group_by=sector").get_json()
    assert body["total"] == 10 and body["group_by"] == "sector"
    # Suppressed here (the lone small cell took the other with it), so hidden in the sum.
    assert all(item["suppressed"] and item["count"] is None for item in body["items"])
    own, peer = body["installations"]
    assert own["own"] and own["contributing"] and own["base_url"] == "http://remedy.test"
    assert peer == {**peer, "name": "Peer authority", "base_url": "https://peer.example",
                    "contributing": False, "stale": False, "error": "never_fetched",
                    "reason": "Not fetched yet.", "figures_as_of": None, "total": None}
    page = client.get("/observatory/regional?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=300"
    assert "Peer authority" in html and "Not contributing." in html and "Not fetched yet." in html
    assert "hidden (small numbers)" in html and '<svg role="img"' in html


def test_a_wrong_table_is_named(regional_app):
    answer = regional_app.test_client().get("/api/v1/observatory/regional?group_by=colour")
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["group_by"]


# --- answering another installation ------------------------------------------------------------


def test_the_published_tables_are_answered_signed_and_nothing_is_kept(app, org):
    """A trusted peer asks; the answer is signed in the answer context and holds the
    published figures only (the 2 of health is not in it)."""
    _file(app, "employment", 6)
    _file(app, "health", 2)
    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
    with app_context(app):
        from remedy.referrals import directory

        directory.import_entries([{"name": "Peer authority", "country": "IE", "type": "dpa",
                                   "slug": "peer", "base_url": "https://peer.example",
                                   "public_key": public}])
    body = json.dumps({"format": "remedy-federation/1", "kind": "observatory.stats_request",
                       "message_id": "0f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c47",
                       "sent_at": "2026-11-28T11:59:00+00:00",
                       "from": {"base_url": "https://peer.example"}, "payload": {}}).encode()
    key_id = hashlib.sha256(base64.b64decode(public)).hexdigest()[:16]
    timestamp, nonce = int(time.time()), secrets.token_hex(16)
    signature = base64.b64encode(private.sign(crypto.signing_input(
        key_id, timestamp, nonce, body))).decode()
    answer = app.test_client().post("/federation/v1/messages", data=body, headers={
        "Content-Type": "application/json", "Remedy-Key-Id": key_id,
        "Remedy-Timestamp": str(timestamp), "Remedy-Nonce": nonce,
        "Remedy-Signature": signature})
    assert answer.status_code == 200
    raw = answer.get_data()
    with app_context(app):
        from remedy.federation.keys import published_keys

        own_key = published_keys()[0].public_key
        assert db.session.scalar(select(func.count(ReceivedMessage.id))) == 0  # a read
    headers = answer.headers
    assert headers["Remedy-Key-Id"] == crypto.key_id(own_key)
    assert crypto.verify(own_key, headers["Remedy-Signature"], int(headers["Remedy-Timestamp"]),
                         headers["Remedy-Nonce"], raw, crypto.ANSWER_CONTEXT)
    assert not crypto.verify(own_key, headers["Remedy-Signature"],  # not as a request
                             int(headers["Remedy-Timestamp"]), headers["Remedy-Nonce"], raw)
    result = json.loads(raw)
    assert result["in_reply_to"] == "0f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c47"
    tables = {t["group_by"]: t for t in result["result"]["tables"]}
    assert set(tables) == {"month", "country", "sector", "rights_dimension", "filer_type",
                           "state", "outcome"}
    assert tables["sector"]["items"] == [
        {"key": "employment", "count": None, "suppressed": True},
        {"key": "health", "count": None, "suppressed": True}]
    assert tables["sector"]["total"] == 10 and b'"count":2' not in raw
    parsed = regional.parse_answer(result["result"], tables)  # what the asker accepts
    assert parsed.total == 10
