"""Complaint intake rules, in plain Python: what a valid complaint is, and the language a
narrative is written in. (References and secrets: `references`; the handling organisation:
`routing`.)

`parse_complaint` is the one validation of a complaint: the JSON API and the web form both
call it, so their rules never diverge. It returns a frozen `ComplaintDraft` or raises
`ValidationFailed` with every wrong field at once, keyed by the API's field names
(`contact.email`, `co_complainants.2.name`).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email

from remedy.core.codes import normalise_country, normalise_language
from remedy.core.errors import ValidationFailed
from remedy.core.messages import N_, Message, msg
from remedy.core.text import checked_text, clean_line, whole_number
from remedy.core.vocabulary import FILER_TYPES, GROUNDS, REMEDIES, RIGHTS_DIMENSIONS, SECTORS

TITLE_LENGTH = (3, 200)
NARRATIVE_LENGTH = (20, 20_000)
NAME_LENGTH = (2, 200)
GROUP_SIZE = (2, 10_000_000)
MAX_CO_COMPLAINANTS = 200
MAX_OTHER_RIGHTS = 10
MANDATE_BASIS_LENGTH = (10, 2_000)
MESSAGE_LENGTH = (1, 20_000)
EARLIEST_HARM = date(1950, 1, 1)

FIELDS = frozenset(
    "filer_type title narrative language complainant_country harm_country ai_system deployer "
    "provider deployer_country sector rights_dimensions other_rights date_of_harm "
    "remedies_sought group_size co_complainants mandate contact grounds consents".split()
)
CONSENT_NAMES = ("contact", "share_across_borders", "publish_narrative", "share_with_respondent")

# --- the complaint ------------------------------------------------------------------------


@dataclass(frozen=True)
class CoComplainant:
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Mandate:
    organisation_name: str
    basis: str


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    preferred_language: str | None = None


@dataclass(frozen=True)
class Consents:
    contact: bool = False
    share_across_borders: bool = False
    publish_narrative: bool = False
    share_with_respondent: bool = False


@dataclass(frozen=True)
class ComplaintDraft:
    filer_type: str
    title: str
    narrative: str
    language: str
    complainant_country: str
    ai_system: str
    sector: str
    rights_dimensions: tuple[str, ...]
    harm_country: str | None = None
    deployer: str | None = None
    provider: str | None = None
    deployer_country: str | None = None
    other_rights: tuple[str, ...] = ()
    date_of_harm: date | None = None
    remedies_sought: tuple[str, ...] = ()
    group_size: int | None = None
    co_complainants: tuple[CoComplainant, ...] = ()
    mandate: Mandate | None = None
    contact: Contact | None = None
    grounds: tuple[str, ...] = ()
    consents: Consents = field(default_factory=Consents)

    @property
    def affected_people(self) -> int:
        """How many people this complaint speaks for (a group counts by its stated size)."""
        if self.filer_type != "group":
            return 1
        return self.group_size or len(self.co_complainants) + 1


class _Errors:
    """Collects every problem before raising, so a person sees them all at once."""

    def __init__(self):
        self.fields: dict[str, list[Message]] = {}

    def add(self, name: str, message: Message) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(N_("Some answers need attention."), self.fields)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _text(errors, data, name, length, *, required, multiline=False) -> str | None:
    value = data.get(name)
    if _is_blank(value):
        if required:
            errors.add(name, msg(N_("This is required.")))
        return None
    low, high = length
    cleaned, problem = checked_text(value, limit=high, minimum=low, required=required,
                                    multiline=multiline)
    if problem is not None:
        errors.add(name, problem)
    return cleaned


def _country(errors, data, name, *, required) -> str | None:
    value = data.get(name)
    if _is_blank(value):
        if required:
            errors.add(name, msg(N_("Please choose a country.")))
        return None
    code = normalise_country(value)
    if code is None:
        errors.add(name, msg(N_("This is not a country code we know (use two letters, like DK).")))
    return code


def _choices(errors, data, name, allowed: Mapping, *, required, limit=None) -> tuple[str, ...]:
    value = data.get(name)
    if _is_blank(value):
        if required:
            errors.add(name, msg(N_("Please choose at least one.")))
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        errors.add(name, msg(N_("This must be a list.")))
        return ()
    unknown = [v for v in value if not isinstance(v, str) or v not in allowed]
    if unknown:
        errors.add(name, msg(N_("Choose only from the options given.")))
        return ()
    return tuple(dict.fromkeys(value))


def _choice(errors, data, name, allowed: Mapping) -> str | None:
    value = data.get(name)
    if _is_blank(value):
        errors.add(name, msg(N_("Please choose one.")))
        return None
    if not isinstance(value, str) or value not in allowed:
        errors.add(name, msg(N_("Choose only from the options given.")))
        return None
    return value


def _email(errors, name, value) -> str | None:
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        errors.add(name, msg(N_("This must be text.")))
        return None
    try:
        return validate_email(clean_line(value), check_deliverability=False).normalized
    except EmailNotValidError:
        errors.add(name, msg(N_("This does not look like an email address (name@example.org).")))
        return None


_PHONE = re.compile(r"^\+?[0-9 ().\-]{5,32}$")


def _phone(errors, name, value) -> str | None:
    if _is_blank(value):
        return None
    cleaned = clean_line(value) if isinstance(value, str) else ""
    if not _PHONE.match(cleaned) or sum(c.isdigit() for c in cleaned) < 5:
        errors.add(name, msg(N_("Use digits only, with the country code, like +45 12 34 56 78.")))
        return None
    return cleaned


def _language(errors, name, value) -> str | None:
    if _is_blank(value):
        return None
    tag = normalise_language(value)
    if tag is None:
        errors.add(name, msg(N_("This is not a language code we know (like en, da or zh-Hans).")))
    return tag


def _bool(errors, name, value) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.add(name, msg(N_("This must be true or false.")))
        return False
    return value


def _date_of_harm(errors, value, today: date) -> date | None:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors.add("date_of_harm", msg(N_("Write the date as year-month-day, like 2025-03-31.")))
            return None
    if not isinstance(value, date):
        errors.add("date_of_harm", msg(N_("Write the date as year-month-day, like 2025-03-31.")))
        return None
    # One day of tolerance: it is already tomorrow for someone east of UTC.
    if value > today + timedelta(days=1):
        errors.add("date_of_harm", msg(N_("The date cannot be in the future.")))
    elif value < EARLIEST_HARM:
        errors.add("date_of_harm", msg(N_("Please check the year.")))
    return value


def _group_size(errors, value) -> int | None:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        value = whole_number(value)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add("group_size", msg(N_("Write a whole number.")))
        return None
    low, high = GROUP_SIZE
    if not low <= value <= high:
        errors.add(
            "group_size",
            msg(N_("The number of people must be between %(min)d and %(max)d."), min=low, max=high),
        )
        return None
    return value


def _co_complainants(errors, value) -> tuple[CoComplainant, ...]:
    if _is_blank(value):
        return ()
    if not isinstance(value, list):
        errors.add("co_complainants", msg(N_("This must be a list.")))
        return ()
    if len(value) > MAX_CO_COMPLAINANTS:
        errors.add(
            "co_complainants",
            msg(N_("Name at most %(max)d people here; give the total as the number of people affected."), max=MAX_CO_COMPLAINANTS),
        )
        return ()
    people = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            errors.add(f"co_complainants.{i}", msg(N_("Each person needs a name.")))
            continue
        name = _prefixed(
            errors, f"co_complainants.{i}",
            lambda e, item=item: _text(e, item, "name", NAME_LENGTH, required=True),
        )
        email = _email(errors, f"co_complainants.{i}.email", item.get("email"))
        if name:
            people.append(CoComplainant(name=name, email=email))
    return tuple(people)


def _nested(errors, data, name) -> Mapping | None:
    value = data.get(name)
    if _is_blank(value) or value == {}:
        return None
    if not isinstance(value, Mapping):
        errors.add(name, msg(N_("This must be an object.")))
        return None
    return value


def _prefixed(errors: _Errors, prefix: str, run):
    """Run a field check on a nested object and file its errors under `prefix.field`."""
    inner = _Errors()
    result = run(inner)
    for key, messages in inner.fields.items():
        errors.fields.setdefault(f"{prefix}.{key}", []).extend(messages)
    return result


def parse_complaint(data: Mapping, *, today: date, default_language: str) -> ComplaintDraft:
    """Validate a complaint as the API receives it (JSON shapes) and clean every text.

    The rules beyond types and lengths: a group names co-complainants and/or its size; a
    representative organisation states its mandate; a date of harm is not in the future;
    consent to be contacted needs a way to contact; `other_rights` goes with `other`.
    """
    errors = _Errors()
    if not isinstance(data, Mapping):
        raise ValidationFailed(N_("Send the complaint as a JSON object."))
    for unknown in sorted(set(data) - FIELDS):
        errors.add(str(unknown)[:64], msg(N_("This field is not part of a complaint.")))

    filer_type = _choice(errors, data, "filer_type", FILER_TYPES)
    title = _text(errors, data, "title", TITLE_LENGTH, required=True)
    narrative = _text(errors, data, "narrative", NARRATIVE_LENGTH, required=True, multiline=True)
    language = _language(errors, "language", data.get("language"))
    complainant_country = _country(errors, data, "complainant_country", required=True)
    harm_country = _country(errors, data, "harm_country", required=False)
    ai_system = _text(errors, data, "ai_system", NAME_LENGTH, required=True)
    deployer = _text(errors, data, "deployer", NAME_LENGTH, required=False)
    provider = _text(errors, data, "provider", NAME_LENGTH, required=False)
    deployer_country = _country(errors, data, "deployer_country", required=False)
    sector = _choice(errors, data, "sector", SECTORS)
    rights = _choices(errors, data, "rights_dimensions", RIGHTS_DIMENSIONS, required=True)
    remedies = _choices(errors, data, "remedies_sought", REMEDIES, required=False)
    grounds = _choices(errors, data, "grounds", GROUNDS, required=False)
    date_of_harm = _date_of_harm(errors, data.get("date_of_harm"), today)

    other_rights = ()
    raw_other = data.get("other_rights")
    if not _is_blank(raw_other):
        if not isinstance(raw_other, list) or not all(isinstance(r, str) for r in raw_other):
            errors.add("other_rights", msg(N_("This must be a list.")))
        else:
            other_rights = tuple(r for r in (clean_line(r)[:100] for r in raw_other) if r)
            if len(other_rights) > MAX_OTHER_RIGHTS:
                errors.add("other_rights", msg(N_("Name at most %(max)d rights."), max=MAX_OTHER_RIGHTS))
            elif other_rights and "other" not in rights:
                errors.add("other_rights", msg(N_("Tick 'Another right' to name other rights.")))

    group_size = _group_size(errors, data.get("group_size"))
    co_complainants = _co_complainants(errors, data.get("co_complainants"))
    if filer_type == "group":
        if group_size is None and not co_complainants and "group_size" not in errors.fields:
            errors.add(
                "group_size",
                msg(N_("For a group, give the number of people affected or name the other people.")),
            )
    elif filer_type:
        for name, value in (("group_size", group_size), ("co_complainants", co_complainants)):
            if value:
                errors.add(name, msg(N_("This is only for a complaint by a group.")))

    mandate = None
    raw_mandate = _nested(errors, data, "mandate")
    if filer_type == "representative_org":
        if raw_mandate is None and "mandate" not in errors.fields:
            errors.add("mandate.organisation_name", msg(N_("This is required.")))
            errors.add("mandate.basis", msg(N_("This is required.")))
        elif raw_mandate is not None:
            org_name = _prefixed(
                errors, "mandate",
                lambda e: _text(e, raw_mandate, "organisation_name", NAME_LENGTH, required=True),
            )
            basis = _prefixed(
                errors, "mandate",
                lambda e: _text(e, raw_mandate, "basis", MANDATE_BASIS_LENGTH, required=True, multiline=True),
            )
            if org_name and basis:
                mandate = Mandate(organisation_name=org_name, basis=basis)
    elif raw_mandate is not None and filer_type:
        errors.add("mandate", msg(N_("This is only for an organisation representing others.")))

    contact = None
    raw_contact = _nested(errors, data, "contact")
    if raw_contact is not None:
        for key in sorted(set(raw_contact) - {"name", "email", "phone", "preferred_language"}):
            errors.add(f"contact.{str(key)[:64]}", msg(N_("This field is not part of a complaint.")))
        contact_name = _prefixed(
            errors, "contact", lambda e: _text(e, raw_contact, "name", (1, 200), required=False)
        )
        contact = Contact(
            name=contact_name,
            email=_email(errors, "contact.email", raw_contact.get("email")),
            phone=_phone(errors, "contact.phone", raw_contact.get("phone")),
            preferred_language=_language(
                errors, "contact.preferred_language", raw_contact.get("preferred_language")
            ),
        )
        if not any((contact.name, contact.email, contact.phone)):
            contact = None

    consents = Consents()
    raw_consents = _nested(errors, data, "consents")
    if raw_consents is not None:
        for key in sorted(set(raw_consents) - set(CONSENT_NAMES)):
            errors.add(f"consents.{str(key)[:64]}", msg(N_("This field is not part of a complaint.")))
        consents = Consents(
            **{n: _bool(errors, f"consents.{n}", raw_consents.get(n)) for n in CONSENT_NAMES}
        )
        if consents.contact and not (contact and (contact.email or contact.phone)):
            errors.add(
                "consents.contact",
                msg(N_("Give an email address or a phone number so that we can contact you.")),
            )

    errors.raise_if_any()
    return ComplaintDraft(
        filer_type=filer_type,
        title=title,
        narrative=narrative,
        language=language or guess_language(narrative) or default_language,
        complainant_country=complainant_country,
        harm_country=harm_country,
        ai_system=ai_system,
        deployer=deployer,
        provider=provider,
        deployer_country=deployer_country,
        sector=sector,
        rights_dimensions=rights,
        other_rights=other_rights,
        date_of_harm=date_of_harm,
        remedies_sought=remedies,
        group_size=group_size,
        co_complainants=co_complainants,
        mandate=mandate,
        contact=contact,
        grounds=grounds,
        consents=consents,
    )


def parse_message(value, *, field_name: str = "body") -> str:
    """A message or amendment from the complainant: text of 1 to 20,000 characters."""
    errors = _Errors()
    text = _text(errors, {field_name: value}, field_name, MESSAGE_LENGTH, required=True, multiline=True)
    errors.raise_if_any()
    return text


# --- language of a narrative ---------------------------------------------------------------

_SCRIPTS = (
    ("\u3040", "\u30ff", "ja"),  # kana decides Japanese before Han does
    ("\uac00", "\ud7af", "ko"),
    ("\u0e00", "\u0e7f", "th"),
    ("\u4e00", "\u9fff", "zh"),
    ("\u0600", "\u06ff", "ar"),
    ("\u0900", "\u097f", "hi"),
    ("\u0400", "\u04ff", "ru"),
    ("\u0370", "\u03ff", "el"),
    ("\u0590", "\u05ff", "he"),
)


def guess_language(text: str) -> str | None:
    """A language from the script a narrative is written in; None for Latin script, where
    the script alone cannot tell (the interface language is the better guess there)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    for low, high, lang in _SCRIPTS:
        if sum(low <= c <= high for c in letters) >= max(3, len(letters) // 10):
            return lang
    return None
