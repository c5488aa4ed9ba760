"""Background jobs: deferred until the transaction that caused them has committed.

Services call `defer(func, *ids)` while they work and `commit()` at the end. After a
successful commit the deferred jobs go to RQ (queues named by purpose), or, when no Redis is
configured (the embedded default), run right here in-process. A job never runs for a change
that was rolled back, and a worker never looks for a row that is not committed yet.

If Redis is down at enqueue time nothing is lost: every job that matters has a durable
record (the email outbox) that the periodic sweep picks up again.
"""

import logging

import redis
from flask import current_app
from rq import Queue
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from remedy.extensions import db

log = logging.getLogger(__name__)

_PENDING = "remedy_pending_jobs"
QUEUES = ("emails", "default")


def init_app(app) -> None:
    app.extensions["remedy_redis"] = (
        redis.Redis.from_url(app.config["REDIS_URL"]) if app.config.get("REDIS_URL") else None
    )


@event.listens_for(Session, "after_soft_rollback")
def _forget_jobs_of_rolled_back_work(session, previous_transaction):
    session.info.pop(_PENDING, None)


def get_redis() -> redis.Redis | None:
    return current_app.extensions.get("remedy_redis")


def get_queue(name: str) -> Queue:
    return Queue(name, connection=get_redis())


def defer(func, *args, queue: str = "default", when=None) -> None:
    """Run `func(*args)` once the current transaction commits. Pass ids, not objects.
    `when`, a function of no arguments, is asked after the commit: the job goes only if it
    says yes (so a rolled-back transaction never asks it)."""
    db.session.info.setdefault(_PENDING, []).append((queue, func, args, when))


def defer_once(func, *args, queue: str = "default", when=None) -> None:
    """`defer`, unless the same call is already waiting for this transaction."""
    if (queue, func, args, when) not in db.session.info.get(_PENDING, []):
        defer(func, *args, queue=queue, when=when)


JOB_TIMEOUT = 120  # seconds, unless a job says otherwise (`job_options`)


def job_options(*, id: str | None = None, timeout: int = JOB_TIMEOUT):
    """Decorate a job: `id`, a template of its RQ job id made from its arguments
    (`"email-{}"`), lets a sweep tell whether that job is still waiting; `timeout` for one
    that may run longer than the usual two minutes (a whole aggregation)."""

    def mark(func):
        func.job_id_template, func.job_timeout = id, timeout
        return func

    return mark


def _job_id(func, args) -> str | None:
    template = getattr(func, "job_id_template", None)
    return template.format(*args) if template else None


def commit() -> None:
    """Commit the unit of work, then hand its deferred jobs over."""
    db.session.commit()
    dispatch_pending()


def dispatch_pending() -> None:
    while pending := db.session.info.pop(_PENDING, None):
        for queue, func, args, when in pending:
            if when is not None and not _holds(when):
                continue
            if get_redis() is None:
                run_in_process(func, args)
            else:
                enqueue(queue, func, args)


def _holds(condition) -> bool:
    """A condition that fails counts as no: the work is committed, the request must not fail."""
    try:
        return bool(condition())
    except Exception as exc:
        log.warning("job condition %s failed (%s): job skipped", condition.__name__,
                    type(exc).__name__)
        return False


def enqueue(queue: str, func, args) -> bool:
    try:
        get_queue(queue).enqueue(func, *args, job_id=_job_id(func, args),
                                 job_timeout=getattr(func, "job_timeout", JOB_TIMEOUT),
                                 failure_ttl=7 * 86400)
        return True
    except redis.exceptions.RedisError:
        log.warning("could not enqueue %s.%s; the periodic sweep retries", func.__module__,
                    func.__name__)
        return False


_WAITING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def enqueue_missing(queue: str, func, calls: list[tuple], again: set[tuple] = frozenset()) -> int:
    """For a sweep: enqueue `func(*args)` for each of `calls` whose job (by its `job_id`) is
    not already waiting in the queue or running, so that a backlog does not collect
    duplicates. A job that ended, or that Redis lost, is enqueued again, and so is one of
    `again` (known dead) unless it is still queued. Returns how many."""
    connection = get_redis()
    started = 0
    try:
        # A job whose worker died stays "started" until this moves it to the failed jobs.
        StartedJobRegistry(queue, connection=connection).cleanup()
        jobs = Job.fetch_many([_job_id(func, args) for args in calls], connection=connection)
        for args, job in zip(calls, jobs, strict=True):
            if job is not None:
                status = job.get_status(refresh=False)
                if status in _WAITING and (args not in again or status == JobStatus.QUEUED):
                    continue
                # The ended job's expiry would carry over to the new one with the same id.
                job.delete(remove_from_queue=False)
            started += enqueue(queue, func, args)
    except redis.exceptions.RedisError:
        log.warning("could not sweep %s.%s; the next sweep retries", func.__module__,
                    func.__name__)
    return started


def sweep_due(model, job, *, queue: str, now, stale, limit: int = 500) -> int:
    """The safety net of an outbox table (`status`, `claimed_at`, `next_attempt_at`) whose
    rows `job(row id)` delivers, for a dead Redis, a killed worker or a failed attempt: a
    claim older than `stale` is taken back (its worker died), then the job of each due row
    is started, unless it still waits in the queue or runs. Returns how many it started."""
    taken_back = db.session.scalars(
        update(model).where(model.status == "sending", model.claimed_at < now - stale)
        .values(status="pending", next_attempt_at=now).returning(model.id)).all()
    db.session.commit()
    due = db.session.scalars(
        select(model.id).where(model.status == "pending",
                               or_(model.next_attempt_at <= now, model.next_attempt_at.is_(None)))
        .order_by(model.id).limit(limit)).all()
    if get_redis() is not None:
        # A stale claim's job is dead even while RQ still counts it as running.
        return enqueue_missing(queue, job, [(row_id,) for row_id in due],
                               again={(row_id,) for row_id in taken_back})
    for row_id in due:
        run_in_process(job, (row_id,))
    return len(due)


def run_in_process(func, args) -> None:
    """The embedded default: run now. A failing job must not break the request that
    caused it (the request's work is already committed)."""
    try:
        func(*args)
    except Exception:
        db.session.rollback()
        log.exception("in-process job %s failed", func.__name__)
