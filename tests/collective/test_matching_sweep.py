"""Complaints whose matching job was lost (a Redis restart, a killed worker) are matched by
the periodic `match_waiting_complaints`; and it never matches one at the same moment as the
complaint's own job."""

from datetime import timedelta

import pytest
import redis
from sqlalchemy import create_engine, delete, select, text

from remedy.collective import jobs as collective_jobs
from remedy.collective.matching import open_suggestions
from remedy.collective.models import ComplaintKey, ComplaintSignature, Suggestion
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.collective.test_journey import drivers
from tests.conftest import DATABASE_URL, REDIS_URL, app_context, run_jobs

pytestmark = pytest.mark.usefixtures("staff")


def never_matched(app) -> None:
    """As if no matching job had ever run."""
    with app_context(app):
        for model in (Suggestion, ComplaintKey, ComplaintSignature):
            db.session.execute(delete(model))
        db.session.commit()


def minutes_later(monkeypatch, minutes: float) -> None:
    moment = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(collective_jobs, "utcnow", lambda: moment)


def signed(app) -> int:
    with app_context(app):
        return len(db.session.scalars(select(ComplaintSignature.complaint_id)).all())


def sweep(app) -> int:
    with app_context(app):
        return collective_jobs.match_waiting_complaints()


def test_complaints_never_matched_are_matched_and_suggested_once(app, monkeypatch):
    drivers(app, count=3)
    never_matched(app)
    assert sweep(app) == 0  # the last minute is left to the complaints' own jobs
    minutes_later(monkeypatch, 2)
    assert sweep(app) == 3
    assert signed(app) == 3
    with app_context(app):
        complaint_ids = db.session.scalars(select(Complaint.id)).all()
        assert any(open_suggestions(complaint_id) for complaint_id in complaint_ids)
        suggestions = db.session.query(Suggestion).count()
    assert sweep(app) == 0
    with app_context(app):
        assert db.session.query(Suggestion).count() == suggestions


def test_old_and_withdrawn_complaints_are_not_swept(app, monkeypatch):
    drivers(app, count=2)
    never_matched(app)
    with app_context(app):
        first, second = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
        first.withdrawn_at = utcnow()
        db.session.commit()
    minutes_later(monkeypatch, 8 * 24 * 60)  # the other one is now 8 days old
    assert sweep(app) == 0 and signed(app) == 0


@pytest.mark.skipif(REDIS_URL is None, reason="jobs lost with Redis need Redis")
def test_the_jobs_a_redis_restart_lost_are_made_good(app, monkeypatch):
    from tests.cases.conftest import file_complaint

    for i in range(3):
        file_complaint(app, contact={"email": f"lost{i}@example.org"})
    redis.Redis.from_url(REDIS_URL).flushdb()  # no persistence: the queued jobs are gone
    run_jobs(app)
    assert signed(app) == 0
    minutes_later(monkeypatch, 2)
    assert sweep(app) == 3 and signed(app) == 3


@pytest.mark.skipif(DATABASE_URL is None, reason="row locks need PostgreSQL")
def test_a_complaint_being_matched_elsewhere_is_left_alone(app, monkeypatch):
    drivers(app, count=1)
    never_matched(app)
    with app_context(app):
        complaint_id = db.session.scalar(select(Complaint.id))
    other = create_engine(DATABASE_URL)
    try:
        with other.connect() as holder:  # another worker, in the middle of matching it
            holder.execute(text("SELECT id FROM complaints WHERE id = :id FOR UPDATE"),
                           {"id": complaint_id})
            with app_context(app):
                assert collective_jobs.match_new_complaint(complaint_id) == 0
            minutes_later(monkeypatch, 2)
            assert sweep(app) == 0
            holder.rollback()
        assert signed(app) == 0
        assert sweep(app) == 1 and signed(app) == 1
    finally:
        other.dispose()
