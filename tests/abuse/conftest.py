"""The abuse tests' report: how many generated cases ran (forms, API bodies), and which
forms were refused on a page that no longer shows them."""

from tests.abuse import fuzzing


def pytest_terminal_summary(terminalreporter):
    if not fuzzing.CASES:
        return
    from tests.abuse.test_form_fuzz import SILENT

    cases = ", ".join(f"{kind}: {n}" for kind, n in sorted(fuzzing.CASES.items()))
    terminalreporter.section("abuse: generated cases")
    terminalreporter.line(f"{sum(fuzzing.CASES.values())} cases sent ({cases}); "
                          f"at least {fuzzing.MIN_CASES} expected in a full run")
    if SILENT:
        terminalreporter.line("refused (422) on a page that no longer shows the form, so "
                              "without a visible reason:")
        for rule, n in sorted(SILENT.items()):
            terminalreporter.line(f"  {n:4d}  {rule}")
