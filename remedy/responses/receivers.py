"""What respondent responses do when intake announces a change (see `intake.signals`)."""

from remedy.intake import signals


def connect() -> None:
    signals.complaint_withdrawn.connect(_withdraw_requests, weak=False)
    signals.complaint_erased.connect(_erase, weak=False)


def _withdraw_requests(complaint, reason=None) -> None:
    """A withdrawn complaint is no longer put to the respondent: its links stop working."""
    from remedy.responses.services import withdraw_live_requests

    if getattr(complaint, "case", None) is not None:
        withdraw_live_requests(complaint.case, actor="complainant")


def _erase(complaint) -> None:
    """Erase the exchange with the respondent; its documents' files go with the erasure's
    commit (a rolled-back erasure leaves them in place: see `intake.storage`)."""
    from remedy.intake.storage import document_store
    from remedy.responses.services import erase_respondent_exchange

    if getattr(complaint, "case", None) is None:
        return
    document_store().delete_when_committed(erase_respondent_exchange(complaint.case))
