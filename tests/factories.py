"""Valid inputs to start from; tests change one thing at a time."""

import copy

from remedy.accounts.domain import parse_organisation
from remedy.accounts.services import create_organisation

# Values planted in what complainants write, so that a test can tell whether they leak: the
# suite's logs are searched for them at the end of every run (tests/logcheck.py).
CANARY_NARRATIVE = "CANARY-NARRATIVE-7f3a"
CANARY_EMAIL = "canary-7f3a@example.org"
CANARY_NAME = "Ilse Kestrelcanary"
CANARY_PHONE = "+45 7307 3733"
CANARY_CONTACT = {"name": CANARY_NAME, "email": CANARY_EMAIL, "phone": CANARY_PHONE}

VALID_COMPLAINT = {
    "filer_type": "individual",
    "title": "Rejected by an automatic CV screening",
    "narrative": "I applied for a warehouse job and was rejected within a minute by an "
                 "automatic screening tool. I have ten years of experience. "
                 f"({CANARY_NARRATIVE})",
    "complainant_country": "DK",
    "ai_system": "HireScreen",
    "deployer": "Acme Logistics A/S",
    "sector": "employment",
    "rights_dimensions": ["equality_non_discrimination"],
}


def complaint_payload(**changes) -> dict:
    payload = copy.deepcopy(VALID_COMPLAINT)
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def make_organisation(slug="test-nhri", country="DK", org_type="nhri", **kwargs):
    return create_organisation(parse_organisation(
        name=kwargs.pop("name", f"Organisation {slug}"), slug=slug, country=country,
        org_type=org_type, **kwargs,
    ))


def form_data(**changes) -> dict:
    """The web form's fields for a valid individual complaint."""
    data = {
        "filer_type": "individual",
        "title": VALID_COMPLAINT["title"],
        "narrative": VALID_COMPLAINT["narrative"],
        "complainant_country": "DK",
        "ai_system": "HireScreen",
        "deployer": "Acme Logistics A/S",
        "sector": "employment",
        "rights_dimensions": ["equality_non_discrimination"],
        "submission_token": "form-token-0001",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


PASSWORD = "correct horse battery staple"


def make_user(email="caseworker@example.org", role="caseworker", org_slug="test-nhri",
              password=PASSWORD):
    """A staff account with a password, as the command line makes one (call it inside an
    app context). A sysadmin belongs to no organisation whatever `org_slug` says."""
    from remedy.accounts.services import create_user, organisation_by_slug

    organisation = organisation_by_slug(org_slug) if org_slug and role != "sysadmin" else None
    return create_user(email=email, role=role, organisation=organisation, password=password)


def refer_to_sweden(app, client, ours: dict, case_id: int) -> tuple[dict, dict]:
    """Refer a case through the API to the Swedish authority of this installation (another
    organisation) and deliver the offer now: with Redis it would wait in the queue behind
    jobs that a worker must not run in these tests (without Redis it went already).
    Returns (the authority, the sender's referral)."""
    from sqlalchemy import select

    from remedy.extensions import db
    from remedy.federation.models import OutgoingMessage
    from remedy.federation.transport import deliver_message

    routing = client.get(f"/api/v1/cases/{case_id}/routing", headers=ours).get_json()
    target = next(i["authority"] for i in routing["items"]
                  if i["authority"]["local"] and i["authority"]["country"] == "SE")
    sent = client.post("/api/v1/referrals", headers=ours, json={
        "case_id": case_id, "authority_id": target["id"],
        "message": "The deployer is established in Sweden; please take this up."})
    assert sent.status_code == 201, sent.get_json()
    with app.app_context():
        for outbox_id in db.session.scalars(select(OutgoingMessage.id).where(
                OutgoingMessage.status == "pending")).all():
            assert deliver_message(outbox_id) == "delivered"
    return target, sent.get_json()
