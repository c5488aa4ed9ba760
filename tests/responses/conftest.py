"""Cases whose respondent has a contact in the registry, ready to be sent to it."""

import re

import pytest

from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.cases.conftest import as_role, file_complaint, staff, token  # noqa: F401  (fixtures)
from tests.conftest import app_context

RESPONDENT_EMAIL = "complaints@acme.example.com"


def sendable_case(app, *, share=True, contact=True, **changes):
    """A complaint (by Ana, who may agree to be named to the respondent) whose deployer has
    a contact email: (reference, secret, case id, respondent id)."""
    consents = {"contact": contact, "share_with_respondent": share}
    reference, secret, case_id = file_complaint(
        app, contact={"name": "Ana Jensen", "email": "ana@example.org"}, consents=consents,
        **changes)
    with app_context(app):
        complaint = db.session.query(Complaint).filter_by(reference=reference).one()
        complaint.deployer.contact_email = RESPONDENT_EMAIL
        respondent_id = complaint.deployer_id
        db.session.commit()
    return reference, secret, case_id, respondent_id


@pytest.fixture
def sendable(app, staff):  # noqa: F811
    return sendable_case(app)


def link_from(mailbox, address=RESPONDENT_EMAIL) -> str:
    """The access link in the newest email to the respondent."""
    text = mailbox.text(mailbox.to(address)[-1])
    return re.search(r"https?://\S+/respond/open/\S+", text).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
