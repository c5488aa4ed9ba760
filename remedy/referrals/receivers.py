"""What referrals do when intake announces a change (see `intake.signals`)."""

from remedy.intake import signals


def connect() -> None:
    signals.complaint_withdrawn.connect(_withdraw, weak=False)
    signals.complaint_erased.connect(_erase, weak=False)


def _withdraw(complaint, reason=None) -> None:
    from remedy.referrals.services import withdraw_for_complaint

    if getattr(complaint, "case", None) is not None:
        withdraw_for_complaint(complaint.case)


def _erase(complaint) -> None:
    from remedy.referrals.services import erase_for_complaint

    if getattr(complaint, "case", None) is not None:
        erase_for_complaint(complaint.case)
