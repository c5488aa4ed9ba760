"""The rollups follow the cases: a burst of filings asks for one refresh, not one each."""

import pytest
from rq import Queue

from remedy.cases.models import Case
from remedy.extensions import db
from remedy.jobs import commit, get_redis
from remedy.observatory import jobs as observatory_jobs
from remedy.observatory import triggers
from tests.cases.conftest import file_complaint
from tests.conftest import REDIS_URL, app_context, run_jobs

pytestmark = pytest.mark.usefixtures("org")


@pytest.fixture
def free_slot(monkeypatch, app):
    """No refresh started lately, in this process or in Redis."""
    monkeypatch.setitem(triggers._last_run, "at", float("-inf"))
    with app.app_context():
        if get_redis() is not None:
            get_redis().delete(triggers._SLOT_KEY)


def counted(monkeypatch, name: str) -> list:
    """Count the calls of one of the observatory's job functions (still calling it)."""
    calls, real = [], getattr(observatory_jobs, name)
    monkeypatch.setattr(observatory_jobs, name, lambda: calls.append(1) or real())
    return calls


@pytest.fixture
def refreshes(monkeypatch):
    return counted(monkeypatch, "refresh_changed")


def refresh_jobs(app) -> int:
    with app.app_context():
        return sum(1 for job in Queue("default", connection=get_redis()).get_jobs()
                   if job.func_name.endswith(".refresh_rollups"))


def test_twenty_filings_in_a_row_make_one_refresh_job(make_app, free_slot, refreshes,
                                                      monkeypatch):
    slow = make_app(OBSERVATORY_REFRESH_SECONDS=60)
    # In-process, the job itself is counted (RQ could not import a patched one).
    jobs_run = None if REDIS_URL else counted(monkeypatch, "refresh_rollups")
    for _ in range(20):
        file_complaint(slow)
    if REDIS_URL:
        assert refresh_jobs(slow) == 1
        assert refreshes == []  # not before a worker runs it
        run_jobs(slow)
    else:
        assert jobs_run == [1]
    assert refreshes == [1]


def test_a_rolled_back_change_leaves_the_slot_free(make_app, free_slot, refreshes):
    slow = make_app(OBSERVATORY_REFRESH_SECONDS=60)
    case_id = file_complaint(make_app(OBSERVATORY_REFRESH_SECONDS=0))[2]
    run_jobs(slow)
    refreshes.clear()
    with app_context(slow):
        db.session.get(Case, case_id).sector = "education"
        db.session.flush()
        db.session.rollback()
        commit()
        assert triggers.take_slot()  # nobody took it
    assert refreshes == []
