"""A complainant's data: exported on request, erased on request or after retention."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from remedy.cases.jobs import apply_retention
from remedy.cases.models import Case
from remedy.cases.services import erase_complainant_data
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.intake.storage import evidence_store
from remedy.notifications.models import OutboxEmail
from tests.cases.conftest import file_complaint
from tests.conftest import app_context
from tests.web import post_form


def with_evidence(app):
    reference, secret, case_id = file_complaint(
        app, contact={"email": "ana@example.org", "name": "Ana Lima"},
        narrative="My name is Ana Lima and the tool rejected me without any review at all.")
    app.test_client().post(f"/api/v1/complaints/{reference}/evidence",
                           data={"file": [(io.BytesIO(b"payslip of Ana Lima"), "payslip.txt")]},
                           headers={"X-Remedy-Secret": secret}, content_type="multipart/form-data")
    return reference, secret, case_id


@pytest.mark.both_storages
def test_a_supervisor_exports_the_complainants_data(app, staff, as_role):
    reference, _, case_id = with_evidence(app)
    assert post_form(as_role("caseworker"), f"/cases/{case_id}/data-export", {},
                     token_from="/cases").status_code == 403
    response = post_form(as_role("supervisor"), f"/cases/{case_id}/data-export", {},
                         token_from="/cases")
    assert response.headers["Content-Disposition"] == f"attachment; filename={reference}.json"
    data = json.loads(response.data)
    assert data["complaint"]["contact"]["email"] == "ana@example.org"
    assert data["complaint"]["evidence"][0]["name"] == "payslip.txt"


@pytest.mark.both_storages
def test_erasure_keeps_an_anonymised_shell(app, staff, as_role):
    reference, secret, case_id = with_evidence(app)
    with app_context(app):
        sha = db.session.query(Complaint).filter_by(reference=reference).one().evidence[0].sha256
        assert evidence_store().read(sha) == b"payslip of Ana Lima"
    sup = as_role("supervisor")
    refused = post_form(sup, f"/cases/{case_id}/erase", {"reason": "asked by phone"},
                        token_from="/cases")
    assert refused.status_code == 422
    done = post_form(sup, f"/cases/{case_id}/erase", {"reason": "asked by phone", "confirm": "y"},
                     token_from="/cases")
    assert done.status_code == 302
    with app_context(app):
        complaint = db.session.query(Complaint).filter_by(reference=reference).one()
        assert complaint.narrative == "[erased]" and complaint.contact_email is None
        assert complaint.evidence == [] and complaint.sector == "employment"
        assert complaint.case.anonymised_at is not None
    with app_context(app):
        assert not evidence_store().exists(sha)  # the file itself is gone
    # the complainant's secret no longer opens anything, and the audit chain still holds
    assert app.test_client().get(f"/api/v1/complaints/{reference}",
                                 headers={"X-Remedy-Secret": secret}).status_code == 401
    result = app.test_cli_runner().invoke(args=["remedy", "audit-verify"])
    assert result.exit_code == 0
    page = sup.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Ana Lima" not in page and "Erased on" in page


def test_retention_anonymises_long_closed_cases_only(app, staff):
    _, _, old_case = file_complaint(app)
    _, _, new_case = file_complaint(app)
    with app_context(app):
        for case_id, days in ((old_case, 800), (new_case, 10)):
            case = db.session.get(Case, case_id)
            case.state = "closed"
            case.closed_at = utcnow() - timedelta(days=days)
        db.session.commit()
        assert apply_retention() == 1
        assert apply_retention() == 0
        assert db.session.get(Case, old_case).complaint.narrative == "[erased]"
        assert db.session.get(Case, new_case).complaint.narrative != "[erased]"


def test_erasure_drops_the_complainants_emails_still_waiting(app, staff):
    reference, _, case_id = with_evidence(app)
    other_reference, _, _ = with_evidence(app)  # the same address, another complaint
    with app_context(app):
        for ref, status in ((reference, "failed"), (reference, "pending"),
                            (other_reference, "failed")):  # the mail server was down
            db.session.add(OutboxEmail(template="case_message", recipient="ana@example.org",
                                       locale="en", status=status,
                                       context={"reference": ref, "organisation_name": "x"}))
        db.session.commit()
        assert erase_complainant_data(db.session.get(Case, case_id), reason="asked") is True
        left = db.session.scalars(select(OutboxEmail).where(
            OutboxEmail.recipient == "ana@example.org", OutboxEmail.status != "sent")).all()
        assert left and {e.context["reference"] for e in left} == {other_reference}
