"""Upload limits per file, per complaint and per request, with small limits to test them."""

import io

import pytest

from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.conftest import app_context
from tests.factories import complaint_payload, form_data
from tests.web import field_errors, post_form

pytestmark = pytest.mark.usefixtures("org")


@pytest.fixture
def small(make_app):
    return make_app(UPLOAD_MAX_BYTES=1000, UPLOAD_MAX_TOTAL_BYTES=1500, UPLOAD_MAX_FILES=2,
                    MAX_CONTENT_LENGTH=200_000)


def text_file(size, name):
    return (io.BytesIO(b"a" * size), name)


def test_a_file_over_the_per_file_limit_is_refused(small):
    client = small.test_client()
    response = post_form(client, "/complaints/new", form_data(evidence=[text_file(1001, "big.txt")]),
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "big.txt is larger than" in field_errors(response.get_data(as_text=True), "evidence")


@pytest.mark.both_storages
def test_files_over_the_per_complaint_limits_are_refused(small, app):
    client = small.test_client()
    too_many = form_data(evidence=[text_file(10, "a.txt"), text_file(11, "b.txt"),
                                   text_file(12, "c.txt")])
    response = post_form(client, "/complaints/new", too_many, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "at most 2 files" in field_errors(response.get_data(as_text=True), "evidence")
    too_big = form_data(evidence=[text_file(900, "a.txt"), text_file(901, "b.txt")])
    response = post_form(client, "/complaints/new", too_big, content_type="multipart/form-data")
    assert "All files together" in field_errors(response.get_data(as_text=True), "evidence")
    with app_context(app):
        assert db.session.query(Complaint).count() == 0


@pytest.mark.both_storages
def test_later_evidence_counts_against_the_same_limits(small):
    client = small.test_client()
    body = client.post("/api/v1/complaints", json=complaint_payload()).get_json()
    url = f"/api/v1/complaints/{body['reference']}/evidence"
    headers = {"X-Remedy-Secret": body["secret"]}
    for size, name in ((100, "one.txt"), (200, "two.txt")):
        ok = client.post(url, data={"file": [text_file(size, name)]}, headers=headers,
                         content_type="multipart/form-data")
        assert ok.status_code == 201 and ok.get_json()["added"] == 1
    third = client.post(url, data={"file": [text_file(50, "three.txt")]}, headers=headers,
                        content_type="multipart/form-data")
    assert third.status_code == 422 and "evidence" in third.get_json()["error"]["fields"]
    same = client.post(url, data={"file": [text_file(100, "again.txt")]}, headers=headers,
                       content_type="multipart/form-data")
    assert same.status_code == 201 and same.get_json()["added"] == 0  # already attached


def test_a_request_over_the_size_limit_gets_a_page_not_a_crash(small):
    client = small.test_client()
    response = client.post("/complaints/new", data=form_data(evidence=[text_file(300_000, "huge.txt")]),
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    api = client.post("/api/v1/complaints", data=b"{" + b" " * 300_000 + b"}",
                      content_type="application/json")
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "too_large"


@pytest.mark.both_storages
def test_files_of_a_form_never_sent_are_deleted_after_their_receipt_expires(app, monkeypatch):
    from datetime import timedelta

    from remedy.core.db import utcnow
    from remedy.intake import jobs
    from remedy.intake.jobs import purge_unclaimed_evidence
    from remedy.intake.storage import evidence_store

    client = app.test_client()
    abandoned = post_form(client, "/complaints/new",
                          form_data(title="", evidence=[text_file(30, "left-behind.txt")]),
                          content_type="multipart/form-data")
    assert abandoned.status_code == 422  # the file was stored, the complaint not
    kept = post_form(client, "/complaints/new", form_data(evidence=[text_file(40, "sent.txt")]),
                     content_type="multipart/form-data")
    assert kept.status_code == 200
    in_two_days = utcnow() + timedelta(days=2)
    with app_context(app):
        store = evidence_store()
        files = set(store.stored_before(in_two_days))
        assert len(files) >= 2
        assert purge_unclaimed_evidence() == 0  # too recent: the receipt still works
        from remedy.intake.models import Evidence

        claimed = {e.sha256 for e in db.session.query(Evidence)}
        assert claimed and claimed < files
        monkeypatch.setattr(jobs, "utcnow", lambda: in_two_days)
        assert purge_unclaimed_evidence() == len(files - claimed)
        assert set(store.stored_before(in_two_days)) == claimed
        assert all(store.exists(sha) for sha in claimed)
