"""Publishing counts without letting anyone single out a complainant: plain Python.

Two rules, together:
- a cell counting fewer than the threshold (but more than none) is suppressed, and in a
  table with a total, a lone suppressed cell takes the next smallest with it, so that it
  cannot be worked out as the total minus the others;
- every published number (cells and totals) is rounded to a multiple of the threshold.
  Any sum or difference of published numbers is then a multiple of the threshold too, so
  no combination of tables — two overlapping periods, a total and its parts — can ever give
  back a small count exactly.
"""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    key: str
    count: int | None  # None: suppressed
    suppressed: bool


def rounded(value: int, base: int) -> int:
    """To the nearest multiple of `base` (halves up); 0 stays 0."""
    return ((value + base // 2) // base) * base if base > 1 else value


def publish(counts: Mapping[str, int], threshold: int) -> tuple[list[Cell], int]:
    """(the cells in order, largest first, and the total), safe to publish."""
    small = {k for k, v in counts.items() if 0 < v < threshold}
    if len(small) == 1:  # complementary: the next smallest goes too
        others = sorted((v, k) for k, v in counts.items() if k not in small and v > 0)
        if others:
            small.add(others[0][1])
    cells = [Cell(key, None if key in small else rounded(value, threshold), key in small)
             for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return cells, rounded(sum(counts.values()), threshold)
