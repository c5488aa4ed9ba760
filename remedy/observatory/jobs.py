"""The observatory's periodic job."""

from remedy.observatory.rollups import refresh_changed


def refresh_rollups() -> int:
    """The months in which something changed since the last run, counted again."""
    return refresh_changed()
