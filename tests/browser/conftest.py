"""Browser tests: Debian's Chromium driven by Playwright against the app on a loopback port
(`live_server`, tests/conftest.py), with axe-core checking each page.

scripts/browser.sh (run by scripts/test.sh, so by `make test`) installs Chromium with apt-get
when /usr/bin/chromium is missing and fetches axe.min.js with npm into .cache/axe/. Playwright
never downloads a browser here. Without Chromium or Playwright these tests skip, saying why;
without axe.min.js the journeys run and the accessibility checks skip.

Screenshots go to test-artifacts/browser/<test>/<step>.png (git-ignored); the run's summary
says where.
"""

import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".cache" / "axe" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Chromium in a container, as root, on a machine whose network is closed.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
_written: list[Path] = []


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests: the Python package playwright is missing "
                    "(.venv/bin/pip install -e '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests: no Chromium at {CHROMIUM} (scripts/browser.sh installs "
                    "it with apt-get)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """Contexts for one test, closed after it: `new_context(js=True, phone=False,
    locale="en-GB")`."""
    opened = []

    def make(js=True, phone=False, locale="en-GB"):
        options = {"java_script_enabled": js, "locale": locale, **(PHONE if phone else {})}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


class Shots:
    """Screenshots of one test's steps, numbered in order."""

    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0
        shutil.rmtree(folder, ignore_errors=True)

    def take(self, page, step: str) -> Path:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        _written.append(path)
        return path


@pytest.fixture
def shots(request):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    return Shots(ARTIFACTS / name)


class Journey:
    """The steps of one journey: each a screenshot and, with JavaScript on, axe-core on the
    page; `assert_accessible()` at the end fails with every serious or critical violation."""

    def __init__(self, shots: Shots, axe, js: bool):
        self.shots, self.axe, self.js, self.reports = shots, axe, js, []

    def look(self, page, step: str, label: str) -> None:
        self.shots.take(page, step)
        if self.js:
            self.reports.append(self.axe.check(page, label))

    def assert_accessible(self) -> None:
        print(f"\nscreenshots: {self.shots.folder}")
        problems = [report for report in self.reports if report]
        assert not problems, "\n".join(problems)


@pytest.fixture
def journey(shots, axe):
    """`journey(js)`: a Journey for this test's screenshots."""
    return lambda js: Journey(shots, axe, js)


def pytest_terminal_summary(terminalreporter):
    if _written:
        folders = sorted({path.parent for path in _written})
        terminalreporter.write_line(f"browser tests: {len(_written)} screenshots in "
                                    f"{ARTIFACTS} ({len(folders)} folders)")
        if not AXE.exists():
            terminalreporter.write_line(f"browser tests: no accessibility checks: no {AXE} "
                                        "(scripts/browser.sh fetches it with npm)")


class Axe:
    """axe-core in the page: WCAG 2.1 A and AA rules; serious or critical violations fail.
    It is injected with `evaluate`, which works with the page's JavaScript off too, but
    axe.run waits on timers that do not fire then: run it on pages with JavaScript on."""

    def __init__(self):
        self.source = AXE.read_text(encoding="utf-8") if AXE.exists() else None

    @property
    def missing(self) -> str | None:
        return None if self.source else (f"no {AXE.relative_to(ROOT)}: scripts/browser.sh "
                                         "fetches it with npm")

    def violations(self, page) -> list[dict]:
        if not page.evaluate("() => !!window.axe"):
            page.evaluate("(source) => { (0, eval)(source); }", self.source)
        found = page.evaluate(
            """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations']})
                 .then(result => result.violations)""", AXE_TAGS)
        return [v for v in found if v.get("impact") in BLOCKING]

    def check(self, page, label: str | None = None) -> str:
        """The page's serious and critical violations, described (rule, impact, help,
        targets), or "" if there are none or axe is missing."""
        if self.missing:
            return ""
        label = label or page.url
        problems = self.violations(page)
        return f"axe on {label}:\n{describe(problems)}" if problems else ""


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:10]:
            lines.append(f"    {json.dumps(node['target'])}: "
                         f"{node.get('failureSummary', '').splitlines()[-1].strip()}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    return Axe()


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Sign a member of staff in through the sign-in page, as a person would (in English)."""
    page.goto(f"{base_url}/login?lang=en")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def words(app, locale: str, **messages: str) -> dict[str, str]:
    """`messages` (name -> English message) as the pages say them in `locale`, from the
    compiled catalogue: `words(app, "fr", send="Send")["send"] == "Envoyer"`."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(locale):
        return {name: gettext(message) for name, message in messages.items()}
