"""Casework use-cases. `apply_transition` is the only code that assigns a case's state; it
writes the decision, the audit entry and the complainant's timeline in one transaction.

Every function takes the acting user and loads objects through `case_for`, which refuses
another organisation's case as if it did not exist.
"""

from datetime import date

from sqlalchemy import select

from remedy.accounts import domain as accounts_domain
from remedy.accounts.models import User
from remedy.accounts.services import actor_of
from remedy.cases import clocks, domain
from remedy.cases.models import Case, CaseDecision, CaseNote, Remedy
from remedy.core import audit
from remedy.core.db import utcnow
from remedy.core.errors import NotFound, ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import checked_text
from remedy.core.vocabulary import PRIORITIES, REMEDIES, REMEDY_STATUSES
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.intake.privacy import ERASED, anonymise_complaint, complainant_data
from remedy.intake.services import add_staff_message, tell_complainant
from remedy.intake.storage import evidence_store
from remedy.jobs import commit


def case_for(user: User, case_id: int, *, lock: bool = False) -> Case:
    """The case if it belongs to the user's organisation; NotFound otherwise (never a 403,
    which would confirm that another organisation's case exists)."""
    query = select(Case).where(Case.id == case_id)
    if lock:
        query = query.with_for_update()
    case = db.session.scalar(query)
    if case is None or user.organisation_id is None or case.organisation_id != user.organisation_id:
        raise NotFound(N_("There is no such case."))
    return case


def open_case(complaint: Complaint) -> Case:
    """A new complaint becomes a case of its handling organisation (in the caller's
    transaction), with its first clock running."""
    case = Case(organisation=complaint.organisation, complaint=complaint, state=domain.RECEIVED,
                opened_at=complaint.received_at, sector=complaint.sector,
                complainant_country=complaint.complainant_country,
                filer_type=complaint.filer_type,
                rights_mask=domain.rights_mask(complaint.rights_dimensions))
    db.session.add(case)
    clocks.advance(case, domain.RECEIVED, complaint.received_at.date())
    db.session.flush()
    return case


def open_claim_case(claim_id: int, organisation, *, sector: str, complainant_country: str,
                    rights) -> Case:
    """The case of a new collective claim (in the caller's transaction): it goes through the
    same workflow as a complaint's case."""
    case = Case(organisation=organisation, collective_claim_id=claim_id, state=domain.RECEIVED,
                sector=sector, complainant_country=complainant_country,
                filer_type="collective_claim", rights_mask=domain.rights_mask(rights))
    db.session.add(case)
    clocks.advance(case, domain.RECEIVED, utcnow().date())
    db.session.flush()
    return case


def _text(value, name, limit=20_000, required=False) -> str | None:
    text, problem = checked_text(value if isinstance(value, str) else None, limit=limit,
                                 required=required)
    if problem is not None:
        raise ValidationFailed(N_("Some answers need attention."), {name: [problem]})
    return text


def _complainant_hears(case: Case, kind: str, body: str | None = None, data: dict | None = None,
                       email: str | None = None) -> None:
    if case.complaint is not None:
        tell_complainant(case.complaint, kind, body=body, data=data, email=email)


def apply_transition(case: Case, target: str, *, user: User | None = None,
                     actor: str = domain.STAFF, reason: str | None = None,
                     other_bodies: str | None = None, today: date | None = None,
                     commit_now: bool = True) -> Case:
    """Move a case, if the workflow allows this actor and role to; see `domain.next_transition`.

    A closing step by a caseworker waits for a supervisor when the organisation requires
    approval. The complainant sees the step (and its reason) on their timeline.
    """
    reason = _text(reason, "reason", 5_000)
    role = user.role if user else None
    transition = domain.next_transition(case.state, target, actor=actor, role=role, reason=reason)
    if domain.needs_approval(transition, role, case.organisation.closure_needs_approval):
        case.pending_state, case.pending_reason, case.pending_by = target, reason, user
        if target == domain.INADMISSIBLE:
            case.other_bodies = _text(other_bodies, "other_bodies", 5_000)
        audit.record("case.closure_requested", actor=actor_of(user), subject_type="case",
                     subject_id=case.id, organisation_id=case.organisation_id,
                     old={"state": case.state}, new={"state": target}, reason=reason)
        if commit_now:
            commit()
        return case
    _move(case, transition, actor=actor_of(user) if actor == domain.STAFF else actor,
          reason=reason, other_bodies=other_bodies, today=today or utcnow().date())
    if commit_now:
        commit()
    return case


