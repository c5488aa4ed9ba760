"""How a name a person typed becomes a key that finds a registry entry.

Deliberately conservative: two names share a key only when they differ by case, Unicode
form, punctuation or spacing. Fuzzy matching and legal-form suffixes belong to the
aggregation engine, which suggests; this key decides, so it must never merge wrongly.
"""

import re
import unicodedata

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """`"  Uber  B.V."` -> `"uber b v"`; stable across Unicode forms and case."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _PUNCT.sub(" ", folded).strip()
