"""Requests and portal accounts follow a respondent merged into another (see
`registry.signals`). After a split they stay where they were sent."""

from sqlalchemy import update

from remedy.extensions import db
from remedy.registry import signals
from remedy.responses.models import RespondentAccount, RespondentRequest


def connect() -> None:
    signals.entries_merged.connect(_merged, weak=False)


def _merged(kind, source_id, target_id) -> None:
    if kind != "respondent":
        return
    for model in (RespondentRequest, RespondentAccount):
        db.session.execute(update(model).where(model.respondent_id == source_id)
                           .values(respondent_id=target_id))
