"""The regional observatory's rules, in plain Python: what another installation's answer
must look like to be kept, how the published tables of several installations add up, and
when a contributor's figures are stale. No database, no request.

Only published figures ever cross: each installation suppresses and rounds its own counts
before it answers (`stats.published`), and an answer holding anything else (a small count
shown, a count that is not a multiple of its rounding) is refused whole. The regional table
is therefore a function of public numbers only and cannot reveal more than its sources
already publish. Each installation sends its own figures, never a regional combination, so
that no complaint is counted twice when installations combine each other.

Adding up: a key's count is the sum of the counts published for it; where any contributor
suppressed the key, it is marked suppressed and its count (if any was published elsewhere)
is only a lower bound, "at least". Totals are never suppressed: they add up as published.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from remedy.core.messages import N_

KIND = "observatory.stats_request"
FORMAT = "remedy-observatory/1"
# What an answer may hold at most: tables, cells per table, characters of a key.
MAX_TABLES = 50
MAX_ITEMS = 1000
KEY_LENGTH = 64

# Why an installation does not contribute, or why its last attempt failed (a code kept in
# RegionalSource.last_error; `refused:<code>` is the other side's error code).
REASONS = {
    "never_fetched": N_("Not fetched yet."),
    "unreachable": N_("The installation could not be reached."),
    "timeout": N_("The installation did not answer in time."),
    "too_large": N_("The answer was too large."),
    "unsigned": N_("The answer was not signed."),
    "stale": N_("The answer's signature was too old or too new (check the clocks)."),
    "unknown_key": N_("The answer was signed with a key the directory does not give for "
                      "this installation."),
    "bad_signature": N_("The answer's signature did not match: it may have been changed on "
                        "the way."),
    "not_an_answer": N_("The answer was not an answer to this installation's request."),
    "not_published": N_("The answer held figures that were not suppressed and rounded: "
                        "refused."),
    "refused:unknown_key": N_("The installation does not have this installation's key in "
                              "its directory."),
    "refused:unknown_kind": N_("The installation does not share its statistics yet (an "
                               "older version)."),
}
REFUSED = N_("The installation refused the request (%(code)s).")
FAILED = N_("The last attempt failed (%(code)s).")


class NotKept(Exception):
    """An answer that is refused whole; `code` is `not_an_answer` or `not_published`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Figure:
    group_by: str
    key: str
    count: int | None  # None: suppressed
    suppressed: bool


@dataclass(frozen=True)
class Answer:
    generated_at: datetime
    threshold: int
    total: int
    figures: tuple[Figure, ...]


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _shape(ok: bool) -> None:
    if not ok:
        raise NotKept("not_an_answer")


def _published(ok: bool) -> None:
    if not ok:
        raise NotKept("not_published")


def _cells(table: dict, group: str, threshold: int, rounding: int) -> list[Figure]:
    items = table.get("items")
    _shape(isinstance(items, list) and len(items) <= MAX_ITEMS)
    cells, keys = [], set()
    for item in items:
        _shape(isinstance(item, dict))
        key, count, suppressed = item.get("key"), item.get("count"), item.get("suppressed")
        _shape(isinstance(key, str) and 1 <= len(key) <= KEY_LENGTH and key.isprintable()
               and key not in keys and isinstance(suppressed, bool))
        if suppressed:
            _published(count is None)
        else:
            _published(_whole(count) and count % rounding == 0
                       and (count == 0 or count >= threshold))
        keys.add(key)
        cells.append(Figure(group, key, count, suppressed))
    return cells


def parse_answer(result: dict, groups: Iterable[str]) -> Answer:
    """The figures of another installation's answer to `observatory.stats_request`, for the
    tables this installation knows (`groups`; others are ignored). NotKept if the answer is
    malformed (`not_an_answer`) or holds a figure that is not published as the rules say:
    a cell either suppressed without a count, or a multiple of the rounding that is at least
    the threshold (`not_published`)."""
    _shape(isinstance(result, dict) and result.get("format") == FORMAT)
    try:
        generated_at = datetime.fromisoformat(result.get("generated_at"))
    except (TypeError, ValueError):
        raise NotKept("not_an_answer") from None
    _shape(generated_at.tzinfo is not None)
    tables = result.get("tables")
    _shape(isinstance(tables, list) and 0 < len(tables) <= MAX_TABLES
           and all(isinstance(t, dict) for t in tables))
    threshold, rounding = tables[0].get("threshold"), tables[0].get("rounded_to")
    _shape(_whole(threshold) and threshold >= 1 and _whole(rounding) and rounding >= 1)
    wanted, seen, figures, totals = set(groups), set(), [], set()
    for table in tables:
        group = table.get("group_by")
        _shape(isinstance(group, str) and group not in seen)
        _published(table.get("threshold") == threshold and table.get("rounded_to") == rounding
                   and _whole(table.get("total")) and table["total"] % rounding == 0)
        seen.add(group)
        totals.add(table["total"])
        if group in wanted:
            figures.extend(_cells(table, group, threshold, rounding))
    _shape(len(totals) == 1)  # every table counts the same complaints
    return Answer(generated_at, threshold, totals.pop(), tuple(figures))


@dataclass(frozen=True)
class Contributor:
    """An installation of the regional view: this one (`own`) or another of the directory,
    with what is known of its last good answer and its last attempt."""

    name: str
    base_url: str
    own: bool = False
    last_attempt_at: datetime | None = None
    fetched_at: datetime | None = None
    generated_at: datetime | None = None
    threshold: int | None = None
    total: int | None = None
    error: str | None = None

    @property
    def contributing(self) -> bool:
        """Whether its figures are in the sums: once it has answered well, even if a later
        attempt failed (its old figures are kept, and said to be stale when they are)."""
        return self.own or self.fetched_at is not None

    @property
    def reason(self) -> str | None:
        """Why it does not contribute, or why its last attempt failed (a code)."""
        if not self.contributing:
            return self.error or "never_fetched"
        return self.error


def is_stale(contributor: Contributor, now: datetime, hours: float) -> bool:
    """Figures counted (at their source) longer ago than `hours`. The age is that of the
    counting, not of the fetch: figures fetched a minute ago from an installation whose
    rollups stopped two days ago are two days old."""
    as_of = contributor.generated_at or contributor.fetched_at
    return contributor.contributing and as_of is not None and now - as_of > timedelta(
        hours=hours)


def combine(group_by: str, tables: Iterable[Iterable[Figure]]) -> list[dict]:
    """One table out of several installations' published tables of `group_by`: per key the
    sum of the published counts (None if none was published), `suppressed` when any
    installation suppressed it (the count is then "at least"), and `hidden_at`, how many
    did. Months in order, other tables largest first."""
    cells: dict[str, dict] = {}
    for table in tables:
        for figure in table:
            cell = cells.setdefault(figure.key, {"key": figure.key, "count": None,
                                                 "suppressed": False, "hidden_at": 0})
            if figure.suppressed or figure.count is None:
                cell["suppressed"] = True
                cell["hidden_at"] += 1
            else:
                cell["count"] = (cell["count"] or 0) + figure.count
    if group_by == "month":
        return sorted(cells.values(), key=lambda c: c["key"])
    return sorted(cells.values(), key=lambda c: (-(c["count"] or 0), c["key"]))


def total(contributors: Iterable[Contributor]) -> int:
    """The complaints of every contributing installation, as each published its total."""
    return sum(c.total or 0 for c in contributors if c.contributing)
