"""What the aggregation engine does when intake or the registry announce a change."""

from remedy.intake import signals as intake_signals
from remedy.registry import signals as registry_signals


def connect() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from remedy.collective.matching import forget_claim_signatures

    if not event.contains(Session, "before_flush", forget_claim_signatures):
        event.listen(Session, "before_flush", forget_claim_signatures)
    intake_signals.complaint_filed.connect(_match_after_filing, weak=False)
    intake_signals.complaint_withdrawn.connect(_withdraw_membership, weak=False)
    intake_signals.complaint_erased.connect(_forget_signature, weak=False)
    registry_signals.entries_merged.connect(_follow_registry, weak=False)
    registry_signals.entry_split.connect(_follow_registry, weak=False)


def _match_after_filing(complaint) -> None:
    """Each new complaint is matched by a background job once it is committed."""
    from remedy.collective.jobs import match_new_complaint
    from remedy.jobs import defer

    defer(match_new_complaint, complaint.id, queue="default")


def _withdraw_membership(complaint, reason=None) -> None:
    from remedy.collective.services import withdraw_from_claims

    withdraw_from_claims(complaint)


def _forget_signature(complaint) -> None:
    """An erased complaint's signature goes: its words and the hash of its contact are the
    complainant's data."""
    from remedy.collective.services import forget_complaint

    forget_complaint(complaint)


def _follow_registry(kind, source_id, **changes) -> None:
    """Signatures and claims point at registry entries: they follow a merge or a split
    (intake's receivers have already moved the complaints)."""
    from remedy.collective.services import refresh_registry_links

    refresh_registry_links(kind, source_id, changes.get("target_id"), changes.get("new_id"))
