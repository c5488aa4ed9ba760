"""The automatic scrub: what could single a person out, replaced by `XXXX`. Plain Python.

`scrub()` replaces email addresses, web addresses and user names, phone numbers, identity
and account numbers, street addresses, exact dates and names, and says how many of each
kind it replaced (never what). Every rule runs whatever the text's language, because
people mix languages: English, French and Chinese forms are all looked for, always.

It errs on the side of replacing too much: an organisation's name or a product may go with
the people's names. Not replaced: bare years ("in 2024"), months without a day ("in March
2026"), amounts and counts ("300 euros", "120 000 people"), and an everyday word that is
also part of a known name when written in lower case ("I will", "un petit salaire").

Rules run on a working copy in which every replacement is one private-use character (one
per kind), so that no rule mistakes a replacement for a word, a number or a name; the
text found already holding the replacement is left as it is and not counted. The passes
repeat until nothing more is found, so that scrubbing a scrubbed text finds nothing.
"""

import re
from dataclasses import dataclass, field

from remedy.core.messages import N_
from remedy.narratives.names import clean, loose, name_variants, replace_names
from remedy.narratives.patterns import (
    replace_addresses,
    replace_dates,
    replace_emails_and_links,
    replace_numbers,
)
from remedy.narratives.spans import CJK, KEPT, KIND_CODES, LAT, MARKS, OPAQUE, PRIVATE, WORD

REPLACEMENT = "XXXX"

_LABELS = {
    "name": N_("Names"),
    "email": N_("Email addresses"),
    "phone": N_("Phone numbers"),
    "identifier": N_("Identity and account numbers"),
    "address": N_("Street addresses"),
    "date": N_("Exact dates"),
    "link": N_("Web addresses and user names"),
}
# What can be replaced, each with a label for people (translated where shown).
KINDS = {code: _LABELS[code] for code in KIND_CODES}


@dataclass(frozen=True)
class Scrubbed:
    """The scrubbed text, and how many things of each kind were replaced."""

    text: str
    counts: dict = field(default_factory=dict)

    @property
    def kinds(self) -> list[str]:
        """The kinds replaced, in the order of KINDS."""
        return [k for k in KINDS if self.counts.get(k)]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _pass(text: str, counts: dict, names, phrases) -> str:
    text = replace_emails_and_links(text, counts)
    text = replace_dates(text, counts)
    text = replace_addresses(text, counts)
    text = replace_numbers(text, counts)
    return replace_names(text, counts, names, phrases)


def _protect(text: str, keep, names) -> tuple[str, list[str]]:
    """The text with each phrase to keep as one character that no rule reads; a phrase
    with a person's name in it is not kept."""
    people = {v.casefold() for name in names for v in name_variants(name)}
    phrases = [p for p in map(clean, keep) if len(p) >= 2 and not (
        people & {w.casefold() for w in re.findall(rf"[{LAT}{CJK}]+", p)})]
    kept: list[str] = []
    if not phrases:
        return text, kept

    def hold(match):
        if len(kept) >= 0xF8FF - KEPT:
            return match.group(0)
        kept.append(match.group(0))
        return chr(KEPT + len(kept) - 1)

    alternatives = "|".join(loose(p) for p in sorted(phrases, key=len, reverse=True))
    pattern = re.compile(rf"(?<![{WORD}])(?:{alternatives})(?![{WORD}])", re.IGNORECASE)
    return pattern.sub(hold, text), kept


def scrub(text: str, *, known_names=(), known_phrases=(), keep=(), language: str | None = None,
          replacement: str = REPLACEMENT) -> Scrubbed:
    """The text with everything that could identify someone replaced by `replacement`.

    `known_names` are people's names (the complainant, co-complainants): the whole name and
    each of its parts go, in any case and with or without accents. `known_phrases` go only
    whole (an organisation's name, a product). `keep` are phrases left as they are, whatever
    the rules say (the names of respondents an organisation publishes), unless a known name
    is in them. `language` is the text's language if known: every rule runs whatever it
    says, because people mix languages.
    """
    del language  # every rule runs, whatever the language
    text = PRIVATE.sub("", text or "")
    names = [n for n in known_names if n]
    phrases = [p for p in known_phrases if p]
    work = text.replace(replacement, OPAQUE)  # already replaced: not a word, not counted
    work, kept = _protect(work, keep, names)
    counts: dict[str, int] = {}
    for _ in range(4):
        before = sum(counts.values())
        work = _pass(work, counts, names, phrases)
        if sum(counts.values()) == before:
            break
    out = re.sub(f"[{MARKS}]", replacement, work)
    if kept:
        out = re.sub(f"[{chr(KEPT)}-{chr(KEPT + len(kept) - 1)}]",
                     lambda m: kept[ord(m.group(0)) - KEPT], out)
    return Scrubbed(text=out, counts={k: counts[k] for k in KINDS if counts.get(k)})
