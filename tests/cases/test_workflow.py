"""A case through its workflow, as caseworkers, supervisors and the complainant see it."""

import re

import pytest

from remedy.cases.models import Case
from remedy.extensions import db
from tests.conftest import app_context
from tests.web import field_errors, post_form


def move(client, case_id, to, reason="", other_bodies=""):
    return post_form(client, f"/cases/{case_id}/transition",
                     {"to": to, "reason": reason, "other_bodies": other_bodies},
                     token_from=f"/cases/{case_id}")


def state_of(app, case_id):
    with app_context(app):
        return db.session.get(Case, case_id).state


def tracking_page(app, reference, secret):
    client = app.test_client()
    post_form(client, "/track", {"reference": reference, "secret": secret})
    return client.get("/track/complaint").get_data(as_text=True)


def test_a_case_goes_from_received_to_closed_and_the_complainant_follows(app, case, as_role,
                                                                          jobs, mailbox):
    reference, secret, case_id = case
    cw = as_role("caseworker")
    assert move(cw, case_id, "triage").status_code == 302
    assert move(cw, case_id, "needs_info", "Please send the rejection letter.").status_code == 302
    page = tracking_page(app, reference, secret)
    assert "Please send the rejection letter." in page
    assert "Waiting for information from you" in page
    assert "Your complaint moved on: <strong>" in page  # no space before the colon
    jobs()
    assert any("News about your complaint" in m["Subject"] for m in mailbox.to("ana@example.org"))

    for step in ("triage", "investigating"):
        assert move(cw, case_id, step).status_code == 302
    response = post_form(cw, f"/cases/{case_id}/remedies",
                         {"remedy_type": "human_review", "status": "proposed", "due_on": "2027-01-31"},
                         token_from=f"/cases/{case_id}")
    assert response.status_code == 302
    for step in ("remedy_proposed", "remedy_monitoring"):
        assert move(cw, case_id, step).status_code == 302
    assert move(cw, case_id, "closed", "The employer reviewed the decision.").status_code == 302
    assert state_of(app, case_id) == "closed"
    page = tracking_page(app, reference, secret)
    assert "The employer reviewed the decision." in page and "Closed" in page
    with app_context(app):
        found = db.session.get(Case, case_id)
        assert [d.to_state for d in found.decisions][-1] == "closed"
        assert found.closed_at is not None
        assert all(c.stopped_on or c.paused_since is None for c in found.clocks)


def test_an_illegal_step_is_refused_with_a_clear_message(app, case, as_role):
    _, _, case_id = case
    cw = as_role("caseworker")
    response = move(cw, case_id, "closed", "too early")
    assert response.status_code == 422
    assert "cannot go from this state" in field_errors(response.get_data(as_text=True), "to")
    assert state_of(app, case_id) == "received"


def test_a_reason_is_needed_to_ask_for_information(app, case, as_role):
    _, _, case_id = case
    cw = as_role("caseworker")
    move(cw, case_id, "triage")
    response = move(cw, case_id, "needs_info", "")
    assert response.status_code == 422
    assert "required" in field_errors(response.get_data(as_text=True), "reason")
    assert state_of(app, case_id) == "triage"


def test_inadmissible_tells_the_complainant_where_else_to_turn(app, case, as_role):
    reference, secret, case_id = case
    cw = as_role("caseworker")
    move(cw, case_id, "triage")
    move(cw, case_id, "inadmissible", "This is a private contract dispute.",
         "The consumer ombudsman handles contract disputes.")
    page = tracking_page(app, reference, secret)
    assert "This is a private contract dispute." in page
    assert "The consumer ombudsman handles contract disputes." in page
    assert "Closed: the organisation cannot deal with it" in page


def test_closing_waits_for_a_supervisor_when_the_organisation_requires_it(app, case, as_role):
    _, _, case_id = case
    with app_context(app):
        db.session.get(Case, case_id).organisation.closure_needs_approval = True
        db.session.commit()
    cw = as_role("caseworker")
    for step in ("triage", "investigating"):
        move(cw, case_id, step)
    move(cw, case_id, "closed", "No breach found.")
    assert state_of(app, case_id) == "investigating"
    assert post_form(cw, f"/cases/{case_id}/approval", {"decision": "approve"},
                     token_from=f"/cases/{case_id}").status_code == 403
    sup = as_role("supervisor")
    assert "awaiting approval" in sup.get("/cases").get_data(as_text=True)
    post_form(sup, f"/cases/{case_id}/approval", {"decision": "approve"}, token_from=f"/cases/{case_id}")
    assert state_of(app, case_id) == "closed"


def test_withdrawal_by_the_complainant_withdraws_the_case(app, case):
    reference, secret, case_id = case
    client = app.test_client()
    client.post(f"/api/v1/complaints/{reference}/withdraw", headers={"X-Remedy-Secret": secret})
    assert state_of(app, case_id) == "withdrawn"
    with app_context(app):
        assert all(c.stopped_on for c in db.session.get(Case, case_id).clocks)


