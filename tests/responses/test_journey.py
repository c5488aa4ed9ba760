"""The whole journey through the pages: a caseworker sends a case to its respondent, the
respondent answers through its link (first "in progress", then finally, with a remedy and a
document), the caseworker sees it, the complainant disputes it, and later says whether the
remedy happened."""

import io
from datetime import timedelta

import pytest

from remedy.cases.models import Case
from remedy.core.audit import AuditEvent
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.responses.jobs import check_respondent_deadlines
from remedy.responses.models import RespondentRequest
from tests.conftest import app_context, run_jobs
from tests.responses.conftest import RESPONDENT_EMAIL, link_from, path_of, sendable_case
from tests.web import field_errors, post_form

QUESTIONS = ["explanation", "human_review", "data_used", "remedy_offered"]


def send_from_case_page(cw, case_id, **changes):
    url = f"/cases/{case_id}/respondent-request"
    data = {"target": "deployer", "questions": QUESTIONS, "extra_question": "", "summary": "",
            "action": "send", **changes}
    return post_form(cw, url, data)


def track(app, reference, secret):
    client = app.test_client()
    response = post_form(client, "/track", {"reference": reference, "secret": secret})
    assert response.status_code == 302
    return client


def test_caseworker_sees_exactly_what_will_be_sent_before_sending(app, as_role):
    reference, _, case_id, _ = sendable_case(app)
    cw = as_role("caseworker")
    page = cw.get(f"/cases/{case_id}")
    assert page.status_code == 200 and f"/cases/{case_id}/respondent-request" in page.get_data(as_text=True)
    preview = post_form(cw, f"/cases/{case_id}/respondent-request",
                        {"target": "deployer", "questions": QUESTIONS, "action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Exactly what the respondent will see" in html and "Ana Jensen" in html
    assert "automatic screening tool" in html  # the complainant's words, with consent
    assert "ana@example.org" not in html.split("Exactly what the respondent will see")[1]
    with app_context(app):
        assert db.session.query(RespondentRequest).count() == 0  # a preview sends nothing


def test_without_consent_only_a_summary_goes_and_it_is_required(app, as_role, mailbox):
    _, _, case_id, _ = sendable_case(app, share=False)
    cw = as_role("caseworker")
    refused = send_from_case_page(cw, case_id)
    assert refused.status_code == 422
    assert "This is required" in field_errors(refused.get_data(as_text=True), "summary")
    sent = send_from_case_page(cw, case_id, summary="A job applicant was rejected in a minute.")
    assert sent.status_code == 200 and "/respond/open/" in sent.get_data(as_text=True)
    run_jobs(app)
    portal = app.test_client()
    request_page = portal.get(path_of(link_from(mailbox)), follow_redirects=True)
    html = request_page.get_data(as_text=True)
    assert "A job applicant was rejected in a minute." in html
    assert "Ana Jensen" not in html and "automatic screening tool" not in html
    assert "has not agreed to be named" in html


@pytest.mark.both_storages
def test_the_whole_journey(app, as_role, mailbox):
    reference, secret, case_id, _ = sendable_case(app)
    cw = as_role("caseworker")
    assert send_from_case_page(cw, case_id, extra_question="Was the test the same for all?").status_code == 200
    run_jobs(app)
    [email] = mailbox.to(RESPONDENT_EMAIL)
    assert "Organisation test-nhri" in mailbox.text(email)
    link = link_from(mailbox)

    # The complainant's timeline says it was sent.
    complainant = track(app, reference, secret)
    assert "sent to the organisation you complained about" in complainant.get(
        "/track/complaint").get_data(as_text=True)

    # The respondent opens the link: the portal, without the token in the address.
    portal = app.test_client()
    opened = portal.get(path_of(link))
    assert opened.status_code == 302 and "/respond/requests/" in opened.headers["Location"]
    request_url = opened.headers["Location"]
    page = portal.get(request_url).get_data(as_text=True)
    assert "Was the test the same for all?" in page and "Ana Jensen" in page

    # A final answer without the answers asked for is refused, field by field, nothing lost.
    refused = post_form(portal, request_url, {"category": "closed_with_explanation",
                                              "explanation": "We looked into it."})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "This is required" in field_errors(html, "human_review")
    assert "We looked into it." in html

    # "In progress", with a date for the final answer.
    final_by = (utcnow().date() + timedelta(days=20)).isoformat()
    assert post_form(portal, request_url, {"category": "in_progress",
                                           "final_due": final_by}).status_code == 302
    with app_context(app):
        case = db.session.get(Case, case_id)
        assert case.respondent_due_on.isoformat() == final_by
        assert case.attention_reason == "respondent_answered"

    # The final answer: relief, a remedy with a due date, and a document.
    due = (utcnow().date() + timedelta(days=10)).isoformat()
    answer = {
        "category": "closed_with_non_monetary_relief",
        "explanation": "The screening tool ranked the CV below a threshold.",
        "human_review": "No person reviewed it.", "data_used": "The CV and the cover letter.",
        "remedy_offered": "A person will review the application again.",
        "remedy_types": ["human_review"], "remedy_due_on": due,
        "extra_answer": "Yes, the same for all.", "public_response": "We review our tool.",
        "documents": [(io.BytesIO(b"Our review procedure, in plain text."), "procedure.txt")],
    }
    done = post_form(portal, request_url, answer, content_type="multipart/form-data")
    assert done.status_code == 302
    assert "Your answer was sent" in portal.get(done.headers["Location"]).get_data(as_text=True)
    again = post_form(portal, request_url, {"category": "closed_with_explanation"})
    assert again.status_code == 409 and "already has a final answer" in again.get_data(as_text=True)

    # The caseworker sees the answer, the document, the new remedy and the attention flag.
    case_page = cw.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The screening tool ranked the CV below a threshold." in case_page
    assert "procedure.txt" in case_page and "offered by the respondent" in case_page
    assert "The respondent answered" in case_page
    queue = cw.get("/cases?attention=1").get_data(as_text=True)
    assert reference in queue
    with app_context(app):
        case = db.session.get(Case, case_id)
        [remedy] = [r for r in case.remedies if r.offered_by == "respondent"]
        assert remedy.remedy_type == "human_review" and remedy.status == "proposed"
        assert remedy.due_on.isoformat() == due
        [sent] = case.respondent_requests
        assert sent.status == "answered" and sent.initial_timely and sent.final_timely
        document_id = sent.responses[-1].documents[0].id
        actors = {e.actor for e in db.session.query(AuditEvent).filter(
            AuditEvent.action == "respondent_request.answered")}
        assert actors == {f"respondent-link:{sent.id}"}
    download = cw.get(f"/cases/{case_id}/respondent-documents/{document_id}")
    assert download.status_code == 200 and download.data == b"Our review procedure, in plain text."
    assert post_form(cw, f"/cases/{case_id}/attention", {}, token_from=f"/cases/{case_id}").status_code == 302
    assert reference not in cw.get("/cases?attention=1").get_data(as_text=True)

    # The complainant reads the answer and disputes it; the case needs attention again.
    tracking = complainant.get("/track/complaint").get_data(as_text=True)
    assert "The screening tool ranked the CV below a threshold." in tracking
    assert "procedure.txt" not in tracking  # documents are for the caseworker
    missing_reason = post_form(complainant, "/track/complaint/feedback", {"satisfied": "no"},
                               token_from="/track/complaint")
    assert missing_reason.status_code == 422
    assert "This is required" in field_errors(missing_reason.get_data(as_text=True), "comment")
    disputed = post_form(complainant, "/track/complaint/feedback",
                         {"satisfied": "no", "comment": "Nobody has called me."},
                         token_from="/track/complaint")
    assert disputed.status_code == 302
    with app_context(app):
        case = db.session.get(Case, case_id)
        assert case.attention_reason == "complainant_disputes"
        assert case.respondent_requests[0].responses[-1].feedback_satisfied is False
    assert "Nobody has called me." in cw.get(f"/cases/{case_id}").get_data(as_text=True)

    # After the remedy's due date, the complainant is asked whether it happened.
    with app_context(app):
        later = utcnow().date() + timedelta(days=11)
        assert check_respondent_deadlines(later)["remedy_checks"] == 1
        assert check_respondent_deadlines(later)["remedy_checks"] == 0  # asked once
    tracking = complainant.get("/track/complaint").get_data(as_text=True)
    assert "Did this remedy happen?" in tracking
    assert post_form(complainant, f"/track/complaint/remedies/{remedy.id}",
                     {f"r{remedy.id}-happened": "no", f"r{remedy.id}-comment": "Nothing yet."},
                     token_from="/track/complaint").status_code == 302
    with app_context(app):
        case = db.session.get(Case, case_id)
        assert case.attention_reason == "remedy_not_done"
        assert [r.complainant_says_done for r in case.remedies if r.offered_by == "respondent"] == [False]
    assert "The complainant says it did not happen." in cw.get(f"/cases/{case_id}").get_data(as_text=True)


def test_withdrawn_consent_hides_the_complainant_from_the_respondent_at_once(app, as_role, mailbox):
    reference, secret, case_id, _ = sendable_case(app)
    assert send_from_case_page(as_role("caseworker"), case_id).status_code == 200
    run_jobs(app)
    portal = app.test_client()
    url = portal.get(path_of(link_from(mailbox))).headers["Location"]
    assert "Ana Jensen" in portal.get(url).get_data(as_text=True)
    complainant = track(app, reference, secret)
    assert post_form(complainant, "/track/complaint/consents", {"consent_contact": "y"},
                     token_from="/track/complaint").status_code == 302
    html = portal.get(url).get_data(as_text=True)
    assert "Ana Jensen" not in html and "automatic screening tool" not in html
    assert "withdrawn their agreement" in html


@pytest.mark.both_storages
def test_too_many_documents_are_refused_and_the_answer_is_kept(app, as_role, mailbox):
    _, _, case_id, _ = sendable_case(app)
    assert send_from_case_page(as_role("caseworker"), case_id).status_code == 200
    run_jobs(app)
    portal = app.test_client()
    url = portal.get(path_of(link_from(mailbox))).headers["Location"]
    limit = app.config["UPLOAD_MAX_FILES"]
    files = [(io.BytesIO(f"note {i}".encode()), f"n{i}.txt") for i in range(limit + 1)]
    refused = post_form(portal, url, {"category": "in_progress", "final_due": "",
                                      "explanation": "Kept text.", "documents": files},
                        content_type="multipart/form-data")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"at most {limit} files" in field_errors(html, "documents") and "Kept text." in html


def test_without_a_registry_contact_the_page_says_where_to_add_one(app, as_role):
    from tests.cases.conftest import file_complaint

    _, _, case_id = file_complaint(app)
    cw = as_role("caseworker")
    page = cw.get(f"/cases/{case_id}/respondent-request").get_data(as_text=True)
    assert "no contact email in the registry" in page
    assert "/registry/respondents/" in page and "Add a contact email for" in page
