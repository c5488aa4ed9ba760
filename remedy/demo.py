"""`seed-demo`: demo organisations and complaints for a first look. Safe to run twice."""

import click
from sqlalchemy import select

from remedy.accounts.domain import parse_organisation
from remedy.accounts.models import Organisation
from remedy.accounts.services import create_organisation, create_user, organisation_by_slug
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.domain import parse_complaint
from remedy.intake.services import submit_complaint

ORGANISATIONS = [
    dict(name="Demo National Human Rights Institution", slug="demo-nhri", country="DK",
         org_type="nhri"),
    dict(name="Demo Data Protection Authority", slug="demo-dpa", country="DK", org_type="dpa",
         rights=("privacy_data_protection",)),
    dict(name="Demo Commission on Human Rights", slug="demo-chr-ph", country="PH",
         org_type="nhri"),
    dict(name="Demo Equality Body", slug="demo-equality-fr", country="FR",
         org_type="equality_body", rights=("equality_non_discrimination",)),
]

# Demo staff of the demo NHRI; the password is printed by seed-demo (demo data only).
DEMO_PASSWORD = "remedy demo password"
STAFF = [("caseworker@demo-nhri.example.org", "caseworker"),
         ("supervisor@demo-nhri.example.org", "supervisor"),
         ("admin@demo-nhri.example.org", "org_admin")]

COMPLAINTS = [
    {
        "filer_type": "individual", "title": "Deactivated by the app without explanation",
        "narrative": "I drove for the platform for three years. One morning the driver app said "
                     "my account was deactivated because of 'irregular activity'. Nobody looked "
                     "at my case and I cannot reach a person to explain.",
        "complainant_country": "DK", "ai_system": "Uber driver app", "deployer": "Uber B.V.",
        "deployer_country": "NL", "sector": "employment",
        "rights_dimensions": ["access_to_remedy", "privacy_data_protection"],
        "remedies_sought": ["explanation", "human_review"], "date_of_harm": "2026-03-02",
        "contact": {"name": "Demo Driver", "email": "driver@example.org"},
        "consents": {"contact": True, "share_with_respondent": True},
    },
    {
        "filer_type": "individual", "title": "Compte désactivé par l'application Uber",
        "narrative": "Mon compte chauffeur a été désactivé par l'application Uber après une "
                     "vérification par selfie. Aucun humain n'a regardé mon dossier ; compte "
                     "désactivé, plus de revenus.",
        "language": "fr", "complainant_country": "DK", "ai_system": "uber driver app",
        "deployer": "UBER BV", "sector": "employment",
        "rights_dimensions": ["access_to_remedy"], "remedies_sought": ["human_review"],
    },
    {
        "filer_type": "individual", "title": "优步司机账号被停用",
        "narrative": "我的优步司机账号被 Uber driver app 自动停用了，没有任何解释，也没有人工审核。"
                     "账号停用后我失去了收入。",
        "language": "zh", "complainant_country": "DK", "ai_system": "Uber Driver App",
        "deployer": "Uber", "sector": "employment", "rights_dimensions": ["access_to_remedy"],
    },
    {
        "filer_type": "individual", "title": "Deactivated by the driver app, again",
        "narrative": "I complained already: the Uber driver app deactivated my account and "
                     "nobody explains why. I am writing again because I have heard nothing.",
        "complainant_country": "DK", "ai_system": "Uber driver app", "deployer": "Uber B.V.",
        "sector": "employment", "rights_dimensions": ["access_to_remedy"],
        "contact": {"name": "Demo Driver", "email": "driver@example.org"},
    },
    {
        "filer_type": "group", "title": "Welfare fraud score flags single parents",
        "narrative": "Our association of single parents found that most of us were flagged for "
                     "fraud checks by the municipality's new risk score, and our benefits were "
                     "paused for months while we proved we did nothing wrong.",
        "complainant_country": "DK", "ai_system": "benefit risk score",
        "deployer": "Municipality of Demo", "sector": "social_protection",
        "rights_dimensions": ["equality_non_discrimination", "access_to_remedy"],
        "grounds": ["sex_gender", "socioeconomic_status"], "group_size": 120,
        "remedies_sought": ["stop_system", "compensation"],
    },
    {
        "filer_type": "individual", "title": "Loan refused by automatic credit score",
        "narrative": "Ang aking aplikasyon sa pautang ay tinanggihan ng isang awtomatikong sistema "
                     "sa loob ng ilang segundo. Walang paliwanag kung bakit.",
        "language": "tl", "complainant_country": "PH", "ai_system": "instant credit scoring",
        "deployer": "Demo Lending Inc.", "sector": "finance_credit",
        "rights_dimensions": ["access_to_remedy"], "remedies_sought": ["explanation"],
    },
    {
        "filer_type": "representative_org", "title": "求职筛选系统排除年长申请人",
        "narrative": "我们代表多名五十岁以上的求职者。招聘网站的自动筛选工具在没有人工审查的情况下拒绝了他们的申请。",
        "complainant_country": "FR", "ai_system": "CV screening tool", "sector": "employment",
        "rights_dimensions": ["equality_non_discrimination"], "grounds": ["age"],
        "mandate": {"organisation_name": "Demo Seniors at Work",
                    "basis": "Written mandates from 14 members who applied for jobs."},
    },
]


