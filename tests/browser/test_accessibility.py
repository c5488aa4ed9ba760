"""axe-core on every public page, in each language, on a world with enough complaints for the
observatory to draw its charts: no serious or critical violation of WCAG 2.1 A or AA."""

import pytest

from tests.cases.conftest import file_complaint

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests: the Python package playwright is missing "
    "(.venv/bin/pip install -e '.[test]')").expect

PUBLIC = ["/", "/rights", "/privacy", "/complaints/new", "/track", "/observatory",
          "/observatory/data", "/observatory/stories", "/observatory/regional", "/login"]
# en on a computer's screen, fr and zh_Hans on a phone.
LANGUAGES = {"en": ("en-GB", False), "fr": ("fr-FR", True), "zh_Hans": ("zh-CN", True)}


def _seed(app) -> tuple[str, str]:
    """Complaints in three sectors (one too small to show), the rollups; one to follow."""
    for sector, count in (("employment", 11), ("housing", 6), ("health", 2)):
        for _ in range(count):
            reference, secret, _case = file_complaint(app, sector=sector)
    assert app.test_cli_runner().invoke(args=["remedy", "rollups"]).exit_code == 0
    return reference, secret


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_public_pages_have_no_serious_accessibility_violations(
        app, org, live_server, new_context, shots, axe, lang):
    if axe.missing:
        pytest.skip(f"accessibility checks: {axe.missing}")
    reference, secret = _seed(app)
    locale, phone = LANGUAGES[lang]
    page = new_context(js=True, phone=phone, locale=locale).new_page()
    reports = []
    for path in PUBLIC:
        response = page.goto(f"{live_server}{path}?lang={lang}")
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", lang.replace("_", "-"))
        shots.take(page, path.strip("/").replace("/", "-") or "home")
        reports.append(axe.check(page, f"{path}?lang={lang}"))

    page.goto(f"{live_server}/track?reference={reference}")
    page.locator("#secret").fill(secret)
    page.locator("form.narrow-form button[type=submit]").click()
    expect(page.get_by_role("main")).to_contain_text(reference)
    shots.take(page, "tracked-complaint")
    reports.append(axe.check(page, f"the tracked complaint ({lang})"))

    print(f"\naxe: {len(PUBLIC) + 1} pages in {lang}; screenshots: {shots.folder}")
    problems = [report for report in reports if report]
    assert not problems, "\n".join(problems)
