"""The outbox sweep starts again only the emails whose job is gone: not those still waiting
behind a backlog, or running (RQ)."""

import pytest
import redis
from rq import SimpleWorker
from rq.registry import StartedJobRegistry

from remedy.extensions import db
from remedy.jobs import get_queue, get_redis
from remedy.notifications import jobs as email_jobs
from remedy.notifications.models import OutboxEmail
from tests.conftest import REDIS_URL, app_context
from tests.jobs.conftest import needs_redis, queued, run_worker
from tests.notifications.test_email import ADDRESS, file_with_email, later, outbox

pytestmark = [needs_redis, pytest.mark.usefixtures("org")]


def sweep(app) -> int:
    with app_context(app):
        return email_jobs.sweep_outbox()


def the_email(app) -> str:
    with app_context(app):
        return f"email-{db.session.query(OutboxEmail.id).scalar()}"


def test_an_email_whose_job_is_still_queued_is_not_queued_again(client, app, mailbox,
                                                                monkeypatch):
    file_with_email(client)
    later(monkeypatch)  # due, as if the queue were far behind
    assert sweep(app) == 0
    assert [job.id for job in queued(app, "emails")] == [the_email(app)]
    run_worker(app)
    assert len(mailbox.to(ADDRESS)) == 1


def test_an_email_whose_job_redis_lost_is_queued_again_and_sent_once(client, app, mailbox,
                                                                     monkeypatch):
    file_with_email(client)
    redis.Redis.from_url(REDIS_URL).flushdb()  # a Redis restart loses the queued jobs
    assert queued(app, "emails") == []
    later(monkeypatch)
    assert sweep(app) == 1
    assert [job.id for job in queued(app, "emails")] == [the_email(app)]
    assert sweep(app) == 0
    run_worker(app)
    assert len(mailbox.to(ADDRESS)) == 1 and outbox(app)[0][1] == "sent"
    assert sweep(app) == 0


def a_worker_took(app, job_id, alive: bool) -> None:
    """What a worker does when it starts a job; then it goes on, or is killed and its
    heartbeat runs out."""
    with app.app_context():
        connection, queue = get_redis(), get_queue("emails")
        job = queue.fetch_job(job_id)
        worker = SimpleWorker([queue], connection=connection)
        queue.remove(job)
        worker.prepare_execution(job)
        worker.prepare_job_execution(job)
        if not alive:
            registry = StartedJobRegistry("emails", connection=connection)
            connection.zadd(registry.key, dict.fromkeys(connection.zrange(registry.key, 0, -1), 1))


@pytest.mark.parametrize(("alive", "started"), [(True, 0), (False, 1)])
def test_an_email_whose_job_runs_is_left_to_it_unless_its_worker_died(
        client, app, mailbox, monkeypatch, alive, started):
    file_with_email(client)
    a_worker_took(app, the_email(app), alive)
    later(monkeypatch)
    assert sweep(app) == started
    run_worker(app)
    assert len(mailbox.to(ADDRESS)) == started


def test_an_email_whose_job_ended_is_queued_again_without_the_old_jobs_expiry(
        make_app, app, mailbox, monkeypatch):
    from tests.conftest import free_port

    no_smtp = make_app(MAIL_PORT=free_port())
    file_with_email(no_smtp.test_client())
    run_worker(no_smtp)  # the job ends ("retry"); RQ keeps it a few minutes
    assert outbox(app)[0][1:3] == ("pending", 1)
    later(monkeypatch, minutes=5)
    assert sweep(app) == 1
    with app.app_context():
        assert get_redis().ttl(f"rq:job:{the_email(app)}") == -1  # waits as long as it must
    run_worker(app)
    assert len(mailbox.to(ADDRESS)) == 1


def test_an_email_whose_claim_went_stale_is_queued_again_though_rq_thinks_its_job_runs(
        client, app, mailbox, monkeypatch):
    """A worker killed mid-send: RQ counts its job as running until the job's own timeout
    has passed, but the outbox knows sooner (MAIL_STALE_CLAIM_SECONDS)."""
    file_with_email(client)
    a_worker_took(app, the_email(app), alive=True)
    with app_context(app):
        db.session.query(OutboxEmail).update({"status": "sending",
                                              "claimed_at": email_jobs.utcnow()})
        db.session.commit()
    later(monkeypatch, minutes=5)
    assert sweep(app) == 0  # claimed 5 minutes ago: still the worker's
    later(monkeypatch, minutes=11)
    assert sweep(app) == 1
    run_worker(app)
    assert len(mailbox.to(ADDRESS)) == 1 and outbox(app)[0][1] == "sent"
