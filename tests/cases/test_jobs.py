"""The daily digest of deadlines."""

from datetime import timedelta

from babel.dates import format_date

from remedy.cases.jobs import send_deadline_digests
from remedy.cases.models import Case
from remedy.core.db import utcnow
from remedy.extensions import db
from tests.cases.conftest import STAFF, file_complaint
from tests.conftest import app_context, run_jobs


def test_assignees_and_supervisors_get_one_digest_a_day(app, staff, mailbox):
    reference, _, case_id = file_complaint(app)
    file_complaint(app)  # due in days, not soon: in nobody's digest
    with app_context(app):
        overdue = db.session.get(Case, case_id)
        overdue.assignee_id = staff["caseworker"]
        overdue.next_due_on = overdue_on = utcnow().date() - timedelta(days=1)
        db.session.commit()
        assert send_deadline_digests() == 3  # the caseworker, the supervisor, the admin
        assert send_deadline_digests() == 0  # not twice the same day
    run_jobs(app)
    for role in ("caseworker", "supervisor"):
        [digest] = mailbox.to(STAFF[role][0])
        assert reference in mailbox.text(digest) and "overdue" in mailbox.text(digest).lower()
        day = format_date(overdue_on, "long", locale="en")  # a day as readers write it
        assert day in mailbox.text(digest) and overdue_on.isoformat() not in mailbox.text(digest)
    assert mailbox.to(STAFF["org_admin"][0])  # an admin is a supervisor too
    assert not mailbox.to(STAFF["other"][0])
