"""The directory of authorities: local organisations are in it by themselves; others are
added by organisation admins, one by one or imported as JSON (the format of
`remedy directory-import`), and exported the same way."""

from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import Forbidden

from remedy.accounts.domain import ORG_ADMIN, SYSADMIN, at_least
from remedy.accounts.models import Organisation, User
from remedy.accounts.services import actor_of
from remedy.core import audit, vocabulary
from remedy.core.codes import country_codes
from remedy.core.db import as_id, utcnow
from remedy.core.errors import NotFound, ValidationFailed
from remedy.core.messages import N_, msg
from remedy.core.security import parse_json
from remedy.core.text import clean_line
from remedy.extensions import db
from remedy.federation import crypto
from remedy.jobs import commit
from remedy.referrals.models import Authority, AuthorityKey

INVALID = N_("Some answers need attention.")
TYPES = ("nhri", "dpa", "equality_body", "market_surveillance", "consumer_authority",
         "ombudsman", "civil_society", "other")
MAX_IMPORT = 2000


def ensure_local_entries() -> bool:
    """Every organisation of this installation is in the directory (in the caller's
    transaction). Whether any was added."""
    listed = set(db.session.scalars(select(Authority.local_organisation_id).where(
        Authority.local_organisation_id.is_not(None))))
    missing = [org for org in db.session.scalars(select(Organisation).order_by(Organisation.id))
               if org.id not in listed]
    for org in missing:
        db.session.add(Authority(
            name=org.name, country=org.country, org_type=org.org_type,
            sectors=list(org.sectors or []), rights_dimensions=list(org.rights_dimensions or []),
            languages=[], local_organisation_id=org.id, slug=org.slug,
            owner_organisation_id=org.id))
    db.session.flush()
    return bool(missing)


def trusted_by(organisation_id: int | None):
    """The condition of the entries an organisation uses and trusts: the installation's, its
    own, and the organisations of this installation."""
    return or_(Authority.owner_organisation_id.is_(None),
               Authority.owner_organisation_id == organisation_id,
               Authority.local_organisation_id.is_not(None))


def entries(organisation_id: int | None) -> list[Authority]:
    """The directory as an organisation sees it; organisations created since it was last
    read are added (and kept at once: a page shows their ids)."""
    if ensure_local_entries():
        commit()
    return db.session.scalars(select(Authority).where(trusted_by(organisation_id))
                              .options(selectinload(Authority.keys),
                                       selectinload(Authority.local_organisation))
                              .order_by(Authority.country, Authority.name)).all()


def authority(authority_id, organisation_id: int | None) -> Authority:
    """An entry the organisation sees; NotFound for any other."""
    found = db.session.scalar(select(Authority).where(
        Authority.id == as_id(authority_id), trusted_by(organisation_id))) if as_id(
        authority_id) else None
    if found is None:
        raise NotFound(N_("There is no such authority in the directory."))
    return found


def may_edit(user: User, entry: Authority) -> bool:
    """An organisation's admin edits what their organisation keeps (its own entry, those it
    added); a system administrator the installation's."""
    if user.organisation_id is None:
        return user.role == SYSADMIN and entry.owner_organisation_id is None
    return at_least(user.role, ORG_ADMIN) and entry.owner_organisation_id == user.organisation_id


def editable(user: User, authority_id) -> Authority:
    entry = authority(authority_id, user.organisation_id)
    if not may_edit(user, entry):
        raise Forbidden()
    return entry


def _codes(value, allowed, name, errors) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[name] = [N_("Give a list of codes.")]
        return []
    unknown = [v for v in value if (v not in allowed if allowed is not None
                                    else not (v.isprintable() and len(v) <= 35))]
    if unknown:
        errors[name] = [msg(N_("Unknown code: %(code)s"), code=unknown[0][:40])]
    return list(dict.fromkeys(value))[:30]


def _keys(value, errors) -> list[tuple[str, datetime | None]]:
    """Public keys: a string, or a list of strings or {"key"|"public_key", "valid_until"}."""
    if value in (None, "", []):
        return []
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items[:5]:
        text = item.get("public_key") or item.get("key") if isinstance(item, dict) else item
        until = item.get("valid_until") if isinstance(item, dict) else None
        key = crypto.normalise_public_key(text) if isinstance(text, str) else None
        try:
            until = datetime.fromisoformat(until) if isinstance(until, str) else None
        except ValueError:
            key = None
        if until is not None and until.tzinfo is None:
            until = until.replace(tzinfo=UTC)  # a date or a time without offset: UTC
        if key is None:
            errors["public_key"] = [N_("This is not an Ed25519 public key (base64 or PEM).")]
            return []
        found.append((key, until))
    return found