def _move(case: Case, transition: domain.Transition, *, actor: str, reason: str | None,
          other_bodies: str | None = None, today: date, approved_by: User | None = None) -> None:
    old = case.state
    case.state = transition.target
    case.pending_state = case.pending_reason = case.pending_by_id = None
    if transition.closes:
        case.closed_at = utcnow()
    elif old in domain.FINAL:
        case.closed_at = None
    if transition.target == domain.INADMISSIBLE:
        case.other_bodies = _text(other_bodies, "other_bodies", 5_000) or case.other_bodies
    clocks.advance(case, transition.target, today)
    case.decisions.append(CaseDecision(from_state=old, to_state=transition.target, actor=actor,
                                       reason=reason, approved_by_id=approved_by.id if approved_by else None))
    audit.record("case.transition", actor=actor, subject_type="case", subject_id=case.id,
                 organisation_id=case.organisation_id, old={"state": old},
                 new={"state": transition.target}, reason=reason)
    if transition.actor == domain.STAFF:
        data = {"to": transition.target}
        if transition.target == domain.INADMISSIBLE and case.other_bodies:
            data["other_bodies"] = case.other_bodies
        _complainant_hears(case, "state_changed", body=reason, data=data,
                           email="case_update" if transition.target != domain.TRIAGE else None)


def close_as_duplicate(case: Case, original: Case, user: User, *, reason: str) -> Case:
    """Close a case as a duplicate of `original` (in the caller's transaction): linked to it,
    and the complainant is told where the original is."""
    transition = domain.duplicate_closure(case.state, user.role)
    case.duplicate_of_id = original.id
    _move(case, transition, actor=actor_of(user), reason=_text(reason, "reason", 5_000),
          today=utcnow().date())
    return case


def decide_pending(case: Case, supervisor: User, *, approve: bool, reason: str | None = None) -> Case:
    """A supervisor approves or turns down a closing step a caseworker asked for."""
    if not accounts_domain.at_least(supervisor.role, accounts_domain.SUPERVISOR):
        raise NotFound(N_("There is no such case."))
    if case.pending_state is None:
        raise ValidationFailed(N_("Nothing is waiting for approval on this case."))
    transition = domain.next_transition(case.state, case.pending_state, role=supervisor.role,
                                        reason=case.pending_reason)
    if approve:
        _move(case, transition, actor=f"user:{case.pending_by_id}", reason=case.pending_reason,
              other_bodies=case.other_bodies, today=utcnow().date(), approved_by=supervisor)
        audit.record("case.closure_approved", actor=actor_of(supervisor), subject_type="case",
                     subject_id=case.id, organisation_id=case.organisation_id)
    else:
        audit.record("case.closure_refused", actor=actor_of(supervisor), subject_type="case",
                     subject_id=case.id, organisation_id=case.organisation_id,
                     reason=_text(reason, "reason", 5_000))
        case.pending_state = case.pending_reason = case.pending_by_id = None
    commit()
    return case


def assign_cases(user: User, case_ids: list[int], assignee_id: int | None) -> int:
    """Assign one or many of the organisation's cases to one of its staff (or to nobody)."""
    assignee = None
    if assignee_id is not None:
        assignee = db.session.get(User, assignee_id)
        if assignee is None or assignee.organisation_id != user.organisation_id or not assignee.active:
            raise ValidationFailed(N_("Some answers need attention."),
                                   {"assignee": [N_("Choose someone of your organisation.")]})
    changed = 0
    for case_id in dict.fromkeys(case_ids):
        case = case_for(user, case_id)
        if case.assignee_id != assignee_id:
            audit.record("case.assigned", actor=actor_of(user), subject_type="case",
                         subject_id=case.id, organisation_id=case.organisation_id,
                         old={"assignee": case.assignee_id}, new={"assignee": assignee_id})
            case.assignee = assignee
            changed += 1
    commit()
    return changed


