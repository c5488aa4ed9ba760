"""The scrub's working copy: a replacement is one private-use character (one per kind), so
that no rule mistakes it for a word, a number or a name; and the character classes the
rules are written with. Plain Python."""

import re

# Character classes the rules are written with.
LAT = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"  # Latin letters
WORD = LAT + "0-9\u0370-\u03ff\u0400-\u04ff"  # a "word" character of the spaced scripts
HAN = "\u4e00-\u9fff\u3400-\u4dbf"
CJK = HAN + "\u3040-\u30ff\uac00-\ud7af"
SP = "[ \u00a0\u202f]"  # a space within a line
# Chinese characters that are words of their own, never part of a name or a place
_ZH_STOP = "在我的了是住到从与及于你他她们这那就也都把被给对向往说请今年岁因为但而并有没不很已经会要想能可以"
ZH_CHAR = rf"(?:(?![{_ZH_STOP}])[{HAN}])"

# What can be replaced, in the order the scrub reports them, and the mark of each.
KIND_CODES = ("name", "email", "phone", "identifier", "address", "date", "link")
MARK = {kind: chr(0xE000 + i) for i, kind in enumerate(KIND_CODES)}
OPAQUE = "\ue0ff"  # the replacement, found already in the text
MARKS = "".join(MARK.values()) + OPAQUE
KEPT = 0xE100  # the first of the characters that hold what is kept as it is
PRIVATE = re.compile("[\ue000-\uf8ff]")  # never in a text the scrub reads


def apply_spans(text: str, spans, counts: dict) -> str:
    """Replace each (start, end, kind[, counted]) span by its kind's mark; overlaps are
    skipped (the first wins)."""
    out, position = [], 0
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end, kind = span[:3]
        counted = span[3] if len(span) > 3 else True
        if start < position or end <= start:
            continue
        out.append(text[position:start])
        out.append(MARK[kind])
        if counted:
            counts[kind] = counts.get(kind, 0) + 1
        position = end
    out.append(text[position:])
    return "".join(out)


def find_spans(pattern: re.Pattern, kind, text: str, check=None) -> list:
    """Spans of a pattern's matches (of its group `x` if it has one). `check(match)` returns
    the kind, a (start, end, kind) span of its own, or None to leave the match alone."""
    found = []
    for match in pattern.finditer(text):
        which = kind if check is None else check(match)
        if which is None:
            continue
        if isinstance(which, tuple):
            found.append(which)
            continue
        group = "x" if "x" in pattern.groupindex and match.group("x") is not None else 0
        found.append((match.start(group), match.end(group), which))
    return found
