"""Jobs of the aggregation engine: match a new complaint, and run the whole aggregation with
its progress kept on an AggregationRun row (so that a page can show it)."""

import logging

from remedy.collective import matching
from remedy.collective.models import AggregationRun
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.jobs import commit

log = logging.getLogger(__name__)


def match_new_complaint(complaint_id: int) -> int:
    """Right after filing: the complaint's signature and suggestions. Idempotent. Returns
    how many suggestions are open for it."""
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.withdrawn_at is not None:
        return 0
    suggestions = matching.match_complaint(complaint)
    commit()
    return len(suggestions)


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
