"""A world for the API to be exercised on (the app on a loopback port is `live_server`, in
tests/conftest.py).

`api_world` files complaints through the API and builds on them with the services: staff
of two organisations with tokens (one read-only), complaints with their references and
secrets (one to withdraw), cases with a remedy the complainant is asked about, requests to
the respondent (one answered finally, so that feedback is open), a respondent account's
token and an access link's token, a collective claim with open suggestions, a referral
between the two organisations, a published story, and another installation in the
directory whose key signs federation messages. Its ids are what the generated requests aim at.
"""

import io

import pytest

from remedy.accounts.services import create_api_token, create_user, organisation_by_slug
from remedy.extensions import db
from remedy.intake.models import Complaint
from tests.conftest import app_context
from tests.factories import PASSWORD, complaint_payload, make_organisation, refer_to_sweden

RESPONDENT_EMAIL = "complaints@acme.example.com"
STAFF = {"caseworker": ("cw@one.example.org", "test-nhri", "caseworker"),
         "supervisor": ("sup@one.example.org", "test-nhri", "supervisor"),
         "org_admin": ("admin@one.example.org", "test-nhri", "org_admin"),
         "other": ("cw@two.example.org", "two", "caseworker")}


def _file(client, **changes) -> dict:
    response = client.post("/api/v1/complaints", json=complaint_payload(**changes))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    with app_context(client.application):
        complaint = db.session.query(Complaint).filter_by(reference=body["reference"]).one()
        body["case_id"] = complaint.case.id
        body["complaint_id"] = complaint.id
    return body


def _staff(app) -> dict:
    with app_context(app):
        make_organisation()  # test-nhri, Denmark: the default handling organisation
        make_organisation(slug="two", country="SE")
        users = {role: create_user(email=email, role=role_name, password=PASSWORD,
                                   organisation=organisation_by_slug(slug))
                 for role, (email, slug, role_name) in STAFF.items()}
        tokens = {role: create_api_token(user, "api tests") for role, user in users.items()}
        tokens["read_only"] = create_api_token(users["caseworker"], "read only", scopes=("read",))
        return {"user_ids": {role: user.id for role, user in users.items()}, "tokens": tokens}


def _respondent_exchange(app, world) -> None:
    """A's and B's cases sent to their (shared) respondent; B's answered finally so that its
    complainant may give feedback; a portal account's token and A's link token."""
    from remedy.accounts.models import User
    from remedy.cases.models import Case, Remedy
    from remedy.core.db import utcnow
    from remedy.responses import access, services

    with app_context(app):
        sender = db.session.get(User, world["user_ids"]["caseworker"])
        requests = {}
        for key in ("a", "b"):
            case = db.session.get(Case, world["complaints"][key]["case_id"])
            case.complaint.deployer.contact_email = RESPONDENT_EMAIL
            db.session.commit()
            sent, _link = services.send_request(sender, case, {
                "questions": ["explanation"], "summary": "What the complainant says happened."})
            requests[key] = sent
        services.submit_response(access.link_principal(requests["b"]), requests["b"].id, {
            "category": "closed_with_explanation",
            "explanation": "The screening tool ranked the application low; a person reviewed."})
        case = db.session.get(Case, world["complaints"]["a"]["case_id"])
        remedy = Remedy(remedy_type="apology", status="proposed", due_on=utcnow().date(),
                        complainant_asked_at=utcnow())
        case.remedies.append(remedy)
        db.session.commit()
        world["complaints"]["a"]["remedy_ids"] = [remedy.id]
        respondent_id = case.complaint.deployer_id
        account = access.invite_account(sender, respondent_id, "answers@acme.example.com",
                                        locale="en")
        world["respondent"] = {
            "id": respondent_id,
            "request_ids": [requests["a"].id, requests["b"].id],
            "tokens": {"account": access.create_token(account, "api tests"),
                       "link": access.link_token(requests["a"])},
        }


