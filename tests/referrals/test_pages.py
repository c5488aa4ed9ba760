"""Referrals and the directory through the pages, without JavaScript: the inbox, a step with
its words (an error beside the field keeps them), the directory's form, import and export."""

import io
import json
from datetime import date

from babel.dates import format_date

from remedy.extensions import db
from remedy.referrals.models import Authority
from tests.conftest import app_context, run_jobs
from tests.referrals.test_local_referral import _other_org_authority, bearer, swedish_deployer_case
from tests.web import field_errors, post_form


def test_the_receiver_works_through_the_pages(app, token, as_role, staff):
    _, _, case_id = swedish_deployer_case(app)
    client = app.test_client()
    ours = bearer(token("caseworker"))
    _, target = _other_org_authority(client, ours, case_id)
    sent = client.post("/api/v1/referrals", json={
        "case_id": case_id, "authority_id": target["authority"]["id"],
        "message": "Please take this case: the deployer is Swedish."}, headers=ours).get_json()
    run_jobs(app)
    other = as_role("other")
    inbox = other.get("/referrals").get_data(as_text=True)
    assert "Organisation test-nhri" in inbox and "Sent, waiting for a reply" in inbox
    incoming_id = sent["id"] + 1
    page = other.get(f"/referrals/{incoming_id}").get_data(as_text=True)
    assert "Referral from Organisation test-nhri" in page and "Accept the case" in page
    assert "Complainant " in page and "ana@example.org" not in page  # pseudonymised
    french = other.get(f"/referrals/{incoming_id}?lang=fr").get_data(as_text=True)
    code = sent["packet"]["complainant"]["pseudonym"].split()[-1]
    assert f"Plaignant(e) {code} (nom et coordonnées non communiqués)" in french
    due = date.fromisoformat(sent["packet"]["reply_due"])
    assert format_date(due, "long", locale="fr") in french  # the day in French words
    other.get("/?lang=en")
    empty = post_form(other, f"/referrals/{incoming_id}/decline", {"decline-text": ""},
                      token_from=f"/referrals/{incoming_id}")
    assert empty.status_code == 422
    assert "This is required." in field_errors(empty.get_data(as_text=True), "decline-text")
    question = "Which version of the app?"
    asked = post_form(other, f"/referrals/{incoming_id}/request_info",
                      {"request_info-text": question}, token_from=f"/referrals/{incoming_id}")
    assert asked.status_code == 302
    run_jobs(app)
    origin = as_role("caseworker").get(f"/referrals/{sent['id']}").get_data(as_text=True)
    assert "The authority asks for information" in origin and question in origin
    case_page = as_role("caseworker").get(f"/cases/{case_id}").get_data(as_text=True)
    assert "asks for information" in case_page  # on the attention banner


def test_an_admin_keeps_the_directory(app, as_role):
    admin = as_role("org_admin")
    page = admin.get("/directory").get_data(as_text=True)
    assert "Organisation other-org" in page and "on this installation" in page
    bad = post_form(admin, "/directory", {"name": "CNIL", "country": "FR", "type": "dpa",
                                          "base_url": "https://remedy.cnil.example",
                                          "public_key": "not a key"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "not an Ed25519 public key" in field_errors(html, "public_key")
    assert 'value="https://remedy.cnil.example"' in html  # what was typed stays
    from remedy.federation.crypto import new_key_pair

    _, public = new_key_pair()
    good = post_form(admin, "/directory", {"name": "CNIL", "country": "FR", "type": "dpa",
                                           "rights_dimensions": "privacy_data_protection",
                                           "base_url": "https://remedy.cnil.example",
                                           "slug": "cnil", "public_key": public})
    assert good.status_code == 302
    exported = admin.get("/directory/export.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    entries = json.loads(exported.get_data())
    cnil = next(e for e in entries if e["name"] == "CNIL")
    assert cnil["public_key"] == public and cnil["base_url"] == "https://remedy.cnil.example"

    cnil["languages"] = ["fr"]
    broken = [cnil, {"name": "X", "country": "ZZ", "type": "dpa"}]
    refused = post_form(admin, "/directory/import", {
        "file": (io.BytesIO(json.dumps(broken).encode()), "directory.json")},
        content_type="multipart/form-data", token_from="/directory")
    assert refused.status_code == 422 and "entry 2" in refused.get_data(as_text=True)
    with app_context(app):  # all or nothing
        assert db.session.query(Authority).filter_by(name="CNIL").one().languages == []
    imported = post_form(admin, "/directory/import", {
        "file": (io.BytesIO(json.dumps([cnil]).encode()), "directory.json")},
        content_type="multipart/form-data", token_from="/directory")
    assert imported.status_code == 302 and "imported=0/1" in imported.headers["Location"]
    with app_context(app):
        assert db.session.query(Authority).filter_by(name="CNIL").one().languages == ["fr"]
    assert post_form(as_role("caseworker"), "/directory", {"name": "X"}).status_code == 403
    with app_context(app):
        entry_id = db.session.query(Authority).filter_by(name="CNIL").one().id
    edit = admin.get(f"/directory/{entry_id}").get_data(as_text=True)
    assert "remedy.cnil.example" in edit


def test_the_directory_command_imports_and_reports_errors(app, tmp_path):
    runner = app.test_cli_runner()
    from remedy.federation.crypto import new_key_pair

    path = tmp_path / "directory.json"
    path.write_text(json.dumps([{"name": "Datatilsynet", "country": "NO", "type": "dpa",
                                 "sectors": [], "rights_dimensions": ["privacy_data_protection"],
                                 "languages": ["no"], "base_url": "https://remedy.dt.example", "slug": "dt",
                                 "public_key": new_key_pair()[1]}]))
    result = runner.invoke(args=["remedy", "directory-import", str(path)])
    assert result.exit_code == 0 and result.output.strip().endswith("1 added, 0 updated")
    again = runner.invoke(args=["remedy", "directory-import", str(path)])
    assert again.output.strip().endswith("0 added, 1 updated")
    path.write_text("[{\"name\": \"\"}]")
    bad = runner.invoke(args=["remedy", "directory-import", str(path)])
    assert bad.exit_code != 0 and "entry 1" in bad.output
    exported = runner.invoke(args=["remedy", "directory-export"])
    assert "Datatilsynet" in exported.output


def test_an_import_that_is_not_json_says_so(app, as_role):
    refused = post_form(as_role("org_admin"), "/directory/import", {
        "file": (io.BytesIO(b"\xff not json"), "directory.json")},
        content_type="multipart/form-data", token_from="/directory")
    assert refused.status_code == 422 and "This is not a JSON file." in refused.get_data(
        as_text=True)
