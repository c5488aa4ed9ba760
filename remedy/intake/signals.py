"""What intake tells the features built on it, inside the transaction of the change.

Casework listens (it opens a case when a complaint is filed, and withdraws it with the
complaint) without intake having to know that casework exists.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Complaint (flushed, not committed)
complaint_filed = _signals.signal("complaint-filed")
# sender: the Complaint; kwargs: reason
complaint_withdrawn = _signals.signal("complaint-withdrawn")
# sender: the Complaint; kwargs: changed ({consent name: new value}, only the ones changed)
consents_changed = _signals.signal("consents-changed")
# sender: the Complaint; kwargs: event (the ComplaintEvent the complainant added)
complainant_wrote = _signals.signal("complainant-wrote")
# sender: the Complaint, whose personal data is being erased (in the caller's transaction);
# receivers erase what they hold about the complainant
complaint_erased = _signals.signal("complaint-erased")
