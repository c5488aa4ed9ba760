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
from sqlalchemy import event
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


def defer(func, *args, queue: str = "default") -> None:
    """Run `func(*args)` once the current transaction commits. Pass ids, not objects."""
    db.session.info.setdefault(_PENDING, []).append((queue, func, args))


def defer_once(func, *args, queue: str = "default") -> None:
    """`defer`, unless the same call is already waiting for this transaction."""
    if (queue, func, args) not in db.session.info.get(_PENDING, []):
        defer(func, *args, queue=queue)


def commit() -> None:
    """Commit the unit of work, then hand its deferred jobs over."""
    db.session.commit()
    dispatch_pending()


def dispatch_pending() -> None:
    while pending := db.session.info.pop(_PENDING, None):
        for queue, func, args in pending:
            if get_redis() is None:
                run_in_process(func, args)
            else:
                enqueue(queue, func, args)


def enqueue(queue: str, func, args) -> bool:
    try:
        get_queue(queue).enqueue(func, *args, job_timeout=120, failure_ttl=7 * 86400)
        return True
    except redis.exceptions.RedisError:
        log.warning("could not enqueue %s.%s; the periodic sweep retries", func.__module__,
                    func.__name__)
        return False


def run_in_process(func, args) -> None:
    """The embedded default: run now. A failing job must not break the request that
    caused it (the request's work is already committed)."""
    try:
        func(*args)
    except Exception:
        db.session.rollback()
        log.exception("in-process job %s failed", func.__name__)
