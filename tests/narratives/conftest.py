"""Complaints whose complainant did (or did not) agree to their story being published, and
helpers to prepare and publish it."""

import pytest

from remedy.accounts.models import User
from remedy.cases.models import Case
from remedy.extensions import db
from remedy.narratives.models import PublishedNarrative
from tests.cases.conftest import as_role, file_complaint, login, staff, token  # noqa: F401
from tests.conftest import app_context

STORY = ("My name is Ana Jensen. On 4 March 2026 I applied for a warehouse job and was "
         "rejected within a minute by an automatic screening tool. I called them on "
         "+45 12 34 56 78 and Mr Hansen said the system decides. My colleague Omar Haddad got "
         "the same answer. I have ten years of experience and I want a human to look again.")
SECRETS = ("Ana", "Jensen", "4 March", "12 34 56 78", "Hansen", "Omar", "Haddad")


def story_case(app, *, consent=True, narrative=STORY, **changes):
    """A complaint by Ana Jensen and Omar Haddad, with or without consent to publish their
    story: (reference, secret, case id)."""
    payload = {"filer_type": "group", "co_complainants": [{"name": "Omar Haddad"}],
               "contact": {"name": "Ana Jensen", "email": "ana@example.org"},
               "consents": {"publish_narrative": consent, "contact": True},
               "narrative": narrative, "rights_dimensions": ["equality_non_discrimination",
                                                             "access_to_remedy"]}
    payload.update(changes)
    return file_complaint(app, **payload)


@pytest.fixture
def consented(app, staff):  # noqa: F811
    return story_case(app)


@pytest.fixture
def unconsented(app, staff):  # noqa: F811
    return story_case(app, consent=False,
                      narrative="Unconsented story: the kiosk in Odense refused my card and "
                                "nobody could tell me why, zebra-marker-7731.")


def user(role_ids, role) -> User:
    return db.session.get(User, role_ids[role])


def case(case_id) -> Case:
    return db.session.get(Case, case_id)


def narrative_row(app, case_id) -> PublishedNarrative | None:
    with app_context(app):
        row = db.session.query(PublishedNarrative).filter_by(case_id=case_id).one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def published(app, staff_ids, case_id, text=None) -> PublishedNarrative:  # noqa: F811
    """Prepare the case's story and publish the suggestion as it is (or `text`)."""
    from remedy.narratives import services

    with app_context(app):
        cw = user(staff_ids, "caseworker")
        draft = services.prepare_narrative(case(case_id), cw)
        services.publish_narrative(case(case_id), cw, text or draft.text)
    return narrative_row(app, case_id)
