"""Scheduled intake jobs."""

from datetime import timedelta
from itertools import islice

from sqlalchemy import select

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Evidence
from remedy.intake.storage import evidence_store
from remedy.intake.uploads import RECEIPT_MAX_AGE

# Files of a form that was never sent are kept this long after their receipt expired.
GRACE_SECONDS = 3600


def purge_unclaimed_evidence() -> int:
    """Delete uploaded files that no complaint claims once their receipt can no longer be
    used (a person who gave up filing still uploaded their documents: they must not stay).
    Returns how many files were deleted."""
    store = evidence_store()
    cutoff = utcnow() - timedelta(seconds=RECEIPT_MAX_AGE + GRACE_SECONDS)
    candidates = store.stored_before(cutoff)
    deleted = 0
    while batch := list(islice(candidates, 500)):
        claimed = set(db.session.scalars(select(Evidence.sha256).where(Evidence.sha256.in_(batch))))
        for sha256 in batch:
            if sha256 not in claimed:
                store.delete(sha256)
                deleted += 1
    return deleted
