"""Key rotation told to the other installations: a `keys.rotated` message signed with the
old key carries the new one, so that peers trust it without anyone copying keys by hand."""

from collections.abc import Callable

from remedy.federation.models import InstallationKey
from remedy.federation.transport import send

# Features that know other installations register a function returning their base URLs.
PEER_URLS: list[Callable[[], set[str]]] = []
KIND = "keys.rotated"


def announce(old: InstallationKey, new: InstallationKey) -> int:
    """Queue the announcement to every known installation (caller commits); how many."""
    urls = set().union(*(peers() for peers in PEER_URLS)) if PEER_URLS else set()
    for url in sorted(urls):
        message = send(KIND, {"old_key_id": old.key_id, "new_public_key": new.public_key,
                              "old_valid_until": old.valid_until.isoformat()},
                       destination=url, organisation_id=None)
        message.sign_with = old.key_id
    return len(urls)
