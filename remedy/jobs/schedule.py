"""The one list of periodic jobs, and the worker and scheduler commands that run them."""

import logging
import resource
import time

import click
from flask import current_app
from rq import SimpleWorker, Worker
from rq.cron import CronScheduler

from remedy.cases.jobs import apply_retention, send_deadline_digests
from remedy.collective.jobs import match_waiting_complaints
from remedy.core.idempotency import forget_expired_answers
from remedy.extensions import db
from remedy.federation.jobs import sweep_federation
from remedy.intake.jobs import purge_unclaimed_evidence
from remedy.jobs import QUEUES, get_redis
from remedy.notifications.jobs import sweep_outbox
from remedy.observatory.jobs import fetch_regional_figures, refresh_rollups
from remedy.referrals.jobs import check_referral_deadlines
from remedy.responses.jobs import check_respondent_deadlines

log = logging.getLogger(__name__)

# (function, queue, every N seconds or a cron expression in UTC)
PERIODIC = [
    (sweep_outbox, "emails", 60),
    (send_deadline_digests, "default", "0 6 * * 1-5"),
    (apply_retention, "default", "30 2 * * *"),
    (purge_unclaimed_evidence, "default", "45 2 * * *"),
    (check_respondent_deadlines, "default", "15 6 * * *"),
    (sweep_federation, "default", 60),
    (check_referral_deadlines, "default", "20 6 * * *"),
    (refresh_rollups, "default", 60),
    (fetch_regional_figures, "default", 300),
    (forget_expired_answers, "default", "10 * * * *"),
    (match_waiting_complaints, "default", 300),
]


class AppWorker(SimpleWorker):
    """Runs each job in the worker's own process: no fork, and the database connection comes
    from the engine's pool instead of being opened again for every job. Each job gets a fresh
    app context and session, thrown away afterwards whatever the job did, so that its
    pending changes or failed transaction never reach the next job. Timeouts still apply
    (SIGALRM, in this main thread)."""

    def __init__(self, *args, app, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def perform_job(self, job, queue, execution) -> bool:
        with self.app.app_context():
            try:
                return super().perform_job(job, queue, execution)
            finally:
                try:
                    db.session.rollback()
                finally:
                    db.session.remove()
                self._stop_if_grown()

    def _stop_if_grown(self) -> None:
        """A job's memory stays with the process that ran it (a whole aggregation takes over
        a gigabyte at 1M complaints): past WORKER_MAX_MEMORY_MB the worker stops after the
        job, and its supervisor starts a fresh one (as gunicorn's max_requests does)."""
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        limit_mb = self.app.config["WORKER_MAX_MEMORY_MB"]
        if limit_mb and peak_mb > limit_mb:
            log.warning("worker used %s MB (limit %s): stopping after this job", peak_mb,
                        limit_mb)
            self._stop_requested = True  # rq's own warm-shutdown flag, read between jobs


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--queues", default=",".join(QUEUES), show_default=True)
@click.option("--fork", is_flag=True, help="Run each job in a forked work horse (isolation, "
              "at the cost of a fork and a database connection per job).")
def worker_command(burst: bool, queues: str, fork: bool) -> None:
    """Run an RQ worker for Remedy's queues (needs REMEDY_REDIS_URL)."""
    connection = get_redis()
    if connection is None:
        raise click.ClickException(
            "No Redis configured (REMEDY_REDIS_URL): jobs already run in-process."
        )
    if fork:
        # Forked work horses must not share the parent's database connections.
        db.engine.dispose()
        worker = Worker(queues.split(","), connection=connection)
    else:
        worker = AppWorker(queues.split(","), connection=connection,
                           app=current_app._get_current_object())
    worker.work(burst=burst, logging_level="INFO")
    click.echo("worker stopped")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every periodic job once, then stop.")
def scheduler_command(once: bool) -> None:
    """Enqueue the periodic jobs on time (in-process when no Redis is configured)."""
    connection = get_redis()
    if once or connection is None:
        while True:
            for func, _queue, _every in PERIODIC:
                func()
            if once:
                click.echo(f"ran {len(PERIODIC)} periodic jobs")
                return
            time.sleep(60)
    scheduler = CronScheduler(connection=connection, name=f"remedy:{current_app.name}")
    for func, queue, every in PERIODIC:
        if isinstance(every, int):
            scheduler.register(func, queue, interval=every)
        else:
            scheduler.register(func, queue, cron=every)
    scheduler.start()
