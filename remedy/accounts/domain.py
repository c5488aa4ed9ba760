"""Rules for organisations: what a valid slug, type and remit are."""

import re
from dataclasses import dataclass

from remedy.core.codes import normalise_country
from remedy.core.errors import ValidationFailed
from remedy.core.messages import N_
from remedy.core.vocabulary import ORG_TYPES, RIGHTS_DIMENSIONS, SECTORS

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class OrganisationDraft:
    name: str
    slug: str
    country: str
    org_type: str
    sectors: tuple[str, ...]
    rights_dimensions: tuple[str, ...]


def parse_organisation(*, name, slug, country, org_type, sectors=(), rights=()) -> OrganisationDraft:
    """Check an organisation's facts; an empty remit list means every sector or dimension."""
    fields: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not 2 <= len(name) <= 200:
        fields["name"] = [N_("Give a name of 2 to 200 characters.")]
    if not SLUG.match(slug or ""):
        fields["slug"] = [N_("Use lower-case letters, digits and hyphens (like dk-ihr).")]
    code = normalise_country(country)
    if code is None:
        fields["country"] = [N_("This is not a country code we know (use two letters, like DK).")]
    if org_type not in ORG_TYPES:
        fields["type"] = [N_("Choose only from the options given.")]
    for key, values, allowed in (("sectors", sectors, SECTORS), ("rights", rights, RIGHTS_DIMENSIONS)):
        if any(v not in allowed for v in values):
            fields[key] = [N_("Choose only from the options given.")]
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return OrganisationDraft(name=name, slug=slug, country=code, org_type=org_type,
                             sectors=tuple(sectors), rights_dimensions=tuple(rights))


# --- staff roles ---------------------------------------------------------------------------

CASEWORKER, SUPERVISOR, ORG_ADMIN, SYSADMIN = "caseworker", "supervisor", "org_admin", "sysadmin"
ROLES = (CASEWORKER, SUPERVISOR, ORG_ADMIN, SYSADMIN)
ROLE_LABELS = {
    CASEWORKER: N_("Caseworker"),
    SUPERVISOR: N_("Supervisor"),
    ORG_ADMIN: N_("Organisation administrator"),
    SYSADMIN: N_("System administrator"),
}
# Within an organisation each role can do what the ones before it can.
_RANK = {CASEWORKER: 1, SUPERVISOR: 2, ORG_ADMIN: 3}


def at_least(role: str, required: str) -> bool:
    """Whether `role` has the powers of `required` inside its organisation. The system
    administrator runs the instance and sees no organisation's cases."""
    return role in _RANK and _RANK[role] >= _RANK[required]


# --- passwords ----------------------------------------------------------------------------

MIN_PASSWORD = 12
_COMMON = frozenset(
    "password123 123456789012 qwertyuiopas password1234 iloveyou1234 letmein12345 "
    "welcome12345 administrator changeme1234 remedy123456".split()
)


def check_password(password: str, *, email: str = "") -> list[str]:
    """What is wrong with a new password (empty if it is acceptable). Length beats rules:
    a long phrase is easier to remember and harder to guess."""
    problems = []
    if len(password or "") < MIN_PASSWORD:
        problems.append(N_("Use at least 12 characters; a sentence you can remember works well."))
    elif password.lower() in _COMMON or (email and email.split("@")[0].lower() in password.lower()):
        problems.append(N_("This password is too easy to guess."))
    elif len(set(password)) < 5:
        problems.append(N_("This password is too easy to guess."))
    return problems


def parse_user(*, email: str, role: str, organisation_required: bool) -> str:
    """The normalised email of a new staff account, or ValidationFailed."""
    from email_validator import EmailNotValidError, validate_email

    fields = {}
    try:
        email = validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        fields["email"] = [N_("This does not look like an email address (name@example.org).")]
    if role not in ROLES:
        fields["role"] = [N_("Choose only from the options given.")]
    if organisation_required and role == SYSADMIN:
        fields["role"] = [N_("A system administrator belongs to no organisation.")]
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return email


# --- API token scopes -------------------------------------------------------------------------

READ, WRITE = "read", "write"
TOKEN_SCOPES = {READ: N_("read: look at cases, complaints and referrals (GET)"),
                WRITE: N_("write: change them (POST, PATCH)")}


def parse_scopes(values) -> str:
    """The scopes asked for, as stored ("read write"); at least one, only known ones."""
    chosen = sorted({value.strip() for value in values if value and value.strip()})
    if not chosen or any(value not in TOKEN_SCOPES for value in chosen):
        raise ValidationFailed(N_("Some answers need attention."),
                               {"scopes": [N_("Choose read, write or both.")]})
    return " ".join(chosen)


def scope_needed(method: str) -> str:
    """Reading needs `read`; anything that changes something needs `write`."""
    return READ if method in ("GET", "HEAD", "OPTIONS") else WRITE
