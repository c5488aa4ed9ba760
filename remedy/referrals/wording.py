"""Routing reasons and packet markers in the reader's language."""

from flask_babel import gettext as _

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


def pseudonym_text(pseudonym: str) -> str:
    """A packet's pseudonym ("Complainant 7F3K2A" on the wire, the same in every language so
    both sides can quote it) as the reader's words; the erased marker likewise."""
    from remedy.referrals.packets import ERASED

    if pseudonym == ERASED:
        return _("erased")
    code = pseudonym.rsplit(" ", 1)[-1]
    return _("Complainant %(code)s (name and contact details withheld)", code=code)
