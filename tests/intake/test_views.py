"""Filing and tracking through the web pages, as a person without JavaScript does."""

import io
import re
from datetime import timedelta

import pytest

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake import views as intake_views
from remedy.intake.models import Complaint
from remedy.intake.storage import evidence_store
from tests.conftest import app_context
from tests.factories import form_data
from tests.web import field_errors, post_form

pytestmark = pytest.mark.usefixtures("org")
NEW = "/complaints/new"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def file_form(client, **changes):
    return post_form(client, NEW, form_data(**changes), content_type="multipart/form-data")


def complaints(app):
    """Every complaint, with its people and files loaded (they outlive the session)."""
    from sqlalchemy.orm import selectinload

    with app_context(app):
        return db.session.query(Complaint).options(
            selectinload(Complaint.co_complainants), selectinload(Complaint.evidence)
        ).order_by(Complaint.id).all()


def codes(html):
    reference = re.search(r'id="reference">([^<]+)<', html).group(1)
    secret = re.search(r'id="secret">([^<]+)<', html).group(1)
    return reference, secret


def test_the_form_explains_itself_and_every_input_has_a_label(client):
    html = client.get(NEW).get_data(as_text=True)
    assert 'name="viewport"' in html and "<script" not in html
    for word in ("deployer", "AI system", "evidence"):
        assert word.lower() in html.lower()
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    hidden = set(re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*type="hidden"', html)) | set(
        re.findall(r'<input[^>]*type="hidden"[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    grouped = set(re.findall(r'<fieldset[^>]*\bid="([^"]+)"', html))
    missing = {i for i in ids - hidden - labelled if i.rsplit("-", 1)[0] not in grouped}
    assert not missing


def test_an_individual_files_and_gets_reference_and_secret_once(client, app):
    response = file_form(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    reference, secret = codes(html)
    assert re.fullmatch(r"RMD-\w{4}-\w{4}", reference)
    assert response.headers["Cache-Control"] == "no-store"
    [complaint] = complaints(app)
    assert complaint.reference == reference and complaint.channel == "web"
    assert secret not in complaint.secret_hash


def test_a_group_files_with_named_people_and_a_count(client, app):
    response = file_form(client, filer_type="group", group_size="250",
                         co_complainants="Ana Lima, ana@example.org\nBo Ek\n\n")
    assert response.status_code == 200, field_errors(response.get_data(as_text=True), "group_size")
    [complaint] = complaints(app)
    assert complaint.group_size == 250
    assert [(p.name, p.email) for p in complaint.co_complainants] == [
        ("Ana Lima", "ana@example.org"), ("Bo Ek", None)]


def test_a_representative_organisation_files_under_its_mandate(client, app):
    response = file_form(client, filer_type="representative_org",
                         mandate_organisation_name="Riders' Union",
                         mandate_basis="Written mandates from 40 delivery riders.")
    assert response.status_code == 200
    [complaint] = complaints(app)
    assert complaint.mandate_organisation_name == "Riders' Union"


def test_answers_for_another_kind_of_filer_are_ignored(client, app):
    assert file_form(client, group_size="0", mandate_basis="x").status_code == 200
    [complaint] = complaints(app)
    assert complaint.group_size is None and complaint.mandate_basis is None


def test_errors_sit_beside_their_fields_and_nothing_typed_is_lost(client, app):
    narrative = "Ce qui s'est passé: <b>le système</b> m'a refusé — 不公平"
    response = file_form(client, title="", narrative=narrative, date_of_harm="2999-01-01",
                         contact_email="not an email", consent_publish_narrative="y")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "title").endswith("This is required.")
    assert "future" in field_errors(html, "date_of_harm")
    assert "email address" in field_errors(html, "contact_email")
    assert 'aria-describedby="title-hint title-error" aria-invalid="true"' in html
    # what the person typed is still there, escaped
    assert "&lt;b&gt;le système&lt;/b&gt; m&#39;a refusé — 不公平" in html
    assert 'value="not an email"' in html
    assert re.search(r'id="consent_publish_narrative"[^>]*checked|checked[^>]*id="consent_publish_narrative"', html)
    assert "Some answers need attention" in html
    assert complaints(app) == []


def test_a_one_megabyte_narrative_is_refused_beside_the_field_not_with_a_413(client, app):
    response = file_form(client, narrative="word " * 200_000)
    assert response.status_code == 422
    assert "shorten" in field_errors(response.get_data(as_text=True), "narrative")
    assert complaints(app) == []


