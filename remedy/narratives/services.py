"""Publishing a complainant's story: prepare it (the automatic scrub), revise it, publish the
caseworker's reviewed text, and take it down.

Only staff of the organisation handling the complaint, and only while the complainant
consents; a withdrawal of the consent or of the complaint, or an erasure, takes the story
down in the same transaction (see `receivers`). Each public function is one unit of work
with its audit entry; the take-down also runs inside another service's transaction.
"""

from sqlalchemy import select

from remedy.accounts.domain import CASEWORKER, at_least
from remedy.accounts.services import actor_of
from remedy.cases.models import Case
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import Conflict, NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import checked_text
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.intake.services import tell_complainant
from remedy.jobs import commit
from remedy.narratives import domain
from remedy.narratives.models import PublishedNarrative
from remedy.narratives.scrub import Scrubbed, scrub

NO_SUCH_CASE = N_("There is no such case.")
INVALID = N_("Some answers need attention.")


def known_names(complaint: Complaint) -> dict:
    """What the scrub is told about this complaint. `known_names`: the complainant and the
    co-complainants (each name and its parts go). `known_phrases` (going only whole): the
    representative organisation and the complaint's reference; and the respondents and the
    AI system too, unless the handling organisation publishes their names, in which case
    they are kept as written (`keep`)."""
    people = [complaint.contact_name or ""] + [p.name for p in complaint.co_complainants]
    phrases = [complaint.reference, complaint.mandate_organisation_name]
    parties = [complaint.ai_system_as_named, complaint.deployer_as_named,
               complaint.provider_as_named] + [
        entry.name for entry in (complaint.ai_system, complaint.deployer, complaint.provider)
        if entry is not None]
    publishes = bool(complaint.organisation.publishes_names)
    return {"known_names": [p for p in people if p],
            "known_phrases": [p for p in phrases + ([] if publishes else parties) if p],
            "keep": [p for p in parties if p] if publishes else []}


def scrub_for(complaint: Complaint, text: str) -> Scrubbed:
    """The automatic scrub of a text about this complaint, with the names it knows."""
    return scrub(text, language=complaint.language, **known_names(complaint))


def narrative_of(case: Case) -> PublishedNarrative | None:
    if case.complaint_id is None:
        return None
    return db.session.scalar(select(PublishedNarrative).where(
        PublishedNarrative.complaint_id == case.complaint_id))


def _authorise(user, case: Case) -> None:
    """Staff (caseworker and above) of the case's organisation; a 404 for anyone else, as
    for the case itself. A case with no complaint of its own has no story."""
    if user is None or user.organisation_id is None or user.organisation_id != case.organisation_id \
            or not at_least(user.role, CASEWORKER) or case.complaint_id is None:
        raise NotFound(NO_SUCH_CASE)


def _publishable_complaint(case: Case) -> Complaint:
    """The case's complaint, locked (so that a consent withdrawn at the same moment waits
    for this transaction, then takes down what it did), re-read, and still publishable."""
    complaint = db.session.scalar(
        select(Complaint).where(Complaint.id == case.complaint_id).with_for_update()
        .execution_options(populate_existing=True))
    if complaint.withdrawn_at is not None or case.anonymised_at is not None:
        raise Conflict(N_("The complaint was withdrawn or its data erased: its story cannot "
                          "be published."))
    if not complaint.consent_publish_narrative:
        raise domain.NoConsent(N_("The complainant has not agreed to their story being "
                                  "published."))
    return complaint


def _reviewed_text(text) -> str:
    cleaned, problem = checked_text(text, limit=domain.MAX_LENGTH, required=True)
    if problem:
        raise ValidationFailed(INVALID, {"text": [problem]})
    return cleaned


def _record(action: str, user, case: Case, *, old: str | None, new: str, **details) -> None:
    audit.record(action, actor=actor_of(user), subject_type="case", subject_id=case.id,
                 organisation_id=case.organisation_id, old={"narrative": old},
                 new={"narrative": new, **details})


def prepare_narrative(case: Case, user) -> PublishedNarrative:
    """Run the automatic scrub on the complaint's story and keep the result as a draft for
    the caseworker to review (again, if there was one or it was taken down). Refused
    without the complainant's consent (NoConsent), for a withdrawn or erased complaint, and
    while the story is published (take it down first)."""
    _authorise(user, case)
    complaint = _publishable_complaint(case)
    narrative = narrative_of(case)
    old = narrative.state if narrative else None
    if old == domain.PUBLISHED:
        raise Conflict(N_("The story is published. Take it down before preparing it again."))
    result = scrub_for(complaint, complaint.narrative)
    if narrative is None:
        narrative = PublishedNarrative(complaint_id=complaint.id, case_id=case.id,
                                       organisation_id=case.organisation_id)
        db.session.add(narrative)
    narrative.state, narrative.text = domain.DRAFT, result.text
    narrative.language, narrative.scrub_report = complaint.language, dict(result.counts)
    narrative.prepared_by_id, narrative.prepared_at = user.id, utcnow()
    narrative.published_by_id = narrative.published_at = None
    narrative.taken_down_at = narrative.take_down_reason = None
    narrative.sector = narrative.filer_type = None
    narrative.rights_dimensions = []
    db.session.flush()
    _record("narrative.prepared", user, case, old=old, new=domain.DRAFT,
            replaced=dict(result.counts))
    commit()
    return narrative


