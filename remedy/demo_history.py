"""Part of `seed-demo`: a year and a half of made-up past complaints, so that the public
observatory has figures to show on a first run (with a threshold of 5, seven complaints
would show almost nothing). Deterministic (seeded); demo data only.

They go through the real intake (`submit_complaint`), then are dated back and moved on as
casework would have: some closed with a remedy carried out, some inadmissible or withdrawn,
a few grouped into collective claims; one story is published with the complainant's
consent, and the demo NHRI names the AI systems it handles."""

import random
from datetime import timedelta

from remedy.accounts.services import organisation_by_slug
from remedy.cases.services import put_remedy
from remedy.collective.services import create_claim
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.domain import parse_complaint
from remedy.intake.services import submit_complaint

# (sector, AI system, deployer, rights, weight)
SYSTEMS = [
    ("employment", "Uber driver app", "Uber B.V.", ["access_to_remedy"], 9),
    ("employment", "CV screening tool", "Hireflow", ["equality_non_discrimination"], 6),
    ("social_protection", "benefit risk score", "Municipality of Demo",
     ["equality_non_discrimination", "access_to_remedy"], 7),
    ("finance_credit", "instant credit scoring", "Demo Lending Inc.", ["access_to_remedy"], 5),
    ("law_enforcement", "FaceMatch", "Demo Police",
     ["privacy_data_protection", "equality_non_discrimination"], 3),
    ("education", "exam proctoring AI", "Demo University", ["privacy_data_protection"], 4),
    ("housing", "tenant screening score", "Demo Lettings", ["equality_non_discrimination"], 3),
    ("health", "triage chatbot", "Demo Health Region", ["privacy_data_protection"], 2),
]
COUNTRIES = [("DK", 6), ("PH", 3), ("FR", 3)]
# How the cases ended: (state, remedy carried out or None, weight)
ENDINGS = [("investigating", None, 5), ("triage", None, 3), ("closed", "explanation", 3),
           ("closed", "human_review", 3), ("closed", "correction", 2),
           ("closed", "compensation", 1), ("closed", None, 2), ("inadmissible", None, 2),
           ("withdrawn", None, 1), ("remedy_monitoring", "apology", 1)]
STORY = ("The benefit office's risk score flagged me as a fraud risk. My payments stopped for "
         "four months while I proved I had done nothing wrong. Nobody could tell me why the "
         "system chose me. I want the score stopped until it is checked for bias.")


def _pick(rng, weighted):
    return rng.choices(weighted, weights=[w[-1] for w in weighted])[0]


def seed_history(count: int = 240, seed: int = 20261128) -> int:
    """`count` past complaints over the last 18 months; returns how many were made."""
    rng = random.Random(seed)
    now, made = utcnow(), []
    for index in range(count):
        sector, system, deployer, rights, _ = _pick(rng, SYSTEMS)
        country = _pick(rng, COUNTRIES)[0]
        if country == "FR" and "equality_non_discrimination" not in rights:
            country = "DK"  # the demo's French body deals with discrimination only
        group = rng.random() < 0.12
        data = {"filer_type": "group" if group else "individual",
                "title": f"{system}: a decision about me without explanation",
                "narrative": f"The {system} used by {deployer} decided about me and nobody "
                             "explained why or let a person look at it again.",
                "complainant_country": country, "ai_system": system, "deployer": deployer,
                "sector": sector, "rights_dimensions": rights,
                "remedies_sought": ["explanation", "human_review"]}
        if group:
            data["group_size"] = rng.choice([12, 40, 150, 600])
        if index == 0:
            data.update(narrative=STORY, sector="social_protection", ai_system="benefit risk score",
                        complainant_country="DK",
                        consents={"publish_narrative": True})
        submission = submit_complaint(parse_complaint(data, today=now.date(), default_language="en"),
                                      interface_locale="en", channel="web")
        made.append((submission.reference, rng.randrange(0, 540), _pick(rng, ENDINGS)))
    _age_and_close(made, now)
    _group_into_claims(made)
    _publish_story(made[0][0])
    organisation_by_slug("demo-nhri").publishes_names = True
    db.session.commit()
    return len(made)


def _complaint(reference):
    from sqlalchemy import select

    from remedy.intake.models import Complaint

    return db.session.scalar(select(Complaint).where(Complaint.reference == reference))


def _age_and_close(made, now) -> None:
    for reference, days_ago, (state, remedy, _) in made:
        complaint = _complaint(reference)
        complaint.received_at = complaint.case.opened_at = now - timedelta(days=days_ago)
        case = complaint.case
        case.state = state
        if state in ("closed", "inadmissible", "withdrawn"):
            case.closed_at = complaint.received_at + timedelta(days=30)
        if remedy:
            put_remedy(case, actor="seed-demo", remedy_type=remedy, status="implemented")
    db.session.commit()


def _group_into_claims(made) -> None:
    """The complaints about each AI system at each organisation become a collective claim."""
    from sqlalchemy import select

    from remedy.accounts.models import User

    users = {user.organisation_id: user for user in db.session.scalars(
        select(User).where(User.role == "caseworker"))}
    groups: dict = {}
    for reference, _, _ in made[1:]:
        complaint = _complaint(reference)
        groups.setdefault((complaint.organisation_id, complaint.ai_system_as_named),
                          []).append(complaint.id)
    for (organisation_id, system), members in sorted(groups.items()):
        if organisation_id in users and len(members) >= 3:
            create_claim(users[organisation_id], members[:40],
                         title=f"People harmed by the {system}")


def _publish_story(reference) -> None:
    from sqlalchemy import select

    from remedy.accounts.models import User
    from remedy.narratives.services import prepare_narrative, publish_narrative

    complaint = _complaint(reference)
    user = db.session.scalar(select(User).where(User.organisation_id == complaint.organisation_id,
                                                User.role == "caseworker"))
    if user is None:
        return
    draft = prepare_narrative(complaint.case, user)
    publish_narrative(complaint.case, user, draft.text)