def set_priority(user: User, case: Case, priority: int) -> None:
    if priority not in PRIORITIES:
        raise ValidationFailed(N_("Some answers need attention."),
                               {"priority": [N_("Choose only from the options given.")]})
    if case.priority != priority:
        audit.record("case.priority", actor=actor_of(user), subject_type="case", subject_id=case.id,
                     organisation_id=case.organisation_id, old={"priority": case.priority},
                     new={"priority": priority})
        case.priority = priority
    commit()


def add_note(user: User, case: Case, body: str) -> CaseNote:
    note = CaseNote(author=user, body=_text(body, "body", required=True))
    case.notes.append(note)
    db.session.flush()
    audit.record("case.note_added", actor=actor_of(user), subject_type="case", subject_id=case.id,
                 organisation_id=case.organisation_id, new={"note": note.id})
    commit()
    return note


def message_complainant(user: User, case: Case, body: str) -> None:
    """A message the complainant reads on the tracking page (and is told of by email)."""
    if case.complaint is None:
        raise ValidationFailed(N_("This case has no complainant to write to."))
    add_staff_message(case.complaint, user, body)


def _parse_remedy(remedy_type, status, due_on, follow_up) -> dict:
    fields = {}
    if remedy_type not in REMEDIES:
        fields["remedy_type"] = [N_("Choose only from the options given.")]
    if status not in REMEDY_STATUSES:
        fields["status"] = [N_("Choose only from the options given.")]
    due = None
    if due_on:
        try:
            due = due_on if isinstance(due_on, date) else date.fromisoformat(str(due_on))
        except ValueError:
            fields["due_on"] = [N_("Write the date as year-month-day, like 2025-03-31.")]
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return {"remedy_type": remedy_type, "status": status, "due_on": due,
            "follow_up": _text(follow_up, "follow_up", 5_000)}


def put_remedy(case: Case, *, actor: str, remedy_type, status="sought", due_on=None,
               follow_up=None, offered_by: str = "staff") -> Remedy:
    """A remedy on the case, in the caller's transaction: by staff, or offered by the
    respondent in its answer. The complainant hears of one that is on the table."""
    remedy = Remedy(**_parse_remedy(remedy_type, status, due_on, follow_up), offered_by=offered_by)
    case.remedies.append(remedy)
    case.updated_at = utcnow()  # the observatory counts remedies with their case
    db.session.flush()
    audit.record("remedy.added", actor=actor, subject_type="case", subject_id=case.id,
                 organisation_id=case.organisation_id,
                 new={"remedy": remedy.id, "type": remedy.remedy_type, "status": remedy.status,
                      "offered_by": offered_by})
    if status in ("proposed", "agreed", "implemented"):
        _complainant_hears(case, "remedy_update", data={"type": remedy.remedy_type, "status": status})
    return remedy


def add_remedy(user: User, case: Case, *, remedy_type, status="sought", due_on=None,
               follow_up=None) -> Remedy:
    remedy = put_remedy(case, actor=actor_of(user), remedy_type=remedy_type, status=status,
                        due_on=due_on, follow_up=follow_up)
    commit()
    return remedy


def flag_attention(case: Case, reason: str) -> None:
    """Put the case in front of its caseworker again (in the caller's transaction)."""
    if reason not in domain.ATTENTION_REASONS:
        raise ValueError(f"unknown attention reason {reason!r}")
    case.attention_reason, case.attention_since = reason, utcnow()


def clear_attention(user: User, case: Case) -> None:
    """A caseworker has seen what needed attention."""
    if case.attention_reason is not None:
        audit.record("case.attention_cleared", actor=actor_of(user), subject_type="case",
                     subject_id=case.id, organisation_id=case.organisation_id,
                     old={"attention": case.attention_reason})
        case.attention_reason = case.attention_since = None
    commit()


def update_remedy(user: User, case: Case, remedy_id: int, *, status, due_on=None,
                  follow_up=None) -> Remedy:
    remedy = next((r for r in case.remedies if r.id == remedy_id), None)
    if remedy is None:
        raise NotFound(N_("There is no such remedy."))
    values = _parse_remedy(remedy.remedy_type, status, due_on, follow_up)
    old = {"status": remedy.status}
    remedy.status, remedy.due_on, remedy.follow_up = values["status"], values["due_on"], values["follow_up"]
    case.updated_at = utcnow()  # the observatory counts remedies with their case
    audit.record("remedy.updated", actor=actor_of(user), subject_type="case", subject_id=case.id,
                 organisation_id=case.organisation_id, old=old,
                 new={"remedy": remedy.id, "status": remedy.status})
    if old["status"] != remedy.status:
        _complainant_hears(case, "remedy_update", data={"type": remedy.remedy_type,
                                                        "status": remedy.status})
    commit()
    return remedy


