"""The observatory's periodic jobs."""

from remedy.observatory.regional_services import fetch_due
from remedy.observatory.rollups import refresh_changed


def refresh_rollups() -> int:
    """The months in which something changed since the last run, counted again."""
    return refresh_changed()


def fetch_regional_figures() -> int:
    """The regional observatory: the installations due (OBSERVATORY_REGIONAL_REFRESH_SECONDS)
    asked for their published statistics; nothing when OBSERVATORY_REGIONAL is off."""
    return fetch_due()
