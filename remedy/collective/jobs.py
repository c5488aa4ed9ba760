"""Jobs of the aggregation engine: match a new complaint, and run the whole aggregation with
its progress kept on an AggregationRun row (so that a page can show it)."""

import logging
from datetime import timedelta

from sqlalchemy import select

from remedy.collective import matching
from remedy.collective.models import AggregationRun
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.jobs import commit, job_options

log = logging.getLogger(__name__)


def match_new_complaint(complaint_id: int) -> int:
    """Right after filing: the complaint's signature and suggestions. Idempotent. Returns
    how many suggestions are open for it."""
    # Locked, so that the sweep below and this job never match it at the same moment (one
    # of them would fail on the signature's key); whoever finds it locked leaves it.
    complaint = db.session.scalar(select(Complaint).where(Complaint.id == complaint_id)
                                  .with_for_update(skip_locked=True))
    if complaint is None or complaint.withdrawn_at is not None:
        db.session.rollback()
        return 0
    suggestions = matching.match_complaint(complaint)
    commit()
    return len(suggestions)


def match_waiting_complaints(days: int = 7, batch: int = 100) -> int:
    """The safety net of `match_new_complaint`, whose jobs a Redis restart loses (it keeps
    nothing on disk) and a killed worker drops: complaints of the last `days` still without
    a signature are matched now. The last minute's are left to their own jobs. Returns how
    many it matched."""
    now = utcnow()
    matched = 0
    while True:
        complaints = db.session.scalars(
            matching.unsigned_complaints(Complaint)
            .where(Complaint.received_at >= now - timedelta(days=days),
                   Complaint.received_at < now - timedelta(minutes=1))
            .order_by(Complaint.id).limit(batch)
            .with_for_update(skip_locked=True, of=Complaint)).all()
        for complaint in complaints:
            matching.match_complaint(complaint)
        commit()
        matched += len(complaints)
        if len(complaints) < batch:
            return matched


def rematch_system(organisation_id: int, ai_system_id: int | None) -> int:
    """After a claim changed: the newest complaints about its AI system are matched again,
    so that the claim is suggested to those it now fits. Returns how many were matched."""
    if ai_system_id is None:
        return 0
    rows = matching.newest_about(organisation_id, ai_system_id)
    for row in rows:
        matching.suggest_for(row)
    commit()
    return len(rows)


@job_options(timeout=6 * 3600)  # 1M complaints took 259 s on 2 cores; room for larger and slower
def run_aggregation(run_id: int) -> dict | None:
    """The whole aggregation for the run's organisation (or all), progress saved as it goes."""
    run = db.session.get(AggregationRun, run_id)
    if run is None or run.status == "done":
        return None
    run.status = "running"
    organisation_id = run.organisation_id
    db.session.commit()

    def progress(done: int, total: int) -> None:
        db.session.query(AggregationRun).filter_by(id=run_id).update({"done": done, "total": total})
        db.session.commit()

    try:
        counts = matching.aggregate(organisation_id, progress=progress)
    except Exception as error:  # the run page says it failed; the worker log has the trace
        db.session.rollback()
        log.exception("aggregation run %s failed", run_id)
        db.session.query(AggregationRun).filter_by(id=run_id).update(
            {"status": "failed", "error": type(error).__name__, "finished_at": utcnow()})
        db.session.commit()
        raise
    db.session.query(AggregationRun).filter_by(id=run_id).update({
        "status": "done", "suggestions": counts["suggestions"] + counts["duplicates"],
        "total": counts["complaints"], "done": counts["complaints"], "finished_at": utcnow()})
    db.session.commit()
    return counts