def parse_entry(data: dict) -> tuple[dict, list]:
    """Checked fields of a directory entry, and its keys; ValidationFailed with every
    problem at once."""
    if not isinstance(data, dict):
        raise ValidationFailed(INVALID, {"entry": [N_("Each entry must be a JSON object.")]})
    errors: dict = {}
    name = clean_line(data.get("name") if isinstance(data.get("name"), str) else "")
    if not 2 <= len(name) <= 200:
        errors["name"] = [N_("Write 2 to 200 characters.")]
    country = (data.get("country") or "").strip().upper() if isinstance(data.get("country"), str) else ""
    if country not in country_codes():
        errors["country"] = [N_("Choose a country.")]
    org_type = data.get("type") or data.get("org_type")
    if org_type not in TYPES:
        errors["type"] = [N_("Choose a type of authority.")]
    base_url = data.get("base_url") or None
    if base_url is not None and not (isinstance(base_url, str) and base_url.startswith(
            ("https://", "http://")) and len(base_url) <= 300 and " " not in base_url
            and base_url.isprintable()):
        errors["base_url"] = [N_("Give the installation's address, starting with https://.")]
    slug = data.get("slug") or None
    if slug is not None and not (isinstance(slug, str) and 1 <= len(slug) <= 64
                                 and slug.isprintable()):
        errors["slug"] = [N_("Give the organisation's short name on its installation.")]
    email = data.get("contact_email") or None
    if email is not None and not (isinstance(email, str) and "@" in email and len(email) <= 254
                                  and email.isprintable()):
        errors["contact_email"] = [N_("Enter an email address like name@example.org.")]
    fields = {
        "name": name, "country": country, "org_type": org_type,
        "sectors": _codes(data.get("sectors"), vocabulary.SECTORS, "sectors", errors),
        "rights_dimensions": _codes(data.get("rights_dimensions"), vocabulary.RIGHTS_DIMENSIONS,
                                    "rights_dimensions", errors),
        "languages": _codes(data.get("languages"), None, "languages", errors),
        "base_url": base_url.rstrip("/") if isinstance(base_url, str) else None,
        "slug": slug, "contact_email": email,
    }
    keys = _keys(data.get("public_keys", data.get("public_key")), errors)
    if fields["base_url"] and not keys and "public_key" not in errors:
        errors["public_key"] = [N_("An authority on another installation needs its public key.")]
    if fields["base_url"] and not slug and "slug" not in errors:
        errors["slug"] = [N_("Give the organisation's short name on its installation.")]
    if errors:
        raise ValidationFailed(INVALID, errors)
    return fields, keys


def _apply(entry: Authority, fields: dict, keys: list) -> None:
    for name, value in fields.items():
        if entry.local_organisation_id is not None and name in ("base_url", "slug"):
            continue  # a local organisation is reached here, not over the network
        setattr(entry, name, value)
    known = {k.key_id: k for k in entry.keys}
    for key, until in keys:
        key_id = crypto.key_id(key)
        if key_id in known:
            known[key_id].valid_until = until
        else:
            entry.keys.append(AuthorityKey(key_id=key_id, public_key=key, valid_until=until))


def save(user: User, data: dict, entry: Authority | None = None) -> Authority:
    """Add an entry (kept by the user's organisation) or change one the user may edit."""
    if entry is not None and not may_edit(user, entry):
        raise Forbidden()
    fields, keys = parse_entry(data)
    created = entry is None
    entry = entry or Authority(owner_organisation_id=user.organisation_id)
    _apply(entry, fields, keys)
    db.session.add(entry)
    db.session.flush()
    audit.record("directory.created" if created else "directory.updated", actor=actor_of(user),
                 subject_type="authority", subject_id=entry.id,
                 organisation_id=user.organisation_id, new={"name": entry.name})
    commit()
    return entry


def _existing(fields: dict, owner_id: int | None) -> Authority | None:
    """The entry of this name and country that the importer keeps."""
    owned = Authority.owner_organisation_id.is_(None) if owner_id is None else (
        Authority.owner_organisation_id == owner_id)
    query = select(Authority).where(func.lower(Authority.name) == fields["name"].lower(),
                                    Authority.country == fields["country"], owned)
    return db.session.scalars(query.limit(1)).first()


