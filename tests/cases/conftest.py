"""Staff of two organisations, signed-in clients, and cases to work on."""

import pytest

from remedy.accounts.services import create_api_token, create_user, organisation_by_slug
from remedy.extensions import db
from tests.conftest import app_context
from tests.factories import complaint_payload, make_organisation
from tests.web import post_form

PASSWORD = "correct horse battery staple"
STAFF = {
    "caseworker": ("cw@nhri.example.org", "test-nhri"),
    "supervisor": ("sup@nhri.example.org", "test-nhri"),
    "org_admin": ("admin@nhri.example.org", "test-nhri"),
    "other": ("cw@other.example.org", "other-org"),
}


@pytest.fixture
def staff(app, org):
    """role -> user id; 'other' is a caseworker of another organisation (in Sweden)."""
    ids = {}
    with app_context(app):
        make_organisation(slug="other-org", country="SE")
        for role, (email, slug) in STAFF.items():
            user = create_user(email=email, role="caseworker" if role == "other" else role,
                               organisation=organisation_by_slug(slug), password=PASSWORD)
            ids[role] = user.id
    return ids


def login(client, role):
    response = post_form(client, "/login", {"email": STAFF[role][0], "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def as_role(app, staff):
    """A fresh client signed in as the given role."""
    return lambda role: login(app.test_client(), role)


@pytest.fixture
def token(app, staff):
    def make(role):
        with app_context(app):
            from remedy.accounts.models import User

            return create_api_token(db.session.get(User, staff[role]), "tests")

    return make


def file_complaint(app, **changes):
    """A complaint filed through the API: (reference, secret, case id)."""
    client = app.test_client()
    body = client.post("/api/v1/complaints", json=complaint_payload(**changes)).get_json()
    with app_context(app):
        from remedy.intake.models import Complaint

        complaint = db.session.query(Complaint).filter_by(reference=body["reference"]).one()
        return body["reference"], body["secret"], complaint.case.id


@pytest.fixture
def case(app, staff):
    """One complaint in the test organisation, with an email and consent to contact."""
    return file_complaint(app, contact={"email": "ana@example.org"}, consents={"contact": True})


@pytest.fixture
def other_case(app, staff):
    """A complaint handled by the other organisation (a Swedish complainant)."""
    return file_complaint(app, complainant_country="SE")
