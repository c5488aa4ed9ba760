"""The search for planted personal data in the suite's logs (tests/logcheck.py): it finds a
planted value in a log and passes a clean one, and the app's records do reach the suite log
it searches."""

import logging

from remedy.jobs import run_in_process
from tests.conftest import app_context
from tests.factories import CANARY_EMAIL, CANARY_NARRATIVE, CANARY_PHONE, VALID_COMPLAINT
from tests.logcheck import PLANTED, SUITE_LOG, find_planted


def test_a_planted_value_in_a_log_is_found_with_its_file_and_line(tmp_path):
    log = tmp_path / "worker.log"
    log.write_text("INFO rq.worker emails: deliver_email(3)\n"
                   f"WARNING remedy.x could not send to {CANARY_EMAIL.upper()}\n"
                   f"ERROR remedy.y [parameters: ('{VALID_COMPLAINT['narrative']}',)]\n")
    findings = find_planted([log, tmp_path / "missing.log"])
    assert [(f.value, f.path, f.line_number) for f in findings] == [
        (CANARY_EMAIL, log, 2), (CANARY_NARRATIVE, log, 3)]
    assert CANARY_NARRATIVE in str(findings[1]) and "worker.log:3" in str(findings[1])


def test_a_phone_number_is_found_as_written_and_as_stored(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(f"a {CANARY_PHONE} b\nc {CANARY_PHONE.replace(' ', '')} d\n")
    assert [f.line_number for f in find_planted([log])] == [1, 2]


def test_a_clean_log_passes(tmp_path):
    log = tmp_path / "clean.log"
    log.write_text("INFO remedy.notifications.jobs email 12 sent (complaint_received)\n"
                   "WARNING remedy.jobs in-process job deliver_email failed\n" * 50)
    assert find_planted([log]) == []
    assert all(value in PLANTED for value in (CANARY_EMAIL, CANARY_NARRATIVE))


def test_the_apps_log_records_reach_the_suite_log(app):
    """A failing in-process job is logged with its traceback by remedy.jobs: the record is in
    the file the search reads at the end of the session."""

    def failing_job_for_logcheck():
        raise RuntimeError("logcheck-marker-41c9")

    with app_context(app):
        run_in_process(failing_job_for_logcheck, ())
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = SUITE_LOG.read_text(encoding="utf-8", errors="replace")
    assert "in-process job failing_job_for_logcheck failed" in text
    assert "RuntimeError: logcheck-marker-41c9" in text  # with the traceback


def test_the_suite_log_judges_each_record_as_it_is_written(tmp_path):
    """The handler finds a planted value in what it writes, with the line of the file."""
    from tests.logcheck import SuiteLog

    handler = SuiteLog(tmp_path / "suite.log")
    logger = logging.getLogger("remedy.logcheck-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("clean line one\nclean line two")
        logger.warning("sending to %s failed", CANARY_EMAIL)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
        handler.close()
    assert [(f.value, f.line_number) for f in handler.findings] == [(CANARY_EMAIL, 3)]
    assert CANARY_EMAIL in (tmp_path / "suite.log").read_text().splitlines()[2]