@pytest.mark.both_storages
def test_evidence_is_attached_and_typed_by_its_content(client, app):
    data = form_data(evidence=[(io.BytesIO(PDF), "letter.pdf"), (io.BytesIO(PNG), "photo.jpg"),
                               (io.BytesIO(b"Notes in plain text"), "notes.txt")])
    response = post_form(client, NEW, data, content_type="multipart/form-data")
    assert response.status_code == 200
    [complaint] = complaints(app)
    with app_context(app):
        complaint = db.session.get(Complaint, complaint.id)
        types = sorted((e.display_name, e.media_type) for e in complaint.evidence)
    assert types == [("letter.pdf", "application/pdf"), ("notes.txt", "text/plain"),
                     ("photo.jpg", "image/png")]


@pytest.mark.both_storages
@pytest.mark.parametrize("content, name, expected", [
    (ELF, "invoice.pdf", "is not a PDF"),
    (WINDOWS_EXE, "scan.pdf", "is not a PDF"),
    (b"", "empty.pdf", "is empty"),
])
def test_refused_files_are_named_and_the_rest_is_kept(client, app, content, name, expected):
    data = form_data(title="My title stays", evidence=[(io.BytesIO(content), name),
                                                       (io.BytesIO(PDF), "good.pdf")])
    response = post_form(client, NEW, data, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert expected in field_errors(html, "evidence")
    assert 'value="My title stays"' in html
    assert "Remove good.pdf" in html  # the good file is kept for the next try
    assert complaints(app) == []
    receipts = re.search(r'name="evidence_receipts" type="hidden" value="([^"]+)"|'
                         r'id="evidence_receipts" name="evidence_receipts" type="hidden" value="([^"]+)"', html)
    token = next(g for g in receipts.groups() if g)
    again = post_form(client, NEW, form_data(evidence_receipts=token),
                      content_type="multipart/form-data")
    assert again.status_code == 200
    with app_context(app):
        [complaint] = db.session.query(Complaint).all()
        assert [e.display_name for e in complaint.evidence] == ["good.pdf"]


def test_a_forged_receipt_attaches_nothing(client, app):
    response = post_form(client, NEW, form_data(evidence_receipts="forged.token"),
                         content_type="multipart/form-data")
    assert response.status_code == 200
    with app_context(app):
        assert db.session.query(Complaint).one().evidence == []


@pytest.mark.both_storages
def test_a_path_in_a_file_name_is_only_display_text(client, app):
    data = form_data(evidence=[(io.BytesIO(b"root:x:0:0"), "../../etc/passwd")])
    assert post_form(client, NEW, data, content_type="multipart/form-data").status_code == 200
    with app_context(app):
        [evidence] = db.session.query(Complaint).one().evidence
        assert evidence.display_name == "passwd"
        assert evidence_store().read(evidence.sha256) == b"root:x:0:0"


def test_a_double_submit_files_once_and_shows_the_same_codes(client, app):
    first = file_form(client, submission_token="same-token-123")
    second = file_form(client, submission_token="same-token-123")
    assert codes(first.get_data(as_text=True)) == codes(second.get_data(as_text=True))
    assert "twice" in second.get_data(as_text=True)
    assert len(complaints(app)) == 1


def test_an_expired_form_keeps_the_answers(client, app):
    response = client.post(NEW, data=form_data(title="Kept title", csrf_token="expired"),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Kept title"' in html and "expired" in html
    assert complaints(app) == []


def test_markup_is_shown_as_text(client, app):
    title = "<script>alert('x')</script>"
    html = file_form(client, title=title).get_data(as_text=True)
    reference, secret = codes(html)
    post_form(client, "/track", {"reference": reference, "secret": secret})
    page = client.get("/track/complaint").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


# --- tracking ------------------------------------------------------------------------------


@pytest.fixture
def tracked(client):
    """A complaint filed with an email, and this browser signed in to it."""
    html = file_form(client, contact_email="ana@example.org").get_data(as_text=True)
    reference, secret = codes(html)
    response = post_form(client, "/track", {"reference": reference, "secret": secret})
    assert response.status_code == 302 and response.location.endswith("/track/complaint")
    return reference, secret


def test_tracking_shows_state_and_timeline(client, tracked):
    html = client.get("/track/complaint").get_data(as_text=True)
    assert tracked[0] in html
    assert "Received: waiting for a caseworker to read it" in html
    assert "You made your complaint" in html
    assert tracked[1] not in html


def test_wrong_codes_get_one_message_beside_the_secret(client, tracked):
    for reference, secret in ((tracked[0], "WRNG-WRNG-WRNG-WRNG-WRNG"),
                              ("RMD-2222-2222", tracked[1])):
        response = post_form(client, "/track", {"reference": reference, "secret": secret})
        assert response.status_code == 401
        assert "not right" in field_errors(response.get_data(as_text=True), "secret")


def test_the_tracking_page_needs_a_sign_in(app):
    fresh = app.test_client()
    response = fresh.get("/track/complaint")
    assert response.status_code == 302 and "/track" in response.location


def test_tracking_ends_after_a_while_without_activity(client, tracked, monkeypatch):
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(intake_views, "utcnow", lambda: later)
    response = client.get("/track/complaint")
    assert response.status_code == 302 and "expired=1" in response.location


def test_message_and_amendment_from_the_tracking_page(client, tracked):
    response = post_form(client, "/track/complaint/messages",
                         {"kind": "amendment", "body": "It happened again on Monday."},
                         token_from="/track/complaint")
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "It happened again on Monday." in html and "You added to your complaint" in html
    assert "Your message was sent." in html


def test_an_empty_message_is_refused_beside_the_field(client, tracked):
    response = post_form(client, "/track/complaint/messages", {"kind": "message", "body": "  "},
                         token_from="/track/complaint")
    assert response.status_code == 422
    assert "required" in field_errors(response.get_data(as_text=True), "body")


@pytest.mark.both_storages
def test_evidence_from_the_tracking_page(client, tracked, app):
    url = "/track/complaint/evidence"
    ok = post_form(client, url, {"evidence": [(io.BytesIO(PDF), "payslip.pdf")]},
                   token_from="/track/complaint", content_type="multipart/form-data")
    assert ok.status_code == 302
    bad = post_form(client, url, {"evidence": [(io.BytesIO(ELF), "payslip2.pdf")]},
                    token_from="/track/complaint", content_type="multipart/form-data")
    assert bad.status_code == 422
    assert "is not a PDF" in field_errors(bad.get_data(as_text=True), "evidence")
    with app_context(app):
        assert [e.display_name for e in db.session.query(Complaint).one().evidence] == ["payslip.pdf"]


def test_consents_from_the_tracking_page(client, tracked, app):
    response = post_form(client, "/track/complaint/consents",
                         {"consent_share_across_borders": "y"}, token_from="/track/complaint")
    assert response.status_code == 302
    with app_context(app):
        complaint = db.session.query(Complaint).one()
        assert complaint.consents() == {"contact": False, "share_across_borders": True,
                                        "publish_narrative": False, "share_with_respondent": False}
    html = client.get("/track/complaint").get_data(as_text=True)
    assert re.search(r'checked[^>]*id="consent_share_across_borders"|id="consent_share_across_borders"[^>]*checked', html)


def test_withdrawal_needs_confirmation(client, tracked, app):
    url = "/track/complaint/withdraw"
    refused = post_form(client, url, {"reason": "Sorted out"}, token_from="/track/complaint")
    assert refused.status_code == 422
    assert "Tick the box" in field_errors(refused.get_data(as_text=True), "confirm")
    done = post_form(client, url, {"reason": "Sorted out", "confirm": "y"},
                     token_from="/track/complaint")
    assert done.status_code == 302
    html = client.get("/track/complaint").get_data(as_text=True)
    assert "Withdrawn by you" in html and "Send a message" not in html
    with app_context(app):
        assert db.session.query(Complaint).one().state == "withdrawn"
    # Sent again (from another tab): the form is gone from the page, the reason is not.
    again = post_form(client, url, {"confirm": "y"}, token_from="/track/complaint")
    assert again.status_code == 422
    summary = again.get_data(as_text=True).split('class="error-summary"')[1].split("</div>")[0]
    assert "This complaint is already withdrawn." in summary


def test_tracking_posts_without_csrf_are_refused(client, tracked, app):
    response = client.post("/track/complaint/withdraw", data={"confirm": "y"})
    assert response.status_code == 400
    with app_context(app):
        assert db.session.query(Complaint).one().state == "received"


def test_leaving_forgets_the_complaint_on_this_device(client, tracked):
    post_form(client, "/track/stop", {}, token_from="/track/complaint")
    assert client.get("/track/complaint").status_code == 302
