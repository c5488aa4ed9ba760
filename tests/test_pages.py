"""The public pages that explain things: what the privacy page promises must be true."""


def test_the_privacy_page_says_how_long_data_is_kept_and_how_to_have_it_erased(app, client):
    html = client.get("/privacy").get_data(as_text=True)
    assert f"kept for {app.config['RETENTION_DAYS']} more days, then erased" in html
    assert "organisation you complain about sees it only if you agreed" in html
    assert "for it to be erased: send a message" in html


def test_without_a_retention_period_the_privacy_page_promises_none(make_app):
    page = make_app(RETENTION_DAYS=None).test_client().get("/privacy").get_data(as_text=True)
    assert "then erased" not in page and "for it to be erased" in page


def test_the_health_check_reports_the_database_redis_and_stuck_emails(app, client):
    from datetime import timedelta

    from remedy.core.db import utcnow
    from remedy.extensions import db
    from remedy.notifications.models import OutboxEmail
    from tests.conftest import app_context

    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.get_json()["status"] == "ok"
    assert healthy.get_json()["emails_overdue"] == 0
    assert ("redis" in healthy.get_json()) == bool(app.config.get("REDIS_URL"))
    with app_context(app):
        db.session.add(OutboxEmail(template="case_message", recipient="x@example.org",
                                   locale="en", status="pending", context={},
                                   created_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    stuck = client.get("/healthz")
    assert stuck.status_code == 200  # still serving: the outbox catches up later
    assert stuck.get_json()["status"] == "degraded" and stuck.get_json()["emails_overdue"] == 1


def test_the_health_check_says_when_redis_is_down(make_app):
    served = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    report = served.test_client().get("/healthz").get_json()
    assert report["redis"] == "down" and report["status"] == "degraded"


def test_the_health_check_is_503_without_a_database(make_app, tmp_path):
    served = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/none.db")
    response = served.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "down"
