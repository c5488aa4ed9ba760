"""Small counts never come out, not even by differencing: every published number is a
multiple of the threshold, and a lone suppressed cell takes another with it."""

import itertools
import random

from remedy.observatory.suppression import publish, rounded


def test_small_cells_are_suppressed_and_a_lone_one_takes_the_next_smallest():
    cells, total = publish({"employment": 40, "health": 3, "housing": 9}, 5)
    assert [(c.key, c.count, c.suppressed) for c in cells] == [
        ("employment", 40, False), ("housing", None, True), ("health", None, True)]
    assert total == 50  # 52, rounded


def test_zero_is_published_and_numbers_are_rounded():
    cells, total = publish({"a": 0, "b": 12, "c": 7}, 5)
    assert {c.key: c.count for c in cells} == {"a": 0, "b": 10, "c": 5}
    assert rounded(2, 5) == 0 and rounded(3, 5) == 5 and rounded(7, 1) == 7


def test_differencing_any_two_published_tables_never_gives_back_a_small_count():
    """Months of a small organisation, published for every period: a person trying every
    pair of overlapping periods (and each period's cells) never finds a count of 1 to 4."""
    rng = random.Random(7)
    months = [rng.choice([0, 1, 2, 3, 4, 6, 9, 14]) for _ in range(12)]
    published = {}
    for start, end in itertools.combinations_with_replacement(range(12), 2):
        counts = {f"m{m}": months[m] for m in range(start, end + 1)}
        cells, total = publish(counts, 5)
        published[(start, end)] = (total, {c.key: c.count for c in cells})
    numbers = [total for total, _ in published.values()] + [
        count for _, cells in published.values() for count in cells.values() if count is not None]
    assert all(n % 5 == 0 for n in numbers)
    differences = {abs(a - b) for a, b in itertools.combinations(set(numbers), 2)}
    assert not differences & {1, 2, 3, 4}
    for (start, end), (total, cells) in published.items():  # a total minus the other cells
        known = sum(c for c in cells.values() if c is not None)
        for m in range(start, end + 1):
            if cells[f"m{m}"] is None:
                assert total - known != months[m]
