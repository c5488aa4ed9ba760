"""A pytest plugin: no narrative or contact detail ever reaches a log.

For the whole session a handler on the root logger (at DEBUG) writes every record, formatted
and with its traceback, to test-artifacts/logs/suite.log, searching each line as it goes for
the values tests/factories.py plants in complaints (PLANTED). The processes the suite starts
(the gunicorns, RQ workers and commands of tests/referrals/installations.py) write their
output to test-artifacts/logs/processes/ (`process_log`), searched at the end of the session.
If a planted value is found the run fails, and the summary names the value, file and line.

Records of the loggers in HARNESS are not written: they belong to the suite's stand-ins for
the outside world (the loopback SMTP server logs what it receives, as a recipient's mail
server would), not to Remedy.
"""

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factories import CANARY_EMAIL, CANARY_NAME, CANARY_NARRATIVE, CANARY_PHONE

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "test-artifacts" / "logs"
SUITE_LOG = LOG_DIR / "suite.log"
PROCESS_LOGS = LOG_DIR / "processes"
# What a complaint made by tests/factories.py carries, as written and as Remedy stores it
# (an email address normalised, a phone number without its spaces).
PLANTED = (CANARY_NARRATIVE, CANARY_EMAIL, CANARY_NAME, CANARY_PHONE,
           CANARY_PHONE.replace(" ", ""))
HARNESS = ("mail.log",)  # aiosmtpd: the loopback SMTP server of tests/conftest.py
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"


@dataclass(frozen=True)
class Finding:
    value: str
    path: Path
    line_number: int
    line: str

    def __str__(self) -> str:
        excerpt = self.line.strip()
        if len(excerpt) > 200:
            start = max(0, excerpt.lower().find(self.value.lower()) - 80)
            excerpt = "..." + excerpt[start:start + 200] + "..."
        return f"{self.value!r} in {self.path}:{self.line_number}: {excerpt}"


def find_in_lines(lines, path: Path, values=PLANTED, first_line: int = 1) -> list[Finding]:
    """Every line that contains one of `values` (ignoring case)."""
    wanted = [(value, value.lower()) for value in values]
    findings = []
    for number, line in enumerate(lines, start=first_line):
        lowered = line.lower()
        findings += [Finding(value, path, number, line) for value, low in wanted if low in lowered]
    return findings


def find_planted(paths, values=PLANTED) -> list[Finding]:
    """Every line of the files in `paths` that contains one of `values` (ignoring case)."""
    findings = []
    for path in map(Path, paths):
        if path.is_file():
            with path.open(encoding="utf-8", errors="replace") as lines:
                findings += find_in_lines(lines, path, values)
    return findings


def process_log(name: str):
    """A file for the output of a process the suite starts (binary, appending): give it as
    the process's stdout and stderr; the parent may close it once the process runs."""
    PROCESS_LOGS.mkdir(parents=True, exist_ok=True)
    return (PROCESS_LOGS / f"{name}.log").open("ab")


class _NotHarness(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(HARNESS)


class SuiteLog(logging.FileHandler):
    """test-artifacts/logs/suite.log, searched as it is written: what this session logged
    is judged even if another session on the machine rewrites the file meanwhile."""

    def __init__(self, path: Path = SUITE_LOG):
        super().__init__(path, mode="w", encoding="utf-8")
        self.path, self.lines, self.findings = Path(path), 0, []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            lines = text.split("\n")
            self.findings += find_in_lines(lines, self.path, first_line=self.lines + 1)
            self.lines += len(lines)
            if self.stream is None:
                self.stream = self._open()
            self.stream.write(text + self.terminator)
            self.flush()
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001  (logging's own rule: never break the caller)
            self.handleError(record)


class LogCheck:
    def __init__(self):
        self.handler = None
        self.findings: list[Finding] = []
        self.started = 0.0

    def pytest_sessionstart(self, session):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        PROCESS_LOGS.mkdir(parents=True, exist_ok=True)
        for old in PROCESS_LOGS.glob("*.log"):
            old.unlink(missing_ok=True)
        self.started = time.time()
        self.handler = SuiteLog()
        self.handler.setLevel(logging.DEBUG)
        self.handler.setFormatter(logging.Formatter(FORMAT))
        self.handler.addFilter(_NotHarness())
        root = logging.getLogger()
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)
        for name in HARNESS:  # their chatter quotes recipients; caplog would collect it too
            logging.getLogger(name).setLevel(logging.WARNING)
        for name in ("remedy", "rq", "werkzeug"):  # whatever configured them: up to the root
            logging.getLogger(name).propagate = True

    def flush(self) -> None:
        if self.handler is not None:
            self.handler.flush()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        if self.handler is None:
            return
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()
        processes = [p for p in PROCESS_LOGS.glob("*.log") if p.stat().st_mtime >= self.started]
        self.findings = self.handler.findings + find_planted(sorted(processes))
        if self.findings:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.findings:
            return
        terminalreporter.section("personal data in the logs", sep="=", red=True, bold=True)
        terminalreporter.line(
            f"{len(self.findings)} log line(s) carry a value planted in the test complaints "
            "(tests/factories.py): a narrative or a contact detail was logged. The run fails.",
            red=True)
        for finding in self.findings[:30]:
            terminalreporter.line(str(finding))
        if len(self.findings) > 30:
            terminalreporter.line(f"... and {len(self.findings) - 30} more")


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("remedy-logcheck"):
        config.pluginmanager.register(LogCheck(), "remedy-logcheck")
