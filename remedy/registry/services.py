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
from remedy.extensions import db
from remedy.jobs import commit
from remedy.registry.domain import name_key, parse_respondent_changes
from remedy.registry.models import AISystem, RegistryAlias, Respondent


def _find_by_alias(model, alias_column, key: str):
    """The registry entry one of whose aliases has this key, or None."""
    return db.session.scalar(
        select(model).join(RegistryAlias, alias_column == model.id)
        .where(RegistryAlias.key == key).limit(1)
    )


def resolve_respondent(name: str, kind: str, country: str | None = None) -> Respondent | None:
    """The respondent this name stands for; a new entry if the name was never seen.

    A country the filer gave fills the main establishment only while the registry has none:
    staff corrections always win over what a filer believes.
    """
    if not name:
        return None
    key = name_key(name)
    respondent = _find_by_alias(Respondent, RegistryAlias.respondent_id, key)
    if respondent is None:
        respondent = Respondent(name=name, kind=kind, main_establishment_country=country)
        db.session.add(respondent)
        db.session.add(RegistryAlias(respondent=respondent, alias=name, key=key))
        db.session.flush()
    elif country and not respondent.main_establishment_country:
        respondent.main_establishment_country = country
    return respondent


def resolve_ai_system(name: str, provider: Respondent | None = None) -> AISystem:
    """The AI system this name stands for; a new entry if the name was never seen."""
    key = name_key(name)
    system = _find_by_alias(AISystem, RegistryAlias.ai_system_id, key)
    if system is None:
        system = AISystem(name=name, provider_id=provider.id if provider else None)
        db.session.add(system)
        db.session.add(RegistryAlias(ai_system=system, alias=name, key=key))
        db.session.flush()
    elif provider is not None and system.provider_id is None:
        system.provider_id = provider.id
    return system


# --- staff reading and correcting the registry ------------------------------------------------


def search_respondents(q: str | None, *, page: int = 1, per_page: int = 20):
    """Respondents whose name or an alias contains `q` (compared as keys), with paging."""
    query = select(Respondent)
    if q and q.strip():
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
                db.session.add(RegistryAlias(respondent=found, alias=alias, key=key))
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