def import_entries(items, *, actor: str = "system", owner_id: int | None = None
                   ) -> tuple[int, int]:
    """Add or update entries kept by `owner_id` (None: the installation's), matched by name
    and country; all or nothing. (added, updated)."""
    if not isinstance(items, list) or len(items) > MAX_IMPORT:
        raise ValidationFailed(INVALID, {"file": [N_("Give a JSON list of at most 2000 "
                                                     "authorities.")]})
    parsed, errors = [], {}
    for number, item in enumerate(items, start=1):
        try:
            parsed.append(parse_entry(item))
        except ValidationFailed as error:
            errors[f"entry {number}"] = [f"{field}: {problems[0]}"
                                         for field, problems in error.fields.items()]
    if errors:
        raise ValidationFailed(INVALID, errors)
    ensure_local_entries()
    added = updated = 0
    for fields, keys in parsed:
        entry = _existing(fields, owner_id)
        if entry is None:
            entry, added = Authority(owner_organisation_id=owner_id), added + 1
            db.session.add(entry)
        else:
            updated += 1
        _apply(entry, fields, keys)
    db.session.flush()
    audit.record("directory.imported", actor=actor, subject_type="authority", subject_id=0,
                 new={"added": added, "updated": updated})
    commit()
    return added, updated


def import_json(raw: bytes, *, actor: str, owner_id: int | None = None) -> tuple[int, int]:
    """`import_entries` of a JSON file's bytes (the page's upload, the command's file)."""
    try:
        items = parse_json(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(INVALID, {"file": [N_("This is not a JSON file.")]}) from None
    return import_entries(items, actor=actor, owner_id=owner_id)


def export_entries(organisation_id: int | None) -> list[dict]:
    """The directory as the organisation sees it, in the import format (keys with their end
    of validity)."""
    return [{"name": a.name, "country": a.country, "type": a.org_type,
             "sectors": list(a.sectors), "rights_dimensions": list(a.rights_dimensions),
             "languages": list(a.languages), "base_url": a.base_url, "slug": a.slug,
             "contact_email": a.contact_email, "local": a.local_organisation_id is not None,
             "public_key": a.keys[-1].public_key if a.keys else None,
             "public_keys": [{"public_key": k.public_key, "key_id": k.key_id,
                              "valid_until": k.valid_until.isoformat() if k.valid_until else None}
                             for k in a.keys]}
            for a in entries(organisation_id)]


def trusted_key(key_id: str) -> str | None:
    """The public key with this id of an authority in the directory, if still valid."""
    for key in db.session.scalars(select(AuthorityKey).where(AuthorityKey.key_id == key_id)):
        if key.valid_until is None or key.valid_until > utcnow():
            return key.public_key
    return None


def authorities_with_key(key_id: str, organisation_id: int | None = None,
                         any_owner: bool = False) -> list[Authority]:
    """The entries trusting this key: those the organisation trusts (or all)."""
    query = select(Authority).join(AuthorityKey).where(AuthorityKey.key_id == key_id)
    if not any_owner:
        query = query.where(trusted_by(organisation_id))
    return db.session.scalars(query.order_by(Authority.id)).all()


def peer_urls() -> set[str]:
    return {url for url in db.session.scalars(select(Authority.base_url).where(
        Authority.base_url.is_not(None), Authority.local_organisation_id.is_(None))) if url}


def learn_rotated_key(payload: dict, sender) -> dict:
    """A peer's `keys.rotated` message (signed with its old key): its new key is trusted for
    the same directory entries, the old one until the date it gives."""
    text = payload.get("new_public_key")
    new_key = crypto.normalise_public_key(text) if isinstance(text, str) else None
    if new_key is None or payload.get("old_key_id") != sender.key_id:
        raise ValidationFailed(INVALID, {"new_public_key": [N_("Not a valid key.")]})
    try:
        until = datetime.fromisoformat(payload["old_valid_until"])
    except (KeyError, TypeError, ValueError):
        until = None
    entries_ = authorities_with_key(sender.key_id, any_owner=True)
    for entry in entries_:
        _apply(entry, {}, [(new_key, None)])
        for key in entry.keys:
            if key.key_id == sender.key_id and until is not None:
                key.valid_until = until
    return {"entries": len(entries_)}
