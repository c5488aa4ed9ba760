"""Counting, for one month of one organisation, what the observatory shows besides
complaints: remedies carried out by type, collective claims and the people they
represent, and the AI systems and organisations complained about (by registry id; the
names are read at publication, and only for organisations that publish them).

The month of a remedy is the month its case came in (the complaint's, or the case's own
when it has none); the month of a claim is the month it was formed."""

from collections import Counter
from datetime import date

from sqlalchemy import delete, func, select

from remedy.cases.models import Case, Remedy
from remedy.collective.domain import COUNTED
from remedy.collective.models import ClaimMember, CollectiveClaim
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.observatory.models import Tally

REMEDY, CLAIMS, PEOPLE, AI_SYSTEM, RESPONDENT = (
    "remedy", "claims", "claim_people", "ai_system", "respondent")
MEASURES = (REMEDY, CLAIMS, PEOPLE, AI_SYSTEM, RESPONDENT)


def refresh(organisation_id: int, start, end, month: date) -> int:
    """Count one month of one organisation again (in the caller's transaction)."""
    db.session.execute(delete(Tally).where(Tally.organisation_id == organisation_id,
                                           Tally.month == month))
    rows: Counter = Counter()
    for measure, column in ((AI_SYSTEM, Complaint.ai_system_id),
                            (RESPONDENT, Complaint.deployer_id)):
        found = db.session.execute(
            select(func.coalesce(Complaint.complainant_country, ""), func.coalesce(Case.sector, ""),
                   Case.rights_mask, column, func.count())
            .join(Complaint, Complaint.id == Case.complaint_id)
            .where(Case.organisation_id == organisation_id, Complaint.received_at >= start,
                   Complaint.received_at < end, column.is_not(None))
            .group_by(Complaint.complainant_country, Case.sector, Case.rights_mask, column))
        for country, sector, mask, entry, count in found:
            rows[(country, sector, mask, measure, str(entry))] += count
    came_in = func.coalesce(Complaint.received_at, Case.opened_at)
    remedies = db.session.execute(
        select(func.coalesce(Case.complainant_country, ""), func.coalesce(Case.sector, ""),
               Case.rights_mask, Remedy.remedy_type, func.count())
        .join(Case, Case.id == Remedy.case_id)
        .outerjoin(Complaint, Complaint.id == Case.complaint_id)
        .where(Case.organisation_id == organisation_id, Remedy.status == "implemented",
               came_in >= start, came_in < end)
        .group_by(Case.complainant_country, Case.sector, Case.rights_mask, Remedy.remedy_type))
    for country, sector, mask, remedy_type, count in remedies:
        rows[(country, sector, mask, REMEDY, remedy_type)] += count
    for facets, people in _claims(organisation_id, start, end):
        rows[(*facets, CLAIMS, "")] += 1
        rows[(*facets, PEOPLE, "")] += people
    db.session.add_all(Tally(month=month, organisation_id=organisation_id, country=country,
                             sector=sector, rights_mask=mask, measure=measure, key=key,
                             count=count)
                       for (country, sector, mask, measure, key), count in rows.items())
    return len(rows)


def _claims(organisation_id: int, start, end):
    """((country, area, rights), people represented) of each claim formed in the month with
    members; its country is its members' most common one."""
    claims = db.session.execute(
        select(CollectiveClaim.id, func.coalesce(Case.sector, ""),
               func.coalesce(Case.rights_mask, 0))
        .outerjoin(Case, Case.collective_claim_id == CollectiveClaim.id)
        .where(CollectiveClaim.organisation_id == organisation_id,
               CollectiveClaim.created_at >= start, CollectiveClaim.created_at < end)).all()
    if not claims:
        return
    members = db.session.execute(
        select(ClaimMember.claim_id, Complaint.complainant_country, Complaint.group_size)
        .join(Complaint, Complaint.id == ClaimMember.complaint_id)
        .where(ClaimMember.claim_id.in_([claim_id for claim_id, _, _ in claims]),
               ClaimMember.status.in_(COUNTED))).all()
    by_claim: dict[int, list] = {}
    for owner, country, size in members:
        by_claim.setdefault(owner, []).append((country, size))
    for claim_id, sector, mask in claims:
        mine = by_claim.get(claim_id)
        if not mine:
            continue
        country = Counter(c or "" for c, _ in mine).most_common(1)[0][0]
        yield (country, sector, mask), sum(size if size and size > 1 else 1 for _, size in mine)
