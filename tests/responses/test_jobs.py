"""The daily job: reminders before an answer falls due (once), untimely marks when it is
missed, and the remedy question to the complainant."""

from datetime import timedelta

from remedy.cases.models import Case
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.responses.jobs import check_respondent_deadlines
from remedy.responses.models import RespondentRequest
from tests.conftest import app_context, run_jobs
from tests.responses.conftest import RESPONDENT_EMAIL, sendable_case

QUESTIONS = ["explanation"]


def _send(client, token, case_id):
    response = client.post(f"/api/v1/cases/{case_id}/respondent-requests",
                           json={"questions": QUESTIONS},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    return response.get_json()["id"]


def test_reminders_go_out_once_before_each_deadline(app, client, token, mailbox):
    _, _, case_id, _ = sendable_case(app)
    request_id = _send(client, token("caseworker"), case_id)
    run_jobs(app)
    mailbox.clear()
    today = utcnow().date()
    with app_context(app):
        assert check_respondent_deadlines(today)["reminded"] == 0  # 15 days ahead: too early
        assert check_respondent_deadlines(today + timedelta(days=13))["reminded"] == 1
        assert check_respondent_deadlines(today + timedelta(days=14))["reminded"] == 0  # once
    run_jobs(app)
    [reminder] = mailbox.to(RESPONDENT_EMAIL)
    assert "Reminder" in reminder["Subject"]
    text = mailbox.text(reminder)
    assert f"/respond/open/{request_id}." in text and "first answer is due" in text
    with app_context(app):
        assert check_respondent_deadlines(today + timedelta(days=58))["reminded"] == 1  # final


def test_a_missed_deadline_is_untimely_and_needs_attention(app, client, token):
    _, _, case_id, _ = sendable_case(app)
    request_id = _send(client, token("caseworker"), case_id)
    today = utcnow().date()
    with app_context(app):
        assert check_respondent_deadlines(today + timedelta(days=15))["untimely"] == 0  # due today
        assert check_respondent_deadlines(today + timedelta(days=16))["untimely"] == 1
        assert check_respondent_deadlines(today + timedelta(days=17))["untimely"] == 0
        sent = db.session.get(RespondentRequest, request_id)
        assert sent.initial_timely is False and sent.final_timely is None
        case = db.session.get(Case, case_id)
        assert case.attention_reason == "respondent_late"
        assert check_respondent_deadlines(today + timedelta(days=61))["untimely"] == 1
        assert db.session.get(RespondentRequest, request_id).final_timely is False


def test_the_queue_shows_and_filters_late_respondents(app, client, token, as_role):
    reference, _, case_id, _ = sendable_case(app)
    other_reference, _, _, _ = sendable_case(app)
    _send(client, token("caseworker"), case_id)
    cw = as_role("caseworker")
    waiting = cw.get("/cases?respondent=waiting").get_data(as_text=True)
    assert reference in waiting and other_reference not in waiting
    assert reference not in cw.get("/cases?respondent=late").get_data(as_text=True)
    with app_context(app):
        db.session.get(Case, case_id).respondent_due_on = utcnow().date() - timedelta(days=1)
        db.session.commit()
    late = cw.get("/cases?respondent=late").get_data(as_text=True)
    assert reference in late and other_reference not in late
    api = client.get("/api/v1/cases?respondent=late",
                     headers={"Authorization": f"Bearer {token('caseworker')}"}).get_json()
    assert [item["reference"] for item in api["items"]] == [reference]
    assert cw.get("/cases?respondent=soon").status_code == 200  # shown as a filter error


def test_timeliness_per_respondent_counts_answers_and_missed_deadlines(app, client, token):
    from remedy.responses import access
    from remedy.responses.queries import answer_timeliness
    from remedy.responses.services import submit_response

    _, _, answered_case, respondent_id = sendable_case(app)
    _, _, ignored_case, _ = sendable_case(app)
    _, _, theirs, _ = sendable_case(app, complainant_country="SE")
    answered = _send(client, token("caseworker"), answered_case)
    _send(client, token("caseworker"), ignored_case)
    _send(client, token("other"), theirs)
    today = utcnow().date()
    with app_context(app):
        principal = access.link_principal(db.session.get(RespondentRequest, answered))
        submit_response(principal, answered, {"category": "closed_with_explanation",
                                               "explanation": "Explained."}, today=today)
        check_respondent_deadlines(today + timedelta(days=16))
        [row] = answer_timeliness([db.session.get(Case, answered_case).organisation_id])
        assert row["respondent"]["id"] == respondent_id and row["requests"] == 2
        assert row["initial"] == {"timely": 1, "untimely": 1}
        assert row["final"] == {"timely": 1, "untimely": 0}
        assert answer_timeliness()[0]["requests"] == 3


def test_the_morning_digest_lists_cases_that_need_attention(app, client, token, staff, mailbox):
    from remedy.cases.jobs import send_deadline_digests
    from tests.cases.conftest import STAFF

    reference, _, case_id, _ = sendable_case(app)
    with app_context(app):
        case = db.session.get(Case, case_id)
        case.assignee_id = staff["caseworker"]
        case.attention_reason, case.attention_since = "complainant_disputes", utcnow()
        db.session.commit()
        assert send_deadline_digests() == 1
    run_jobs(app)
    [digest] = mailbox.to(STAFF["caseworker"][0])
    text = mailbox.text(digest)
    assert reference in text and "disputes the respondent's answer" in text
