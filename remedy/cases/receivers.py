"""Casework's answers to what intake announces (see `intake.signals`)."""

from remedy.cases import domain
from remedy.intake import signals


def connect() -> None:
    signals.complaint_filed.connect(_open_case, weak=False)
    signals.complaint_withdrawn.connect(_withdraw_case, weak=False)
    signals.complainant_wrote.connect(_answer_arrived, weak=False)


def _open_case(complaint) -> None:
    from remedy.cases.services import open_case

    open_case(complaint)


def _withdraw_case(complaint, reason=None) -> None:
    from remedy.cases.services import apply_transition

    apply_transition(complaint.case, domain.WITHDRAWN, actor=domain.COMPLAINANT, reason=reason,
                     commit_now=False)


def _answer_arrived(complaint, event=None) -> None:
    """A case waiting for the complainant comes back before its caseworker when they write:
    nothing else moves it on while its clock stands still."""
    from remedy.cases.services import flag_attention

    if complaint.case is not None and complaint.case.state == domain.NEEDS_INFO:
        flag_attention(complaint.case, "complainant_answered")
