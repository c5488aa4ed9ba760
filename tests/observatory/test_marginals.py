"""The marginals of one month, from the cube's rows (plain Python)."""

from datetime import date

from remedy.observatory.marginals import month_counts


def test_each_row_counts_under_every_single_filter_and_each_right():
    rows = [("DK", "health", "individual", "received", "open", 3, 4),  # privacy + equality
            ("SE", "health", "group", "closed", "withdrawn", 1, 2)]  # privacy
    counts = month_counts(rows, date(2026, 3, 1))
    assert counts[("", "", "month", "2026-03")] == 6
    assert counts[("", "", "rights_dimension", "privacy_data_protection")] == 6
    assert counts[("", "", "rights_dimension", "equality_non_discrimination")] == 4
    assert counts[("country", "DK", "sector", "health")] == 4
    assert counts[("rights_dimension", "equality_non_discrimination", "country", "SE")] == 0
    assert counts[("rights_dimension", "privacy_data_protection", "filer_type", "group")] == 2
    assert counts[("sector", "health", "outcome", "withdrawn")] == 2