def _collective(app, world) -> None:
    from sqlalchemy import select

    from remedy.accounts.models import User
    from remedy.collective import services
    from remedy.collective.models import Suggestion

    with app_context(app):
        sender = db.session.get(User, world["user_ids"]["caseworker"])
        a, b = world["complaints"]["a"], world["complaints"]["b"]
        claim = services.create_claim(sender, [a["complaint_id"]], title="CV screening claim")
        wanted = [
            Suggestion(organisation_id=sender.organisation_id, complaint_id=b["complaint_id"],
                       target=f"claim:{claim.id}", kind="claim", score=0.9,
                       reasons=[{"code": "same_deployer", "name": "Acme Logistics A/S"}]),
            Suggestion(organisation_id=sender.organisation_id, complaint_id=b["complaint_id"],
                       target=f"complaint:{a['complaint_id']}", kind="complaint", score=0.7,
                       reasons=[{"code": "same_sector"}]),
        ]
        suggestions = []
        for suggestion in wanted:  # the matching engine may have made it already (no Redis)
            found = db.session.scalar(select(Suggestion).where(
                Suggestion.complaint_id == suggestion.complaint_id,
                Suggestion.target == suggestion.target))
            if found is None:
                db.session.add(suggestion)
            suggestions.append(found or suggestion)
        db.session.commit()
        world["claim_ids"] = [claim.id]
        world["suggestion_ids"] = [s.id for s in suggestions]


def _referral(app, client, world) -> None:
    """R's case (about a Swedish deployer) referred by organisation one to organisation two:
    the sender's record and the receiver's."""
    ours = {"Authorization": f"Bearer {world['tokens']['caseworker']}"}
    theirs = {"Authorization": f"Bearer {world['tokens']['other']}"}
    target, sent = refer_to_sweden(app, client, ours, world["complaints"]["r"]["case_id"])
    incoming = client.get("/api/v1/referrals?direction=incoming", headers=theirs).get_json()
    world["authority_ids"] = [target["id"]]
    world["referral_ids"] = [sent["id"]] + [i["id"] for i in incoming["items"]]


def _story(app, world) -> None:
    """S's story, published with its complainant's consent (for the open-data list)."""
    from remedy.accounts.models import User
    from remedy.cases.models import Case
    from remedy.narratives import services

    with app_context(app):
        user = db.session.get(User, world["user_ids"]["caseworker"])
        case = db.session.get(Case, world["complaints"]["s"]["case_id"])
        draft = services.prepare_narrative(case, user)
        services.publish_narrative(case, user, draft.text)


def _peer(app, world) -> None:
    """Another installation in the directory, whose key the tests sign messages with."""
    from remedy.federation import crypto
    from remedy.referrals import directory

    private, public = crypto.new_key_pair()
    with app_context(app):
        directory.import_entries([{
            "name": "Peer Data Protection Authority", "country": "NO", "type": "dpa",
            "base_url": "https://peer.example.org", "slug": "peer-dpa", "public_key": public}],
            actor="tests")
    world["peer"] = {"private_key": private, "public_key": public,
                     "base_url": "https://peer.example.org", "slug": "peer-dpa"}


@pytest.fixture
def api_world(app):
    client = app.test_client()
    world = _staff(app)
    contact = {"name": "Ana Jensen", "email": "ana@example.org"}
    consents = {"contact": True, "share_with_respondent": True}
    world["complaints"] = {
        "a": _file(client, contact=contact, consents=consents),
        "b": _file(client, contact={"email": "bo@example.org"}, consents=consents),
        "w": _file(client, title="A complaint to withdraw"),
        "r": _file(client, deployer="Nordic Data AB", deployer_country="SE",
                   rights_dimensions=["privacy_data_protection"]),
        "other": _file(client, complainant_country="SE"),
        "s": _file(client, consents={"publish_narrative": True}),
    }
    for key in ("a", "b", "w", "r", "other", "s"):
        world["complaints"][key].setdefault("remedy_ids", [])
    evidence = client.post(
        f"/api/v1/complaints/{world['complaints']['a']['reference']}/evidence",
        data={"file": [(io.BytesIO(b"a letter from the employer"), "letter.txt")]},
        headers={"X-Remedy-Secret": world["complaints"]["a"]["secret"]},
        content_type="multipart/form-data")
    assert evidence.status_code == 201, evidence.get_json()
    _respondent_exchange(app, world)
    _collective(app, world)
    _referral(app, client, world)
    _story(app, world)
    _peer(app, world)
    return world
