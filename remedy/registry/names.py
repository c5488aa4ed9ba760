"""How people's names for organisations and AI systems are compared, in plain Python.

Three levels, from strict to loose:

- `name_key`: case, Unicode form, punctuation and spacing only. Two names with one key are
  the same name.
- `match_key`: also folds look-alike letters of other scripts (Cyrillic "А" for Latin "A"),
  accents ("Försäkringskassan" = "Forsakringskassan"), invisible characters, and drops legal
  forms of many jurisdictions ("Uber B.V." = "Uber", "ソニー株式会社" = "ソニー"). Two names with
  one match key name the same entity, unless the key is too short to say (see `is_decisive`).
- `similarity`: a fuzzy score from 0 to 1 between match keys, for typing mistakes and
  reordered words. It suggests; it only decides above `FUZZY_SAME` on long names.
"""

import re
import unicodedata

from rapidfuzz import fuzz

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e]")

# Letters of Cyrillic and Greek that look like Latin ones (the usual homoglyph attacks and
# keyboard accidents), after case folding; folded only in names that have Latin letters.
_CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ɡ": "g", "ո": "n", "ս": "u",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ζ": "z", "η": "n",
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
})

# Legal forms, as words after punctuation is removed ("B.V." -> "b v"). They are dropped from
# the end of a name (and the few that come first, from its start), never from its middle.
_LEGAL_SUFFIXES = tuple(sorted({
    "b v", "bv", "n v", "nv", "gmbh", "gmbh co kg", "co kg", "kg", "ag", "se", "ug",
    "ltd", "limited", "plc", "llp", "llc", "l l c", "inc", "incorporated", "corp",
    "corporation", "co", "company", "pty ltd", "pty", "sdn bhd", "bhd", "pte ltd", "pte",
    "s a", "sa", "s a s", "sas", "sasu", "sarl", "s a r l", "s p a", "spa", "s r l", "srl",
    "s l", "sl", "s a u", "a s", "as", "asa", "a b", "ab", "publ", "ab publ", "oy", "oyj",
    "aps", "i s", "k k", "kk", "g k", "y k", "tbk", "jsc", "ojsc", "s c a", "scs", "cv",
    "c v", "bvba", "vzw", "asbl", "ehf", "hf", "d o o", "doo", "a d", "kft", "zrt", "nyrt",
    "s r o", "sro", "a s a",
}, key=len, reverse=True))
_LEGAL_PREFIXES = ("the", "pt", "ooo", "zao", "pao", "oao", "ао", "ооо")
_LEGAL_SUFFIXES_CJK = ("股份有限公司", "有限责任公司", "有限責任公司", "株式会社", "有限会社",
                       "合同会社", "有限公司", "集团", "集團", "公司", "주식회사", "(주)", "㈱")
_LEGAL_PREFIXES_CJK = ("株式会社", "有限会社", "주식회사", "(주)", "㈱")


def _drop_legal_forms(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for form in _LEGAL_SUFFIXES_CJK:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)].rstrip(), True
        for form in _LEGAL_PREFIXES_CJK:
            if text.startswith(form) and len(text) > len(form):
                text, changed = text[len(form):].lstrip(), True
        words = _PUNCT.sub(" ", text).strip()
        for form in _LEGAL_SUFFIXES:
            if words.endswith(" " + form):
                text, changed = words[: -len(form) - 1].rstrip(), True
                break
        words = _PUNCT.sub(" ", text).strip()
        for form in _LEGAL_PREFIXES:
            if words.startswith(form + " "):
                text, changed = words[len(form) + 1:].lstrip(), True
                break
    return text


# Below this many characters a match key is too short to decide anything on its own ("ab",
# "x"): such names are kept apart unless typed identically.
MIN_DECISIVE = 3
# Fuzzy similarity at or above which two long names are taken for one (typing mistakes).
FUZZY_SAME = 0.93
FUZZY_MIN_LENGTH = 8


def name_key(name: str) -> str:
    """`"  Uber  B.V."` -> `"uber b v"`; stable across Unicode forms and case."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _PUNCT.sub(" ", folded).strip()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", kept)


def match_key(name: str, *, limit: int = 200) -> str:
    """The looser key: see the module's docstring. Never longer than `limit`."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name or "")[:2000]).casefold()
    if _LATIN.search(text):  # a Latin name with look-alikes from other scripts mixed in
        text = text.translate(_CONFUSABLES)
    text = _strip_accents(text).strip()
    return _PUNCT.sub(" ", _drop_legal_forms(text)).strip()[:limit]


def is_decisive(key: str) -> bool:
    """Whether a match key is long enough to identify an entity by itself."""
    return len(key.replace(" ", "")) >= MIN_DECISIVE


def similarity(a: str, b: str) -> float:
    """0..1: how alike two match keys are (typing mistakes, words in another order)."""
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0


def fuzzy_same(a: str, b: str) -> bool:
    """Two match keys close enough, and long enough, to be one name mistyped."""
    return (min(len(a), len(b)) >= FUZZY_MIN_LENGTH and is_decisive(a) and is_decisive(b)
            and similarity(a, b) >= FUZZY_SAME)


def fuzzy_prefix(key: str) -> str:
    """The blocking key of fuzzy search: names that may be one mistyped start alike."""
    return key.replace(" ", "")[:3]


def relatedness(a: str, b: str) -> float:
    """0..1, looser than `similarity`: also one name inside the other ("uber" in "uber
    portier"). Only for showing staff candidates to merge, never for deciding."""
    if not a or not b:
        return 0.0
    return max(similarity(a, b), 0.9 * fuzz.token_set_ratio(a, b) / 100.0)
