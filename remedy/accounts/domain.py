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
