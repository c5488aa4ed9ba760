"""The read side of casework: the queue with its filters, sorting, full-text search and
pages, the CSV export, and the supervisors' workload figures. Every query is scoped to the
reader's organisation first."""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, literal_column, or_, select, text
from sqlalchemy import case as sql_case
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from remedy.accounts.models import User
from remedy.cases import domain
from remedy.cases.models import Case
from remedy.core.codes import normalise_country
from remedy.core.db import as_id, utcnow
from remedy.core.errors import ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import clean_line
from remedy.core.vocabulary import FILER_TYPES, RIGHTS_DIMENSIONS, SECTORS
from remedy.extensions import db
from remedy.intake.models import Complaint

SORTS = ("deadline", "age", "priority", "newest")


@dataclass(frozen=True)
class Reader:
    """Who reads the queue, as plain values (a User works too)."""

    id: int
    organisation_id: int
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class QueueFilters:
    states: tuple[str, ...] = ()
    sector: str | None = None
    rights_dimension: str | None = None
    country: str | None = None
    filer_type: str | None = None
    assignee: str | None = None  # a user id, "me" or "none"
    overdue: bool = False
    # True: complaints made for many people (a group, or an organisation under a mandate),
    # collective claims, and complaints that joined one; False: the others.
    collective: bool | None = None
    # Only cases something happened on that a caseworker has not seen yet.
    attention: bool = False
    # "waiting": an answer of the respondent is awaited; "late": and its date has passed.
    respondent: str | None = None
    q: str = ""
    sort: str = "deadline"
    page: int = 1
    per_page: int = 20
    open_only: bool = field(default=True)

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links and the CSV export)."""
        args = {"state": list(self.states), "sector": self.sector,
                "rights_dimension": self.rights_dimension, "country": self.country,
                "filer_type": self.filer_type, "assignee": self.assignee,
                "overdue": "1" if self.overdue else None, "q": self.q or None,
                "collective": {True: "1", False: "0", None: None}[self.collective],
                "attention": "1" if self.attention else None, "respondent": self.respondent,
                "sort": self.sort if self.sort != "deadline" else None}
        return {k: v for k, v in args.items() if v not in (None, [], "")}


def parse_filters(args: Mapping) -> QueueFilters:
    """Query-string arguments (a MultiDict or a plain dict) as filters, or ValidationFailed
    naming the argument that is wrong."""
    def get(name):
        value = args.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def get_list(name):
        values = args.getlist(name) if hasattr(args, "getlist") else args.get(name) or []
        values = [values] if isinstance(values, str) else values
        return [v for part in values for v in str(part).split(",") if v.strip()]

    fields = {}
    states = tuple(get_list("state"))
    if any(s not in domain.STATES for s in states):
        fields["state"] = [N_("Choose only from the options given.")]
    checks = (("sector", SECTORS), ("rights_dimension", RIGHTS_DIMENSIONS), ("filer_type", FILER_TYPES))
    values = {}
    for name, allowed in checks:
        values[name] = get(name)
        if values[name] and values[name] not in allowed:
            fields[name] = [N_("Choose only from the options given.")]
    country = get("country")
    if country and not normalise_country(country):
        fields["country"] = [N_("This is not a country code we know (use two letters, like DK).")]
    assignee = get("assignee")
    if assignee and assignee not in ("me", "none") and as_id(assignee) is None:
        fields["assignee"] = [N_("Choose only from the options given.")]
    sort = get("sort") or "deadline"
    if sort not in SORTS:
        fields["sort"] = [N_("Choose only from the options given.")]
    page, per_page = get("page") or "1", get("per_page") or "20"
    if as_id(page) is None:
        fields["page"] = [N_("Write a whole number.")]
    if as_id(per_page) is None or not 1 <= int(per_page) <= MAX_PER_PAGE:
        fields["per_page"] = [N_("Write a whole number between 1 and 100.")]
    collective_arg = (get("collective") or "").lower()
    if collective_arg and collective_arg not in ("1", "0", "true", "false", "yes", "no"):
        fields["collective"] = [N_("Choose only from the options given.")]
    collective = None if not collective_arg else collective_arg in ("1", "true", "yes")
    respondent = get("respondent")
    if respondent and respondent not in ("waiting", "late"):
        fields["respondent"] = [N_("Choose only from the options given.")]
    q = clean_line(get("q") or "")[:200]  # no NUL or control characters reach the index
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return QueueFilters(
        states=states, sector=values["sector"], rights_dimension=values["rights_dimension"],
        country=normalise_country(country) if country else None, filer_type=values["filer_type"],
        assignee=assignee, overdue=(get("overdue") or "").lower() in ("1", "true", "yes", "on"),
        collective=collective, respondent=respondent,
        attention=(get("attention") or "").lower() in ("1", "true", "yes", "on"), q=q, sort=sort, page=int(page), per_page=int(per_page),
        open_only=not states and (get("include_closed") or "") not in ("1", "true", "on"),
    )


def _text_match(q: str, organisation_id: int):
    """Full-text search of title and narrative, within one organisation's complaints:
    PostgreSQL's GIN index, or SQLite's FTS5 table."""
    if db.engine.dialect.name == "postgresql":
        return and_(Complaint.organisation_id == organisation_id,
                    literal_column("complaints.search_vector").op("@@")(
                        func.websearch_to_tsquery("simple", q)))
    terms = " ".join('"' + term.replace('"', '""') + '"' for term in q.split())
    return Complaint.id.in_(
        select(literal_column("rowid")).select_from(text("complaints_fts"))
        .where(text("complaints_fts MATCH :terms").bindparams(terms=terms))
    )


def _needs_complaints(f: QueueFilters) -> bool:
    return bool(f.q)


def _filtered(user, f: QueueFilters, today: date, *, join_complaints: bool):
    """The cases the filters choose. Everything but the text search is a column of `cases`
    (in an index led by the organisation), so counting needs no join."""
    query = select(Case).where(Case.organisation_id == user.organisation_id)
    if join_complaints:  # outer: a collective claim's case has no complaint of its own
        query = query.outerjoin(Case.complaint)
    if f.states:
        query = query.where(Case.state.in_(f.states))
    elif f.open_only:
        query = query.where(Case.state.in_(domain.OPEN))
    if f.sector:
        query = query.where(Case.sector == f.sector)
    if f.country:
        query = query.where(Case.complainant_country == f.country)
    if f.filer_type:
        query = query.where(Case.filer_type == f.filer_type)
    if f.collective is not None:
        many = or_(Case.filer_type.in_(("group", "representative_org", "collective_claim")),
                   Case.member_of_claim_id.is_not(None))
        query = query.where(many if f.collective else ~many)
    if f.assignee == "me":
        query = query.where(Case.assignee_id == user.id)
    elif f.assignee == "none":
        query = query.where(Case.assignee_id.is_(None))
    elif f.assignee:
        query = query.where(Case.assignee_id == int(f.assignee))
    if f.overdue:
        query = query.where(Case.next_due_on < today)
    if f.attention:
        query = query.where(Case.attention_since.is_not(None))
    if f.respondent == "waiting":
        query = query.where(Case.respondent_due_on.is_not(None))
    elif f.respondent == "late":
        query = query.where(Case.respondent_due_on < today)
    if f.rights_dimension:
        bit = domain.RIGHTS_BITS[f.rights_dimension]
        query = query.where(Case.rights_mask.op("&")(bit) != 0)
    if f.q:
        query = query.where(_text_match(f.q, user.organisation_id))
    return query


def _ordered(query, sort: str):
    """Orders that the queue indexes serve (NULLS LAST is PostgreSQL's ascending default)."""
    due = Case.next_due_on.asc().nulls_last()
    orders = {
        "deadline": (due, Case.priority, Case.id),
        "age": (Case.opened_at, Case.id),
        "newest": (Case.opened_at.desc(), Case.id.desc()),
        "priority": (Case.priority, due, Case.id),
    }
    return query.order_by(*orders[sort])


# A text search counts its matches up to here ("1,000+"): an exact count of a common word
# would read every matching complaint, and nobody pages through a thousand results.
SEARCH_COUNT_CAP = 1000


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _count(user, f: QueueFilters, today: date) -> tuple[int, bool]:
    """How many cases match; for a text search, at most SEARCH_COUNT_CAP (and whether the
    cap was reached)."""
    base = _filtered(user, f, today, join_complaints=_needs_complaints(f)).with_only_columns(Case.id)
    if f.q:
        capped = db.session.scalar(select(func.count()).select_from(
            base.limit(SEARCH_COUNT_CAP + 1).subquery()))
        return min(capped, SEARCH_COUNT_CAP), capped > SEARCH_COUNT_CAP
    return db.session.scalar(select(func.count()).select_from(base.subquery())) or 0, False


def queue(user, f: QueueFilters) -> Page:
    today = utcnow().date()
    total, capped = _count(user, f, today)
    items = db.session.scalars(
        _ordered(_filtered(user, f, today, join_complaints=True), f.sort)
        .options(contains_eager(Case.complaint), joinedload(Case.assignee))
        .limit(f.per_page).offset((f.page - 1) * f.per_page)
    ).unique().all()
    return Page(items=items, total=total, page=f.page, per_page=f.per_page, total_capped=capped)


# --- export ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: prefix a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


EXPORT_COLUMNS = ("reference", "state", "opened", "next_due", "assignee", "priority",
                  "filer_type", "sector", "rights_dimensions", "complainant_country",
                  "ai_system", "deployer", "title")


def export_rows(user: User, f: QueueFilters):
    """Every case the filters match (no paging), as CSV text in chunks."""
    today = utcnow().date()
    query = _ordered(_filtered(user, f, today, join_complaints=True)
                     .where(Case.complaint_id.is_not(None)), f.sort).options(
        contains_eager(Case.complaint), joinedload(Case.assignee))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for case in db.session.scalars(query.execution_options(yield_per=500)):
        complaint = case.complaint
        writer.writerow([spreadsheet_safe(v) for v in (
            complaint.reference, case.state, case.opened_at.date().isoformat(),
            case.next_due_on.isoformat() if case.next_due_on else "",
            case.assignee.email if case.assignee else "", case.priority, complaint.filer_type,
            complaint.sector, " ".join(complaint.rights_dimensions or []),
            complaint.complainant_country, complaint.ai_system_as_named,
            complaint.deployer_as_named or "", complaint.title)])
        count += 1
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- supervisors ------------------------------------------------------------------------------


def workload(user: User) -> list[dict]:
    """Per caseworker (and unassigned): open cases, overdue cases, oldest open case's age."""
    today = utcnow().date()
    overdue = func.sum(sql_case((Case.next_due_on < today, 1), else_=0))
    rows = db.session.execute(
        select(Case.assignee_id, func.count(Case.id), overdue, func.min(Case.opened_at))
        .where(Case.organisation_id == user.organisation_id, Case.state.in_(domain.OPEN))
        .group_by(Case.assignee_id)
    ).all()
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.organisation_id == user.organisation_id)).all()}
    now = utcnow()
    result = [{
        "assignee": people.get(assignee_id), "open": open_count, "overdue": int(late or 0),
        "oldest_days": (now - oldest).days if oldest else 0,
    } for assignee_id, open_count, late, oldest in rows]
    return sorted(result, key=lambda r: (-r["overdue"], -r["open"]))


def pending_approvals(user: User) -> list[Case]:
    return db.session.scalars(
        select(Case).where(Case.organisation_id == user.organisation_id,
                           Case.pending_state.is_not(None))
        .options(selectinload(Case.complaint)).order_by(Case.updated_at)
    ).all()


def state_counts(user: User) -> dict[str, int]:
    rows = db.session.execute(
        select(Case.state, func.count()).where(Case.organisation_id == user.organisation_id)
        .group_by(Case.state)).all()
    return dict(rows)