def record_contact_view(user: User, case: Case) -> None:
    """Seeing a complainant's contact details is itself audited."""
    audit.record("case.contact_viewed", actor=actor_of(user), subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id)
    commit()


def record_evidence_download(user: User, case: Case, evidence_id: int) -> None:
    audit.record("evidence.downloaded", actor=actor_of(user), subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id,
                 new={"evidence": evidence_id})
    commit()


def record_export(user: User, filters: dict) -> None:
    """An export of the queue is audited with the filters that chose its rows."""
    audit.record("cases.exported", actor=actor_of(user), subject_type="organisation",
                 subject_id=user.organisation_id, organisation_id=user.organisation_id,
                 new=filters)
    commit()


def staff_of(organisation_id: int) -> list[User]:
    return db.session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
        .order_by(User.name, User.email)
    ).all()


# --- data protection ----------------------------------------------------------------------------


def export_complainant_data(user: User, case: Case) -> dict:
    """A supervisor answers a subject access request: the complainant's data as JSON."""
    if not accounts_domain.at_least(user.role, accounts_domain.SUPERVISOR):
        raise NotFound(N_("There is no such case."))
    if case.complaint is None:
        raise NotFound(N_("There is no such case."))
    audit.record("case.data_exported", actor=actor_of(user), subject_type="case",
                 subject_id=case.id, organisation_id=case.organisation_id)
    commit()
    return {"case": {"id": case.id, "state": case.state, "organisation": case.organisation.slug},
            "complaint": complainant_data(case.complaint)}


def erase_complainant_data(case: Case, *, user: User | None = None, reason: str | None) -> bool:
    """Erase the complainant's personal data on request (a supervisor) or at the end of the
    retention period (the system). An anonymised shell stays, so that statistics and the
    audit chain hold. Returns False if the case was already anonymised."""
    if user is not None and not accounts_domain.at_least(user.role, accounts_domain.SUPERVISOR):
        raise NotFound(N_("There is no such case."))
    reason = _text(reason, "reason", 2_000, required=user is not None)
    if case.anonymised_at is not None:
        return False
    orphaned = anonymise_complaint(case.complaint) if case.complaint else []
    for note in case.notes:
        note.body = ERASED
    for decision in case.decisions:
        decision.reason = ERASED if decision.reason else None
    for remedy in case.remedies:
        remedy.follow_up = ERASED if remedy.follow_up else None
        remedy.complainant_comment = ERASED if remedy.complainant_comment else None
    case.pending_reason = ERASED if case.pending_reason else None
    case.other_bodies = ERASED if case.other_bodies else None
    case.anonymised_at = utcnow()
    audit.record("case.erased", actor=actor_of(user), subject_type="case", subject_id=case.id,
                 organisation_id=case.organisation_id, reason=reason)
    evidence_store().delete_when_committed(orphaned)
    commit()
    return True


def update_case_settings(admin: User, *, clock_settings: dict, closure_needs_approval: bool) -> None:
    """An organisation admin sets the lengths and units of their clocks and whether closing a
    case needs a supervisor. Running clocks keep their due dates; new ones use the settings."""
    if not accounts_domain.at_least(admin.role, accounts_domain.ORG_ADMIN):
        raise NotFound(N_("There is no such page."))
    organisation = admin.organisation
    settings = domain.parse_clock_settings(clock_settings)
    old = {"clocks": organisation.clock_lengths, "approval": organisation.closure_needs_approval}
    organisation.clock_lengths = settings
    organisation.closure_needs_approval = bool(closure_needs_approval)
    audit.record("organisation.case_settings", actor=actor_of(admin), subject_type="organisation",
                 subject_id=organisation.id, organisation_id=organisation.id, old=old,
                 new={"clocks": settings, "approval": organisation.closure_needs_approval})
    commit()
