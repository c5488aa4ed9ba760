"""Routing reasons in the reader's language."""

from remedy.core.i18n import country_name, translate
from remedy.core.vocabulary import RIGHTS_DIMENSIONS
from remedy.referrals.routing import NOTES, REASONS


def reason_text(reason) -> str:
    """One reason (or note) of routing as a sentence; country codes become names."""
    values = {}
    for key, value in reason.values.items():
        if key == "rights":
            values[key] = ", ".join(translate(RIGHTS_DIMENSIONS.get(v, v)) for v in value)
        elif key in ("country", "registry", "filer"):
            values[key] = country_name(value)
        else:
            values[key] = value
    return translate(REASONS.get(reason.code) or NOTES[reason.code]) % values
