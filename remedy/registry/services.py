"""Resolve what a filer typed to registry entries, creating entries for new names.

The resolve functions work inside the caller's transaction (add and flush, never commit);
the staff corrections at the end are units of work of their own.
"""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import Forbidden

from remedy.accounts.domain import SUPERVISOR, at_least
from remedy.core import audit
from remedy.core.errors import Conflict, NotFound
from remedy.core.messages import N_
from remedy.core.text import clean_line
from remedy.extensions import db
from remedy.jobs import commit
from remedy.registry import signals
from remedy.registry.domain import parse_respondent_changes
from remedy.registry.models import AISystem, RegistryAlias, Respondent
from remedy.registry.names import (
    FUZZY_MIN_LENGTH,
    fuzzy_prefix,
    fuzzy_same,
    is_decisive,
    match_key,
    name_key,
    relatedness,
    similarity,
)

FUZZY_CANDIDATES = 200


def _find(model, alias_column, name: str):
    """The registry entry this name stands for, and whether the name is new to it:
    (entry, learned) or (None, False). Tried in order: the exact key; the match key
    (legal forms, accents, look-alike letters) when it is long enough to decide; a fuzzy match
    of long names among those whose match key starts alike (typing mistakes)."""
    key, loose = name_key(name), match_key(name)
    base = select(model).join(RegistryAlias, alias_column == model.id)
    found = db.session.scalar(base.where(RegistryAlias.key == key).limit(1))
    if found is not None or not is_decisive(loose):
        return found, False
    found = db.session.scalar(base.where(RegistryAlias.match_key == loose)
                              .order_by(model.id).limit(1))
    if found is not None:
        return found, True
    prefix = fuzzy_prefix(loose)
    if len(loose) < FUZZY_MIN_LENGTH or len(prefix) < 3:
        return None, False
    rows = db.session.execute(
        select(alias_column, RegistryAlias.match_key).where(
            alias_column.is_not(None), RegistryAlias.match_key.startswith(prefix[:3],
                                                                         autoescape=True))
        .limit(FUZZY_CANDIDATES)).all()
    best = max(((similarity(loose, other), entry_id) for entry_id, other in rows
                if fuzzy_same(loose, other)), default=None)
    if best is None:
        return None, False
    return db.session.get(model, best[1]), True


def _alias(name: str, source: str = "typed", **entry) -> RegistryAlias:
    return RegistryAlias(alias=name[:200], key=name_key(name)[:200],
                         match_key=match_key(name), source=source, **entry)


def resolve_respondent(name: str, kind: str, country: str | None = None) -> Respondent | None:
    """The respondent this name stands for; a new entry if the name was never seen. A new
    way of writing a known name is learned as an alias (the complaint keeps what was typed).

    A country the filer gave fills the main establishment only while the registry has none:
    staff corrections always win over what a filer believes.
    """
    if not name:
        return None
    respondent, learned = _find(Respondent, RegistryAlias.respondent_id, name)
    if respondent is None:
        respondent = Respondent(name=name, kind=kind, main_establishment_country=country)
        db.session.add(respondent)
        db.session.add(_alias(name, respondent=respondent))
        db.session.flush()
        return respondent
    if learned:
        db.session.add(_alias(name, "learned", respondent=respondent))
    if country and not respondent.main_establishment_country:
        respondent.main_establishment_country = country
    return respondent


def resolve_ai_system(name: str, provider: Respondent | None = None) -> AISystem:
    """The AI system this name stands for; a new entry if the name was never seen (a new
    way of writing a known one is learned as an alias)."""
    system, learned = _find(AISystem, RegistryAlias.ai_system_id, name)
    if system is None:
        system = AISystem(name=name, provider_id=provider.id if provider else None)
        db.session.add(system)
        db.session.add(_alias(name, ai_system=system))
        db.session.flush()
        return system
    if learned:
        db.session.add(_alias(name, "learned", ai_system=system))
    if provider is not None and system.provider_id is None:
        system.provider_id = provider.id
    return system


# --- staff reading and correcting the registry ------------------------------------------------


