"""What the registry tells the features that point at its entries, inside the transaction of
the change, so that they follow a merge or a split without the registry knowing them.

sender: the kind of entry, "respondent" or "ai_system".
"""

from blinker import Namespace

_signals = Namespace()

# kwargs: source_id (the entry that goes), target_id (the entry that stays)
entries_merged = _signals.signal("registry-entries-merged")
# kwargs: source_id (the entry split), new_id (the new entry), keys (name keys that moved)
entry_split = _signals.signal("registry-entry-split")
