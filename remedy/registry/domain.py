"""The registry's rules: respondents' kinds and the corrections staff may make. How names
are compared lives in `registry.names`."""

from email_validator import EmailNotValidError, validate_email

from remedy.core.codes import normalise_country
from remedy.core.errors import ValidationFailed
from remedy.core.messages import N_
from remedy.core.text import clean_line
from remedy.registry.names import name_key  # noqa: F401  (the registry's exact key)

KINDS = ("deployer", "provider")
KIND_LABELS = {"deployer": N_("Deployer (uses the system)"),
               "provider": N_("Provider (builds the system)")}


def parse_respondent_changes(data) -> dict:
    """A correction to a respondent, as PATCH /api/v1/registry/respondents/{id} sends it:
    only the fields given, each checked; ValidationFailed names the wrong ones."""
    allowed = {"main_establishment_country", "is_public_authority", "aliases", "contact_email",
               "kind"}
    if not isinstance(data, dict):
        raise ValidationFailed(N_("Send a JSON object."))
    fields, changes = {}, {}
    for unknown in sorted(set(data) - allowed):
        fields[str(unknown)[:64]] = [N_("This field cannot be changed here.")]
    if "main_establishment_country" in data:
        value = data["main_establishment_country"]
        code = normalise_country(value) if value not in (None, "") else None
        if value not in (None, "") and code is None:
            fields["main_establishment_country"] = [
                N_("This is not a country code we know (use two letters, like DK).")]
        changes["main_establishment_country"] = code
    if "is_public_authority" in data:
        if not isinstance(data["is_public_authority"], bool):
            fields["is_public_authority"] = [N_("This must be true or false.")]
        changes["is_public_authority"] = data["is_public_authority"]
    if "kind" in data:
        if data["kind"] not in KINDS:
            fields["kind"] = [N_("Choose only from the options given.")]
        changes["kind"] = data["kind"]
    if "contact_email" in data:
        value = data["contact_email"]
        if value in (None, ""):
            changes["contact_email"] = None
        else:
            try:
                changes["contact_email"] = validate_email(
                    str(value), check_deliverability=False).normalized
            except EmailNotValidError:
                fields["contact_email"] = [
                    N_("This does not look like an email address (name@example.org).")]
    if "aliases" in data:
        value = data["aliases"]
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            fields["aliases"] = [N_("This must be a list.")]
        else:
            aliases = list(dict.fromkeys(a for a in (clean_line(a) for a in value) if a))
            if any(not 2 <= len(a) <= 200 for a in aliases) or len(aliases) > 50:
                fields["aliases"] = [N_("Each name has 2 to 200 characters; 50 names at most.")]
            changes["aliases"] = aliases
    if fields:
        raise ValidationFailed(N_("Some answers need attention."), fields)
    return changes