def search_respondents(q: str | None, *, page: int = 1, per_page: int = 20):
    """Respondents whose name or an alias contains `q` (compared as keys), with paging."""
    query = select(Respondent)
    q = clean_line(q or "")  # what a person could type: no NUL or control characters
    if q:
        query = query.where(or_(
            Respondent.id.in_(select(RegistryAlias.respondent_id).where(
                RegistryAlias.key.contains(name_key(q), autoescape=True))),
            func.lower(Respondent.name).contains(q.strip().lower(), autoescape=True),
        ))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(query.options(selectinload(Respondent.aliases))
                               .order_by(Respondent.name, Respondent.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return items, total


def respondent(respondent_id: int) -> Respondent:
    found = db.session.get(Respondent, respondent_id)
    if found is None:
        raise NotFound(N_("There is no such respondent."))
    return found


def update_respondent(user, respondent_id: int, data) -> Respondent:
    """A supervisor or organisation admin corrects a respondent: main establishment, public
    authority, contact, kind, aliases (the list given replaces the old one). An alias that
    already names another respondent is refused: merging entries is a decision of its own."""
    if not at_least(user.role, SUPERVISOR):
        raise Forbidden()
    found = respondent(respondent_id)
    changes = parse_respondent_changes(data)
    old = {k: getattr(found, k) for k in changes if k != "aliases"}
    if "aliases" in changes:
        wanted = {name_key(a): a for a in changes.pop("aliases")}
        taken = db.session.scalars(select(RegistryAlias).where(
            RegistryAlias.key.in_(wanted), RegistryAlias.respondent_id != found.id,
            RegistryAlias.respondent_id.is_not(None))).all()
        if taken:
            raise Conflict(N_("This name already belongs to another respondent."),
                           {"aliases": [N_("This name already belongs to another respondent.")]})
        old["aliases"] = sorted(a.alias for a in found.aliases)
        for alias in list(found.aliases):
            if alias.key not in wanted:
                db.session.delete(alias)
        have = {a.key for a in found.aliases}
        for key, alias in wanted.items():
            if key not in have:
                db.session.add(_alias(alias, "staff", respondent=found))
        changes_for_audit = {"aliases": sorted(wanted.values())}
    else:
        changes_for_audit = {}
    for name, value in changes.items():
        setattr(found, name, value)
    audit.record("registry.respondent_updated", actor=f"user:{user.id}", subject_type="respondent",
                 subject_id=found.id, organisation_id=user.organisation_id, old=old,
                 new={**changes, **changes_for_audit})
    commit()
    return found


def systems_of(found: Respondent) -> list[AISystem]:
    """The AI systems this respondent provides."""
    return systems_by_provider([found.id]).get(found.id, [])


def systems_by_provider(provider_ids: list[int]) -> dict[int, list[AISystem]]:
    """The AI systems of several respondents, in one query (for lists)."""
    result: dict[int, list[AISystem]] = {}
    if provider_ids:
        for system in db.session.scalars(
                select(AISystem).where(AISystem.provider_id.in_(provider_ids))
                .options(selectinload(AISystem.aliases)).order_by(AISystem.name)):
            result.setdefault(system.provider_id, []).append(system)
    return result


# --- merging and splitting entries ------------------------------------------------------------

KINDS = {"respondent": (Respondent, "respondent_id"), "ai_system": (AISystem, "ai_system_id")}


def _entry(kind: str, entry_id: int):
    model, _ = KINDS[kind]
    found = db.session.get(model, entry_id)
    if found is None:
        raise NotFound(N_("There is no such entry in the registry."))
    return found


def merge_entries(user, kind: str, source_id: int, target_id: int):
    """Two entries are one organisation (or one AI system): the source's names, complaints,
    requests and claims move to the target, and the source goes. Every complaint keeps what
    its filer typed."""
    if not at_least(user.role, SUPERVISOR):
        raise Forbidden()
    if source_id == target_id:
        raise Conflict(N_("Choose two different entries."),
                       {"target": [N_("Choose two different entries.")]})
    source, target = _entry(kind, source_id), _entry(kind, target_id)
    _, column = KINDS[kind]
    for alias in db.session.scalars(select(RegistryAlias).where(
            getattr(RegistryAlias, column) == source.id)):
        setattr(alias, column, target.id)
    if kind == "respondent":
        for system in db.session.scalars(select(AISystem).where(AISystem.provider_id == source.id)):
            system.provider_id = target.id
        for name in ("main_establishment_country", "contact_email"):
            if getattr(target, name) is None:
                setattr(target, name, getattr(source, name))
    elif target.provider_id is None:
        target.provider_id = source.provider_id
    db.session.flush()
    signals.entries_merged.send(kind, source_id=source.id, target_id=target.id)
    audit.record("registry.merged", actor=f"user:{user.id}", subject_type=kind,
                 subject_id=target.id, organisation_id=user.organisation_id,
                 old={"entry": source.id, "name": source.name}, new={"entry": target.id})
    db.session.delete(source)
    commit()
    return target


def split_entry(user, kind: str, entry_id: int, alias_ids: list[int], name: str | None = None):
    """Some names of an entry are another organisation (or AI system): they become a new
    entry, and the complaints that used them follow."""
    if not at_least(user.role, SUPERVISOR):
        raise Forbidden()
    found = _entry(kind, entry_id)
    model, column = KINDS[kind]
    aliases = [a for a in db.session.scalars(select(RegistryAlias).where(
        getattr(RegistryAlias, column) == found.id).order_by(RegistryAlias.id))]
    moving = [a for a in aliases if a.id in set(alias_ids)]
    if not moving or len(moving) == len(aliases):
        raise Conflict(N_("Choose some of the names, not none or all."),
                       {"aliases": [N_("Choose some of the names, not none or all.")]})
    new = (Respondent(name=(name or moving[0].alias)[:200], kind=found.kind)
           if kind == "respondent" else AISystem(name=(name or moving[0].alias)[:200],
                                                 provider_id=found.provider_id))
    db.session.add(new)
    db.session.flush()
    for alias in moving:
        setattr(alias, column, new.id)
    db.session.flush()
    signals.entry_split.send(kind, source_id=found.id, new_id=new.id,
                             keys=[a.key for a in moving])
    audit.record("registry.split", actor=f"user:{user.id}", subject_type=kind,
                 subject_id=found.id, organisation_id=user.organisation_id,
                 new={"entry": new.id, "names": [a.alias for a in moving]})
    commit()
    return new


def ai_system(system_id: int) -> AISystem:
    return _entry("ai_system", system_id)


def search_ai_systems(q: str | None, *, limit: int = 50) -> list[AISystem]:
    """AI systems whose name or an alias contains `q` (compared as keys)."""
    query = select(AISystem)
    if q and q.strip():
        query = query.where(AISystem.id.in_(select(RegistryAlias.ai_system_id).where(
            RegistryAlias.key.contains(name_key(q), autoescape=True))))
    return db.session.scalars(query.options(selectinload(AISystem.aliases))
                              .order_by(AISystem.name, AISystem.id).limit(limit)).all()


def add_alias(user, kind: str, entry_id: int, name: str) -> RegistryAlias:
    """Staff teach the registry another name of an entry (refused if it names another)."""
    if not at_least(user.role, SUPERVISOR):
        raise Forbidden()
    found = _entry(kind, entry_id)
    name = clean_line(name or "")
    if not 2 <= len(name) <= 200:
        raise Conflict(N_("Each name has 2 to 200 characters; 50 names at most."),
                       {"alias": [N_("Each name has 2 to 200 characters; 50 names at most.")]})
    _, column = KINDS[kind]
    other = db.session.scalar(select(RegistryAlias).where(
        RegistryAlias.key == name_key(name), getattr(RegistryAlias, column) != found.id,
        getattr(RegistryAlias, column).is_not(None)))
    if other is not None:
        raise Conflict(N_("This name already belongs to another entry: merge the two instead."),
                       {"alias": [N_("This name already belongs to another entry: merge the "
                                     "two instead.")]})
    alias = _alias(name, "staff", **{kind: found})
    db.session.add(alias)
    audit.record("registry.alias_added", actor=f"user:{user.id}", subject_type=kind,
                 subject_id=found.id, organisation_id=user.organisation_id, new={"alias": name})
    commit()
    return alias


SIMILAR_AT = 0.75


def similar_entries(kind: str, entry_id: int, limit: int = 10) -> list[tuple[object, float]]:
    """Other entries whose names are alike (by match key), best first: candidates for a
    merge. Compared only with names that start alike, so it stays cheap."""
    found = _entry(kind, entry_id)
    model, column = KINDS[kind]
    keys = {a.match_key for a in db.session.scalars(select(RegistryAlias).where(
        getattr(RegistryAlias, column) == found.id)) if a.match_key}
    prefixes = {fuzzy_prefix(k)[:2] for k in keys if len(fuzzy_prefix(k)) >= 2}
    scores: dict[int, float] = {}
    for prefix in prefixes:
        for other_id, other_key in db.session.execute(select(
                getattr(RegistryAlias, column), RegistryAlias.match_key).where(
                getattr(RegistryAlias, column).is_not(None),
                getattr(RegistryAlias, column) != found.id,
                RegistryAlias.match_key.startswith(prefix, autoescape=True)).limit(500)):
            best = max((relatedness(k, other_key) for k in keys), default=0.0)
            if best >= SIMILAR_AT:
                scores[other_id] = max(best, scores.get(other_id, 0.0))
    ranked = sorted(scores.items(), key=lambda item: -item[1])[:limit]
    return [(db.session.get(model, other_id), score) for other_id, score in ranked]
