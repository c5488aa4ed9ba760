"""Fetching another installation's published statistics over the signed federation channel,
in-process: the peer is a second app with its own database, served on loopback behind a
proxy that can misbehave (change the answer on the way, drop or forge its signature, replay
an old answer, show a small count). A good answer replaces the peer's figures; any other is
refused, recorded, and the old figures are kept."""

import json
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from sqlalchemy import delete, func, select, update
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.federation import crypto
from remedy.federation.keys import current_key
from remedy.observatory import regional_services
from remedy.observatory.regional_models import RegionalFigure, RegionalSource
from remedy.referrals import directory
from remedy.referrals.models import Authority, AuthorityKey
from tests.cases.conftest import file_complaint
from tests.conftest import (
    DATABASE_URL,
    ON_POSTGRES,
    _recreate_postgres_database,
    app_context,
    free_port,
    run_jobs,
)
from tests.factories import make_organisation

DOCS = Path(__file__).resolve().parents[2] / "docs" / "federation"
SCHEMAS = {name: json.loads((DOCS / name).read_text("utf-8"))
           for name in ("message-v1.schema.json", "referral-packet-v1.schema.json",
                        "observatory-stats-v1.schema.json")}
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values())


def _problems(name, instance):
    validator = Draft202012Validator(SCHEMAS[name], registry=REGISTRY,
                                     format_checker=FormatChecker())
    return [e.message for e in validator.iter_errors(instance)]


class Proxy:
    """The peer's app behind a loopback server, answering as `mode` says."""

    def __init__(self, app):
        self.app, self.mode, self.requests, self.answers = app, "honest", [], []

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        self.requests.append(body)
        answer = self.app.test_client().post(request.path, data=body, headers={
            k: v for k, v in request.headers.items() if k.startswith("Remedy-")}
            | {"Content-Type": "application/json"})
        raw = answer.get_data()
        headers = {k: v for k, v in answer.headers.items() if k.startswith("Remedy-")}
        if answer.status_code == 200:
            self.answers.append((raw, headers))
            raw, headers = getattr(self, f"_{self.mode}")(raw, headers)
        return Response(raw, status=answer.status_code, headers=headers,
                        content_type="application/json")(environ, start_response)

    def _sign(self, raw, key=None, timestamp=None, context=crypto.ANSWER_CONTEXT):
        if key is None:
            with app_context(self.app):
                found = current_key()
                key = (found.private_key, found.public_key)
        timestamp, nonce = timestamp or int(time.time()), secrets.token_hex(16)
        return {"Remedy-Key-Id": crypto.key_id(key[1]), "Remedy-Timestamp": str(timestamp),
                "Remedy-Nonce": nonce,
                "Remedy-Signature": crypto.sign(*key, timestamp, nonce, raw, context)}

    def _honest(self, raw, headers):
        return raw, headers

    def _tampered(self, raw, headers):  # changed on the way, the signature left as it was
        assert b'"count":10,"key":"employment"' in raw
        return raw.replace(b'"count":10,"key":"employment"', b'"count":50,"key":"employment"'), headers

    def _unsigned(self, raw, headers):
        return raw, {}

    def _forged(self, raw, headers):  # signed, by someone else
        return raw, self._sign(raw, key=crypto.new_key_pair())

    def _as_a_request(self, raw, headers):  # the peer's key, but not an answer's signature
        return raw, self._sign(raw, context=crypto.CONTEXT)

    def _old(self, raw, headers):  # the peer's key, signed an hour ago
        return raw, self._sign(raw, timestamp=int(time.time()) - 3600)

    def _replayed(self, raw, headers):  # a genuine answer, to an earlier request
        return self.answers[0]

    def _unpublished(self, raw, headers):  # the peer's own key, showing a small count
        hidden = b'"count":null,"key":"health","suppressed":true'
        assert hidden in raw
        raw = raw.replace(hidden, b'"count":2,"key":"health","suppressed":false')
        return raw, self._sign(raw)


