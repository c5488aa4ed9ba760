"""The rollups follow the cases: a transaction that changes a complaint, a case, a remedy or
a collective claim asks, once committed, for the changed months to be counted again.

At most one refresh runs per OBSERVATORY_REFRESH_SECONDS (a burst of filings makes one run,
not thousands): the process that committed takes the slot, after the commit, and enqueues a
job only if it got it (no job per filing that would only find the slot taken). The periodic
`refresh_rollups` catches whatever a skipped request left, so the public figures are at most
that long, or the sweep's period, behind."""

import time

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from remedy.jobs import defer_once, get_redis

_last_run = {"at": 0.0}  # in-process mode: one process, one clock
_SLOT_KEY = "remedy:observatory:refresh-slot"


def _counted_models():
    from remedy.cases.models import Case, Remedy
    from remedy.collective.models import ClaimMember, CollectiveClaim
    from remedy.intake.models import Complaint

    return (Case, Complaint, Remedy, ClaimMember, CollectiveClaim)


def _note_changes(session, flush_context) -> None:
    models = _counted_models()
    if any(isinstance(obj, models) for obj in (*session.new, *session.dirty, *session.deleted)):
        from remedy.observatory.jobs import refresh_rollups

        defer_once(refresh_rollups, when=take_slot)


def connect() -> None:
    if not event.contains(Session, "after_flush", _note_changes):
        event.listen(Session, "after_flush", _note_changes)


def take_slot() -> bool:
    """True if no refresh was started within the last OBSERVATORY_REFRESH_SECONDS (and this
    one may start now); shared by all processes through Redis when there is one."""
    seconds = current_app.config["OBSERVATORY_REFRESH_SECONDS"]
    if seconds <= 0:
        return True
    connection = get_redis()
    if connection is not None:
        return bool(connection.set(_SLOT_KEY, "1", nx=True, ex=seconds))
    now = time.monotonic()
    if now - _last_run["at"] < seconds:
        return False
    _last_run["at"] = now
    return True
