"""Country and language codes as the API uses them: ISO 3166-1 alpha-2 and BCP 47."""

import re
from functools import cache

import pycountry

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{4}))?(?:[-_]([a-zA-Z]{2}|\d{3}))?$")


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def normalise_country(value) -> str | None:
    """`dk` -> `DK`; None if it is not an ISO 3166-1 alpha-2 code."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if code in country_codes() else None


def normalise_language(value) -> str | None:
    """A BCP 47 tag in canonical case (`zh-hans` -> `zh-Hans`); None if not a known language."""
    if not isinstance(value, str):
        return None
    m = _TAG.match(value.strip())
    if not m:
        return None
    primary, script, region = m.groups()
    primary = primary.lower()
    known = (
        pycountry.languages.get(alpha_2=primary)
        if len(primary) == 2
        else pycountry.languages.get(alpha_3=primary)
    )
    if known is None:
        return None
    parts = [primary]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)