def _database(name: str, tmp_path_factory) -> str:
    if ON_POSTGRES:
        url = sa.engine.make_url(DATABASE_URL)
        url = url.set(database=f"{url.database}_{name}").render_as_string(hide_password=False)
        _recreate_postgres_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp(name) / 'remedy.db'}"


def _file(app, counts: dict[str, int]):
    """Complaints (sector -> how many), counted by the rollups as the command does."""
    for sector, count in counts.items():
        for _ in range(count):
            file_complaint(app, sector=sector, complainant_country="SE")
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0


@pytest.fixture(scope="module")
def peer(make_app, app, tmp_path_factory):
    """Another installation: its own database, its own keys, on a loopback port."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    peer_app = make_app(DATABASE_URL=_database("peer", tmp_path_factory), BASE_URL=base_url,
                        REDIS_URL=None)
    with app_context(peer_app):
        upgrade()
        make_organisation(slug="test-nhri", country="SE", org_type="equality_body")
    _file(peer_app, {"employment": 12, "health": 2, "housing": 7})
    proxy = Proxy(peer_app)
    server = make_server("127.0.0.1", port, proxy, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(app=peer_app, base_url=base_url, proxy=proxy)
    server.shutdown()
    with app_context(peer_app):
        db.engine.dispose()


@pytest.fixture
def here(make_app, app, org):
    """This installation, with the regional observatory on."""
    return make_app(OBSERVATORY_REGIONAL=True, FEDERATION_TIMEOUT_SECONDS=5)


@pytest.fixture
def linked(here, peer):
    """Each installation in the other's directory (as their operators imported them). The
    peer publishes employment 10 (12, rounded), health and housing suppressed (2 and 7)."""
    peer.proxy.mode, peer.proxy.answers[:], peer.proxy.requests[:] = "honest", [], []
    with app_context(peer.app):
        peer_key = current_key().public_key
        db.session.commit()
    with app_context(here):
        own_key = current_key().public_key
        db.session.commit()
        directory.import_entries([{"name": "Peer equality body", "country": "SE",
                                   "type": "equality_body", "base_url": peer.base_url,
                                   "slug": "peer-org", "public_key": peer_key}])
    with app_context(peer.app):
        directory.import_entries([{"name": "Our authority", "country": "DK", "type": "nhri",
                                   "base_url": here.config["BASE_URL"], "slug": "test-nhri",
                                   "public_key": own_key}])
    return here


def _fetch(here):
    return here.test_cli_runner().invoke(args=["remedy", "observatory-fetch"])


def _source(here):
    with app_context(here):
        source = db.session.scalars(select(RegionalSource)).one()
        figures = {(f.group_by, f.key): (f.count, f.suppressed)
                   for f in db.session.scalars(select(RegionalFigure))}
        db.session.expunge(source)
        return source, figures


def _regional(here, group="sector"):
    return here.test_client().get(f"/api/v1/observatory/regional?group_by={group}").get_json()


def test_a_fetch_keeps_the_peers_published_figures_and_the_view_adds_them_up(linked, peer):
    here = linked
    _file(here, {"employment": 5, "housing": 5})
    result = _fetch(here)
    assert result.exit_code == 0, result.output
    assert f"ok {peer.base_url} (Peer equality body): " in result.output
    assert "1 installations fetched, 0 failed" in result.output
    source, figures = _source(here)
    assert source.last_error is None and source.total == 20 and source.threshold == 5
    # The peer's published figures only: its 2 and 7 were suppressed there.
    assert {k: v for k, v in figures.items() if k[0] == "sector"} == {
        ("sector", "employment"): (10, False), ("sector", "health"): (None, True),
        ("sector", "housing"): (None, True)}

    body = _regional(here)
    assert body["total"] == 20 + 10
    assert body["items"] == [
        {"key": "employment", "count": 15, "suppressed": False, "hidden_at": 0},
        {"key": "housing", "count": 5, "suppressed": True, "hidden_at": 1},  # at least 5
        {"key": "health", "count": None, "suppressed": True, "hidden_at": 1}]
    own, theirs = body["installations"]
    assert own["own"] and theirs["base_url"] == peer.base_url
    assert theirs["contributing"] and not theirs["stale"] and theirs["error"] is None
    assert theirs["figures_as_of"] and theirs["fetched_at"] and theirs["total"] == 20

    page = here.test_client().get("/observatory/regional?lang=en").get_data(as_text=True)
    assert "Peer equality body" in page and peer.base_url in page and "Up to date" in page
    assert "at least 5 (partly hidden)" in page and "Complaints: 30" in page
    assert "Housing (partly hidden)" in page  # the chart says so too

    # What crossed is what the schemas document.
    request, (answer, _) = json.loads(peer.proxy.requests[-1]), peer.proxy.answers[-1]
    assert request["kind"] == "observatory.stats_request" and request["payload"] == {}
    assert _problems("message-v1.schema.json", request) == []
    assert _problems("observatory-stats-v1.schema.json", json.loads(answer)) == []


def test_a_good_answer_replaces_all_the_figures_at_once(linked, peer):
    here = linked
    assert _fetch(here).exit_code == 0
    source, kept = _source(here)
    with app_context(here):  # a figure the peer no longer publishes
        db.session.add(RegionalFigure(source_id=source.id, group_by="sector", key="education",
                                      count=30, suppressed=False))
        db.session.commit()
    assert _fetch(here).exit_code == 0
    assert _source(here)[1] == kept


@pytest.mark.parametrize("mode, code", [
    ("tampered", "bad_signature"), ("unsigned", "unsigned"), ("forged", "unknown_key"),
    ("as_a_request", "bad_signature"), ("old", "stale"), ("replayed", "not_an_answer"),
    ("unpublished", "not_published"),
])
def test_an_answer_that_cannot_be_trusted_is_refused_and_the_old_figures_kept(
        linked, peer, mode, code):
    here = linked
    assert _fetch(here).exit_code == 0
    before, kept = _source(here)
    peer.proxy.mode = mode
    result = _fetch(here)
    assert result.exit_code == 1
    assert f"failed {peer.base_url} (Peer equality body): {code}" in result.output
    after, figures = _source(here)
    assert after.last_error == code and figures == kept
    assert after.fetched_at == before.fetched_at and after.last_attempt_at > before.last_attempt_at
    body = _regional(here)
    theirs = body["installations"][1]
    assert theirs["contributing"] and theirs["error"] == code and theirs["reason"]
    assert body["items"][0] == {"key": "employment", "count": 10, "suppressed": False,
                                "hidden_at": 0}  # the peer's figure, kept
    page = here.test_client().get("/observatory/regional?lang=en").get_data(as_text=True)
    assert "The last attempt failed; the figures of the last good answer are shown." in page
    peer.proxy.mode = "honest"
    assert _fetch(here).exit_code == 0 and _source(here)[0].last_error is None


def test_a_peer_that_does_not_trust_this_installation_says_so(linked, peer):
    here = linked
    with app_context(peer.app):  # the peer's directory has lost this installation's key
        db.session.execute(delete(AuthorityKey).where(AuthorityKey.authority_id.in_(
            select(Authority.id).where(Authority.name == "Our authority"))))
        db.session.commit()
    result = _fetch(here)
    assert "failed" in result.output and "refused:unknown_key" in result.output
    theirs = _regional(here)["installations"][1]
    assert not theirs["contributing"] and theirs["error"] == "refused:unknown_key"
    assert theirs["reason"] == ("The installation does not have this installation's key in "
                                "its directory.")


def test_an_installation_that_cannot_be_reached_does_not_contribute(here):
    with app_context(here):
        directory.import_entries([{"name": "Closed authority", "country": "NO", "type": "dpa",
                                   "base_url": f"http://127.0.0.1:{free_port()}",
                                   "slug": "closed", "public_key": crypto.new_key_pair()[1]}])
    result = _fetch(here)
    assert result.exit_code == 1 and ": unreachable" in result.output
    theirs = _regional(here)["installations"][1]
    assert not theirs["contributing"] and theirs["reason"] == (
        "The installation could not be reached.")


def test_stale_figures_are_said_to_be(linked, peer):
    here = linked
    assert _fetch(here).exit_code == 0
    with app_context(here):
        db.session.execute(update(RegionalSource).values(
            generated_at=utcnow() - timedelta(hours=49)))
        db.session.commit()
    theirs = _regional(here)["installations"][1]
    assert theirs["contributing"] and theirs["stale"] and theirs["error"] is None
    page = here.test_client().get("/observatory/regional?lang=en").get_data(as_text=True)
    assert "Stale: these figures are more than 48 hours old." in page


def test_only_the_installations_own_directory_decides_the_sources(here, peer):
    """An organisation's private entry is its own trust, not the installation's; an entry no
    longer in the directory is forgotten with its figures."""
    with app_context(here):
        from remedy.accounts.services import organisation_by_slug

        directory.import_entries([{"name": "Private peer", "country": "FI", "type": "dpa",
                                   "base_url": "https://private.example", "slug": "p",
                                   "public_key": crypto.new_key_pair()[1]}],
                                 owner_id=organisation_by_slug("test-nhri").id)
        directory.import_entries([{"name": "Shared peer", "country": "FI", "type": "dpa",
                                   "base_url": "https://shared.example", "slug": "s",
                                   "public_key": crypto.new_key_pair()[1]}])
        assert regional_services.peers() == {"https://shared.example": "Shared peer"}
        assert [s.base_url for s in regional_services.sync_sources()] == [
            "https://shared.example"]
        entry = db.session.scalars(select(Authority).where(Authority.name == "Shared peer")).one()
        db.session.delete(entry)
        db.session.commit()
        assert regional_services.sync_sources() == []
        assert db.session.scalar(select(func.count(RegionalSource.id))) == 0


def test_the_periodic_job_fetches_what_is_due_and_nothing_when_off(linked, peer, make_app):
    here = linked
    with app_context(make_app()):  # off by default
        assert regional_services.fetch_due() == 0
    with app_context(here):
        assert regional_services.fetch_due() == 1
    run_jobs(here)  # with Redis the fetch is a job of its own
    source, figures = _source(here)
    assert source.fetched_at is not None and figures
    with app_context(here):
        assert regional_services.fetch_due() == 0  # asked less than an hour ago
        db.session.execute(update(RegionalSource).values(
            last_attempt_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
        assert regional_services.fetch_due() == 1
    run_jobs(here)


def test_the_command_says_when_the_regional_observatory_is_off(app):
    result = app.test_cli_runner().invoke(args=["remedy", "observatory-fetch"])
    assert result.exit_code != 0 and "OBSERVATORY_REGIONAL" in result.output


def test_the_answer_schema_is_valid_and_refuses_a_suppressed_count():
    schema = SCHEMAS["observatory-stats-v1.schema.json"]
    Draft202012Validator.check_schema(schema)
    answer = {"ok": True, "in_reply_to": "0f1c0e9a-2b7d-4c35-9a5e-0d8f3b2a1c47", "result": {
        "format": "remedy-observatory/1", "base_url": "https://peer.example",
        "generated_at": "2026-11-28T11:55:00+00:00", "tables": [{
            "group_by": "sector", "threshold": 5, "rounded_to": 5, "total": 10,
            "items": [{"key": "health", "count": None, "suppressed": True}]}]}}
    assert _problems("observatory-stats-v1.schema.json", answer) == []
    answer["result"]["tables"][0]["items"][0]["count"] = 2
    assert _problems("observatory-stats-v1.schema.json", answer) != []
