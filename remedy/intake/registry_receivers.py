"""Complaints follow their registry entries when staff merge or split them (see
`registry.signals`). What the filer typed never changes."""

from sqlalchemy import select, update

from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.registry import signals
from remedy.registry.names import name_key

# Which complaint columns point at which kind of entry, and the name typed for each.
COLUMNS = {"respondent": (("deployer_id", "deployer_as_named"), ("provider_id", "provider_as_named")),
           "ai_system": (("ai_system_id", "ai_system_as_named"),)}


def connect() -> None:
    signals.entries_merged.connect(_merged, weak=False)
    signals.entry_split.connect(_split, weak=False)


def _merged(kind, source_id, target_id) -> None:
    for column, _typed in COLUMNS[kind]:
        db.session.execute(update(Complaint).where(getattr(Complaint, column) == source_id)
                           .values({column: target_id}))


def _split(kind, source_id, new_id, keys) -> None:
    moved = set(keys)
    for column, typed in COLUMNS[kind]:
        rows = db.session.execute(select(Complaint.id, getattr(Complaint, typed)).where(
            getattr(Complaint, column) == source_id)).all()
        ids = [complaint_id for complaint_id, name in rows if name and name_key(name) in moved]
        if ids:
            db.session.execute(update(Complaint).where(Complaint.id.in_(ids))
                               .values({column: new_id}))