def test_notes_stay_internal(app, case, as_role):
    reference, secret, case_id = case
    cw = as_role("caseworker")
    post_form(cw, f"/cases/{case_id}/notes", {"body": "Internal: looks like a pattern."},
              token_from=f"/cases/{case_id}")
    assert "Internal: looks like a pattern." in cw.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Internal: looks like a pattern." not in tracking_page(app, reference, secret)
    api = app.test_client().get(f"/api/v1/complaints/{reference}", headers={"X-Remedy-Secret": secret})
    assert "Internal: looks like a pattern." not in api.get_data(as_text=True)


def test_messages_reach_the_complainant_and_their_answer_reaches_the_case(app, case, as_role,
                                                                         jobs, mailbox):
    reference, secret, case_id = case
    cw = as_role("caseworker")
    post_form(cw, f"/cases/{case_id}/messages", {"body": "Which company sent the letter?"},
              token_from=f"/cases/{case_id}")
    jobs()
    [email] = [m for m in mailbox.to("ana@example.org") if "new message" in m["Subject"]]
    assert "Which company" not in mailbox.text(email)  # the email says there is news, not what
    assert "Which company sent the letter?" in tracking_page(app, reference, secret)
    app.test_client().post(f"/api/v1/complaints/{reference}/messages",
                           json={"body": "It was Acme Logistics."}, headers={"X-Remedy-Secret": secret})
    assert "It was Acme Logistics." in cw.get(f"/cases/{case_id}").get_data(as_text=True)


def test_contact_details_are_shown_on_request_and_audited(app, case, as_role):
    from remedy.core.audit import AuditEvent

    _, _, case_id = case
    cw = as_role("caseworker")
    assert "ana@example.org" not in cw.get(f"/cases/{case_id}").get_data(as_text=True)
    shown = post_form(cw, f"/cases/{case_id}/contact", {}, token_from=f"/cases/{case_id}")
    assert "ana@example.org" in shown.get_data(as_text=True)
    with app_context(app):
        assert db.session.query(AuditEvent).filter_by(action="case.contact_viewed",
                                                      subject_id=case_id).count() == 1


@pytest.mark.both_storages
def test_evidence_downloads_as_an_attachment(app, staff, as_role):
    from tests.cases.conftest import file_complaint

    reference, secret, case_id = file_complaint(app)
    app.test_client().post(f"/api/v1/complaints/{reference}/evidence",
                           data={"file": [(__import__("io").BytesIO(b"<html><script>x</script>"), "page.html")]},
                           headers={"X-Remedy-Secret": secret}, content_type="multipart/form-data")
    cw = as_role("caseworker")
    page = cw.get(f"/cases/{case_id}").get_data(as_text=True)
    url = re.search(rf'href="(/cases/{case_id}/evidence/\d+)"', page).group(1)
    response = cw.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.data == b"<html><script>x</script>"
    assert as_role("other").get(url).status_code == 404


@pytest.mark.parametrize("path", ["", "/contact", "/transition", "/notes", "/messages"])
def test_another_organisations_case_is_a_404(app, other_case, as_role, path):
    _, _, case_id = other_case
    cw = as_role("caseworker")
    response = (cw.get(f"/cases/{case_id}") if not path else
                post_form(cw, f"/cases/{case_id}{path}", {"body": "x", "to": "triage"},
                          token_from="/cases"))
    assert response.status_code == 404


def test_an_organisation_admin_sets_its_own_deadlines(app, staff, as_role):
    from datetime import date

    from remedy.cases.domain import CALENDAR_DAYS, add_days
    from tests.cases.conftest import file_complaint

    admin = as_role("org_admin")
    assert as_role("supervisor").get("/admin/case-settings").status_code == 403
    bad = post_form(admin, "/admin/case-settings", {"acknowledge_length": "0",
                                                     "acknowledge_unit": "working_days"})
    assert bad.status_code == 422 and "from 1 to 365" in bad.get_data(as_text=True)
    form = {"acknowledge_length": "3", "acknowledge_unit": CALENDAR_DAYS,
            "triage_decision_length": "20", "triage_decision_unit": "working_days",
            "investigation_length": "60", "investigation_unit": "working_days",
            "respondent_answer_length": "10", "respondent_answer_unit": CALENDAR_DAYS,
            "respondent_final_length": "45", "respondent_final_unit": CALENDAR_DAYS,
            "complainant_feedback_length": "30", "complainant_feedback_unit": CALENDAR_DAYS,
            "closure_needs_approval": "y"}
    assert post_form(admin, "/admin/case-settings", form).status_code == 302
    _, _, case_id = file_complaint(app)
    with app_context(app):
        found = db.session.get(Case, case_id)
        [clock] = found.clocks
        assert clock.due_on == add_days(clock.started_on, 3, CALENDAR_DAYS, lambda d: False)
        assert found.organisation.closure_needs_approval
        assert found.organisation.clock_lengths["respondent_final"] == {
            "length": 45, "unit": CALENDAR_DAYS}
        assert isinstance(clock.due_on, date)
