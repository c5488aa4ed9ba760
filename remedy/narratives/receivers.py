"""What published stories do when intake announces a change (see `intake.signals`): the
complainant's story comes down, its text deleted, in the transaction of the change."""

from remedy.intake import signals


def connect() -> None:
    signals.consents_changed.connect(_consents_changed, weak=False)
    signals.complaint_withdrawn.connect(_complaint_withdrawn, weak=False)
    signals.complaint_erased.connect(_complaint_erased, weak=False)


def _take_down(complaint, reason) -> None:
    from remedy.narratives.services import take_down_narrative

    take_down_narrative(complaint, reason, commit_now=False)


def _consents_changed(complaint, changed=None) -> None:
    if (changed or {}).get("publish_narrative") is False:
        _take_down(complaint, "consent_withdrawn")


def _complaint_withdrawn(complaint, reason=None) -> None:
    _take_down(complaint, "complaint_withdrawn")


def _complaint_erased(complaint) -> None:
    _take_down(complaint, "erased")