def _draft(case: Case) -> PublishedNarrative:
    narrative = narrative_of(case)
    if narrative is None or narrative.state != domain.DRAFT:
        raise Conflict(N_("Prepare the story for publication first."))
    return narrative


def revise_narrative(case: Case, user, text) -> tuple[PublishedNarrative, Scrubbed]:
    """Apply the automatic scrub again, to the caseworker's version of the draft, and keep
    it: their corrections stay, what the scrub finds in them goes."""
    _authorise(user, case)
    complaint = _publishable_complaint(case)
    narrative = _draft(case)
    result = scrub_for(complaint, _reviewed_text(text))
    narrative.text = result.text
    report = dict(narrative.scrub_report or {})
    for kind, count in result.counts.items():
        report[kind] = report.get(kind, 0) + count
    narrative.scrub_report = report
    _record("narrative.revised", user, case, old=domain.DRAFT, new=domain.DRAFT,
            replaced=dict(result.counts))
    commit()
    return narrative, result


def publish_narrative(case: Case, user, text) -> PublishedNarrative:
    """Publish the caseworker's reviewed text, as it is. If the automatic scrub still finds
    anything in it, nothing is published: a ValidationFailed on `text` says what kinds of
    thing are left (there is no way to publish them anyway). The public facets are copied
    from the complaint now."""
    _authorise(user, case)
    complaint = _publishable_complaint(case)
    narrative = _draft(case)
    reviewed = _reviewed_text(text)
    leftovers = scrub_for(complaint, reviewed)
    if leftovers.counts:
        raise ValidationFailed(INVALID, {"text": domain.leftover_errors(leftovers.kinds)})
    facets = domain.public_facets(sector=complaint.sector,
                                  rights_dimensions=complaint.rights_dimensions,
                                  filer_type=complaint.filer_type)
    narrative.state, narrative.text = domain.PUBLISHED, reviewed
    narrative.sector, narrative.filer_type = facets["sector"], facets["filer_type"]
    narrative.rights_dimensions = facets["rights_dimensions"]
    narrative.published_by_id, narrative.published_at = user.id, utcnow()
    _record("narrative.published", user, case, old=domain.DRAFT, new=domain.PUBLISHED)
    tell_complainant(complaint, "story_published")
    commit()
    return narrative


def take_down_narrative(complaint: Complaint, reason: str, user=None, *,
                        commit_now: bool = True) -> PublishedNarrative | None:
    """Take the complaint's story down (or discard its draft) and delete its text, at once.

    With a `user` (a caseworker taking it down), only staff of the handling organisation,
    and only a story that is there (NotFound otherwise). Without one, it is the complainant
    (a withdrawn consent or complaint) or an erasure, inside that change's transaction
    (`commit_now=False`), and a story already gone is left as it is.
    """
    if reason not in domain.TAKE_DOWN_REASONS:
        raise ValueError(f"unknown take-down reason {reason!r}")
    narrative = db.session.scalar(select(PublishedNarrative).where(
        PublishedNarrative.complaint_id == complaint.id))
    live = narrative is not None and narrative.state != domain.TAKEN_DOWN
    if user is not None:
        if narrative is None or narrative.organisation_id != user.organisation_id \
                or not at_least(user.role, CASEWORKER):
            raise NotFound(NO_SUCH_CASE)
        if not live:
            raise Conflict(N_("There is no story to take down."))
    if narrative is not None and (live or narrative.text is not None):
        old = narrative.state
        narrative.state, narrative.text = domain.TAKEN_DOWN, None
        narrative.taken_down_at, narrative.take_down_reason = utcnow(), reason
        actor = actor_of(user) if user is not None else (
            "complainant" if reason in domain.BY_COMPLAINANT else "system")
        if user is not None and old == domain.PUBLISHED:
            tell_complainant(complaint, "story_taken_down")
        audit.record("narrative.taken_down", actor=actor, subject_type="case",
                     subject_id=narrative.case_id, organisation_id=narrative.organisation_id,
                     old={"narrative": old},
                     new={"narrative": domain.TAKEN_DOWN, "reason": reason})
    if commit_now:
        commit()
    return narrative
