"""`flask remedy worker`: jobs run in the worker's own process, each in a session of its own,
and still stop at their timeout."""

import os
import time

import pytest
from rq.job import Job, JobStatus
from rq.timeouts import UnixSignalDeathPenalty
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from remedy.accounts.models import Organisation
from remedy.extensions import db
from remedy.jobs import enqueue, get_queue
from remedy.jobs.schedule import AppWorker
from tests.jobs.conftest import needs_redis, queued, run_worker

pytestmark = [needs_redis, pytest.mark.usefixtures("org")]


# The jobs, found by RQ under this module's name.

def leave_a_change_unsaved() -> None:
    db.session.add(Organisation(slug="never-committed", name="N", country="DK", org_type="nhri"))
    db.session.flush()


def break_the_transaction() -> None:
    db.session.add(Organisation(slug="test-nhri", name="Twin", country="DK", org_type="nhri"))
    try:
        db.session.flush()
    except IntegrityError:
        pass  # and no rollback


def add_one_organisation() -> list[str]:
    db.session.add(Organisation(slug="committed", name="C", country="DK", org_type="nhri"))
    db.session.commit()
    return sorted(db.session.scalars(select(Organisation.slug)))


def which_process() -> int:
    db.session.execute(select(1))
    return os.getpid()


def enqueued(app, func, *args, **options) -> str:
    with app.app_context():
        return get_queue("default").enqueue(func, *args, **options).id


def job(app, job_id) -> Job:
    with app.app_context():
        return get_queue("default").fetch_job(job_id)


@pytest.mark.parametrize("careless", [leave_a_change_unsaved, break_the_transaction])
def test_what_a_job_leaves_in_its_session_never_reaches_the_next(app, careless):
    first, second = enqueued(app, careless), enqueued(app, add_one_organisation)
    run_worker(app)
    assert job(app, first).get_status() == JobStatus.FINISHED
    after = job(app, second)
    assert after.get_status() == JobStatus.FINISHED, after.latest_result().exc_string
    assert after.return_value() == ["committed", "test-nhri"]  # not "never-committed"


def test_the_worker_drains_the_queues_in_its_own_process_on_pooled_connections(app):
    opened = []

    def count(*_args):
        opened.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", count)
    try:
        ids = [enqueued(app, which_process) for _ in range(5)]
        assert "worker stopped" in run_worker(app).output
    finally:
        event.remove(engine, "connect", count)
    assert {job(app, i).return_value() for i in ids} == {os.getpid()}  # no work horse
    assert len(opened) <= 1  # not a new connection per job
    assert queued(app) == [] and queued(app, "emails") == []


def test_a_job_past_its_timeout_is_stopped_and_the_next_one_runs(app):
    slow = enqueued(app, time.sleep, 10, job_timeout=1)
    quick = enqueued(app, which_process)
    started = time.monotonic()
    run_worker(app)
    assert time.monotonic() - started < 8
    assert job(app, slow).get_status() == JobStatus.FAILED
    assert "JobTimeoutException" in job(app, slow).latest_result().exc_string
    assert job(app, quick).return_value() == os.getpid()


def test_the_jobs_remedy_enqueues_have_two_minutes(app, monkeypatch):
    timeouts = []

    class Recorded(UnixSignalDeathPenalty):
        def __init__(self, timeout, *args, **kwargs):
            timeouts.append(timeout)
            super().__init__(timeout, *args, **kwargs)

    monkeypatch.setattr(AppWorker, "death_penalty_class", Recorded)
    with app.app_context():
        assert enqueue("default", which_process, ())
    run_worker(app)
    assert timeouts == [120]


def test_fork_runs_each_job_in_a_work_horse(app):
    ids = [enqueued(app, which_process) for _ in range(2)]
    run_worker(app, "--fork")
    pids = {job(app, i).return_value() for i in ids}
    assert len(pids) == 2 and os.getpid() not in pids


def test_a_worker_that_grew_too_large_stops_after_its_job(make_app):
    """For its supervisor to start a fresh one; the rest waits in the queue."""
    grown = make_app(WORKER_MAX_MEMORY_MB=1)  # any Python process is larger
    ids = [enqueued(grown, which_process) for _ in range(3)]
    run_worker(grown)
    statuses = [job(grown, i).get_status() for i in ids]
    assert statuses == [JobStatus.FINISHED, JobStatus.QUEUED, JobStatus.QUEUED]
    run_worker(make_app(WORKER_MAX_MEMORY_MB=0))
    assert [job(grown, i).get_status() for i in ids] == [JobStatus.FINISHED] * 3


def test_a_whole_aggregation_may_take_hours(app):
    from remedy.collective.jobs import run_aggregation

    with app.app_context():
        assert enqueue("default", run_aggregation, (12345,))
    [waiting] = queued(app)
    assert waiting.func_name.endswith("run_aggregation") and waiting.timeout == 6 * 3600
