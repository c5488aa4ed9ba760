"""Whose the directory's entries are: an organisation's admin keeps their organisation's
entries only; an entry (and its key) one organisation added is trusted by it alone, so no
admin can route, or let messages into, another organisation's cases."""

import io
import json
import secrets
import time

from remedy.accounts.services import create_user, organisation_by_slug
from remedy.extensions import db
from remedy.federation import crypto
from remedy.referrals.models import Authority, Referral
from tests.cases.conftest import PASSWORD
from tests.conftest import app_context
from tests.referrals.test_local_referral import bearer, swedish_deployer_case
from tests.web import post_form


def _other_admin(app, staff):
    with app_context(app):
        create_user(email="admin@other.example.org", role="org_admin",
                    organisation=organisation_by_slug("other-org"), password=PASSWORD)
    client = app.test_client()
    response = post_form(client, "/login", {"email": "admin@other.example.org",
                                            "password": PASSWORD})
    assert response.status_code == 302
    return client


def _entry(app, **where):
    with app_context(app):
        return db.session.query(Authority).filter_by(**where).one().id


def test_an_admin_edits_only_what_their_organisation_keeps(app, as_role, staff):
    ours = as_role("org_admin")
    _, public = crypto.new_key_pair()
    added = post_form(ours, "/directory", {
        "name": "Our own contact at CNIL", "country": "FR", "type": "dpa",
        "base_url": "https://remedy.cnil.example", "slug": "cnil", "public_key": public})
    assert added.status_code == 302
    theirs = _other_admin(app, staff)
    our_local = _entry(app, slug="test-nhri")
    our_cnil = _entry(app, name="Our own contact at CNIL")
    assert theirs.get(f"/directory/{our_local}").status_code == 403
    assert post_form(theirs, f"/directory/{our_local}", {
        "name": "Hijacked", "country": "FR", "type": "dpa"},
        token_from="/directory").status_code == 403
    assert theirs.get(f"/directory/{our_cnil}").status_code == 404  # not theirs to see
    assert "Our own contact at CNIL" not in theirs.get("/directory").get_data(as_text=True)
    their_import = post_form(theirs, "/directory/import", {"file": (
        io.BytesIO(json.dumps([{"name": "Organisation test-nhri", "country": "DK",
                                              "type": "dpa"}]).encode()), "d.json")},
        content_type="multipart/form-data", token_from="/directory")
    assert their_import.status_code == 302
    with app_context(app):  # an entry of their own; ours is untouched
        assert db.session.get(Authority, our_local).org_type == "nhri"
    assert ours.get(f"/directory/{our_local}").status_code == 200  # our own organisation's


def test_an_entry_one_organisation_added_is_not_offered_to_another(app, as_role, token, staff):
    ours = as_role("org_admin")
    _, public = crypto.new_key_pair()
    post_form(ours, "/directory", {"name": "Swedish DPA (ours)", "country": "SE", "type": "dpa",
                                   "base_url": "https://remedy.imy.example", "slug": "imy",
                                   "public_key": public})
    swedish = _entry(app, name="Swedish DPA (ours)")
    # The Swedish organisation's own case about a Swedish deployer: our entry is not theirs.
    _, _, case_id = swedish_deployer_case(app, complainant_country="SE")
    client = app.test_client()
    theirs = bearer(token("other"))
    routing = client.get(f"/api/v1/cases/{case_id}/routing", headers=theirs).get_json()
    assert swedish not in [i["authority"]["id"] for i in routing["items"]]
    refused = client.post("/api/v1/referrals", json={
        "case_id": case_id, "authority_id": swedish, "message": "Try to use their entry."},
        headers=theirs)
    assert refused.status_code == 422 and "authority_id" in refused.get_json()["error"]["fields"]


def _signed_offer(private, public, to_slug):
    uid = secrets.token_hex(8)
    body = json.dumps({
        "format": "remedy-federation/1", "kind": "referral.offer", "message_id": uid,
        "from": {"base_url": "https://evil.example"},
        "payload": {"packet": {"format": "remedy-referral/1", "uid": uid,
                               "from": {"name": "Friendly authority", "country": "FR",
                                        "slug": "friendly", "base_url": "https://evil.example"},
                               "to": {"slug": to_slug}, "message": "Please look at this.",
                               "case": {"title": "A case"}, "complainant": None}}}).encode()
    stamp, nonce = int(time.time()), secrets.token_hex(16)
    return body, {"Content-Type": "application/json", "Remedy-Key-Id": crypto.key_id(public),
                  "Remedy-Timestamp": str(stamp), "Remedy-Nonce": nonce,
                  "Remedy-Signature": crypto.sign(private, public, stamp, nonce, body)}


def test_a_key_one_organisation_trusts_opens_no_door_to_another(app, as_role, staff):
    private, public = crypto.new_key_pair()
    post_form(as_role("org_admin"), "/directory", {
        "name": "Friendly authority", "country": "FR", "type": "dpa",
        "base_url": "https://friendly.example", "slug": "friendly", "public_key": public})
    client = app.test_client()
    body, headers = _signed_offer(private, public, "other-org")
    refused = client.post("/federation/v1/messages", data=body, headers=headers)
    assert refused.status_code == 404
    body, headers = _signed_offer(private, public, "test-nhri")
    accepted = client.post("/federation/v1/messages", data=body, headers=headers)
    assert accepted.status_code == 200, accepted.get_json()
    with app_context(app):
        [incoming] = db.session.query(Referral).all()
        assert incoming.organisation.slug == "test-nhri"
        # Replies go to the installation the directory names, not the packet's address.
        assert incoming.counterpart["base_url"] == "https://friendly.example"