@click.command("seed-demo")
def seed_demo():
    """Create demo organisations and a few demo complaints (once)."""
    created = 0
    for facts in ORGANISATIONS:
        if db.session.scalar(select(Organisation.id).where(Organisation.slug == facts["slug"])):
            continue
        create_organisation(parse_organisation(**facts), actor="seed-demo")
        created += 1
    if not created:
        click.echo("demo data already present: nothing to do")
        return
    for email, role in STAFF:
        create_user(email=email, role=role, organisation=organisation_by_slug("demo-nhri"),
                    password=DEMO_PASSWORD, actor="seed-demo")
    submissions = [
        submit_complaint(parse_complaint(data, today=utcnow().date(), default_language="en"),
                         interface_locale="en", channel="web")
        for data in COMPLAINTS
    ]
    click.echo(f"created {created} organisations, {len(STAFF)} staff and "
               f"{len(submissions)} complaints")
    click.echo(f"staff sign in at /login as {STAFF[0][0]} (or supervisor@…, admin@…), "
               f"password: {DEMO_PASSWORD}")
    first = submissions[0]
    click.echo(f"try tracking a demo complaint at /track: reference {first.reference}, "
               f"secret {first.secret}")
    link = _sent_to_respondent(first.reference)
    click.echo(f"it was sent to the respondent, who can answer at {link}")
    from remedy.referrals.directory import import_entries

    added, _ = import_entries(DIRECTORY, actor="seed-demo")
    create_user(email=RECEIVER[0], role="caseworker", organisation=organisation_by_slug(
        RECEIVER[1]), password=DEMO_PASSWORD, actor="seed-demo")
    from remedy.demo_history import seed_history
    from remedy.observatory.rollups import rebuild

    click.echo(f"and {seed_history()} past complaints of the last 18 months, for the "
               "observatory (/observatory)")
    rebuild()  # the observatory shows the demo at once (a worker's job keeps it up to date)
    click.echo(f"the directory of authorities lists {added} authorities outside this "
               "installation (see a case's 'Refer to another authority'); referrals to the "
               f"Demo Data Protection Authority arrive at /referrals for {RECEIVER[0]}")


# Someone at another organisation of the demo, to receive referrals.
RECEIVER = ("caseworker@demo-dpa.example.org", "demo-dpa")


# Authorities outside this installation, for routing to show (none is on Remedy yet).
DIRECTORY = [
    {"name": "Autoriteit Persoonsgegevens", "country": "NL", "type": "dpa",
     "rights_dimensions": ["privacy_data_protection"], "languages": ["nl", "en"]},
    {"name": "College voor de Rechten van de Mens", "country": "NL", "type": "equality_body",
     "rights_dimensions": ["equality_non_discrimination"], "languages": ["nl"]},
]


def _sent_to_respondent(reference: str) -> str:
    """The first demo case, under investigation and sent to its respondent (the deployer,
    given a demo contact), so that the respondent portal has something to answer."""
    from remedy.accounts.models import User
    from remedy.cases.services import apply_transition
    from remedy.intake.models import Complaint
    from remedy.responses.services import send_request

    complaint = db.session.scalar(select(Complaint).where(Complaint.reference == reference))
    caseworker = db.session.scalar(select(User).where(User.email == STAFF[0][0]))
    complaint.deployer.contact_email = "complaints@respondent.example.com"
    for step in ("triage", "investigating"):
        apply_transition(complaint.case, step, user=caseworker)
    _request, link = send_request(caseworker, complaint.case, {
        "questions": ["explanation", "human_review", "data_used", "remedy_offered"]})
    return link
