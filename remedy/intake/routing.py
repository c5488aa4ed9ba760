"""Which organisation handles a new complaint: a table-driven rule over plain values."""

from collections.abc import Sequence
from dataclasses import dataclass

# A general human rights body first; specialised bodies after.
_TYPE_PREFERENCE = ("nhri", "ombudsman", "equality_body", "dpa", "market_surveillance",
                    "consumer_authority", "civil_society", "other")


@dataclass(frozen=True)
class OrganisationRemit:
    slug: str
    country: str
    org_type: str
    sectors: tuple[str, ...] = ()  # empty = every sector
    rights_dimensions: tuple[str, ...] = ()  # empty = every dimension
    accepts_complaints: bool = True


def choose_organisation(
    organisations: Sequence[OrganisationRemit],
    *,
    country: str,
    sector: str,
    rights_dimensions: Sequence[str],
    default_slug: str | None,
) -> str | None:
    """The slug of the organisation that handles a new complaint.

    The rule: an organisation in the complainant's country whose remit covers the sector
    and at least one rights dimension; among several, the one covering most of the
    complaint's dimensions, then a general human rights body before specialised ones. If
    none fits, the configured default organisation; None if there is none at all.
    """
    def covers(org: OrganisationRemit) -> int:
        if org.sectors and sector not in org.sectors:
            return 0
        if not org.rights_dimensions:
            return len(rights_dimensions) or 1
        return len(set(org.rights_dimensions) & set(rights_dimensions))

    candidates = [
        (covers(o), o) for o in organisations if o.accepts_complaints and o.country == country
    ]
    ranked = sorted(
        ((n, o) for n, o in candidates if n > 0),
        key=lambda pair: (
            -pair[0],
            _TYPE_PREFERENCE.index(pair[1].org_type) if pair[1].org_type in _TYPE_PREFERENCE else 99,
            pair[1].slug,
        ),
    )
    if ranked:
        return ranked[0][1].slug
    slugs = {o.slug for o in organisations if o.accepts_complaints}
    if default_slug in slugs:
        return default_slug
    return None
