"""Resolve what a filer typed to registry entries, creating entries for new names.

Callers own the transaction: these functions add and flush, never commit.
"""

from sqlalchemy import select

from remedy.extensions import db
from remedy.registry.domain import name_key
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
