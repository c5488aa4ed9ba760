"""The web forms of intake. They render fields, check CSRF and collect what a person typed;
the rules of a valid complaint live in `intake.domain.parse_complaint`, which the API uses
too. `ComplaintForm.payload()` turns the form into the API's JSON shape for it."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TextAreaField,
)

from remedy.core.forms import ListSelectField, MultiCheckboxField
from remedy.core.i18n import country_choices, translate
from remedy.core.messages import N_
from remedy.core.vocabulary import (
    CONSENTS,
    FILER_TYPES,
    GROUNDS,
    REMEDIES,
    RIGHTS_DIMENSIONS,
    SECTORS,
)
from remedy.intake import domain


def _choices(vocabulary: dict):
    return [(code, translate(label)) for code, label in vocabulary.items()]


class ComplaintForm(FlaskForm):
    filer_type = RadioField(_l("Who is making this complaint?"), default="individual",
                            validate_choice=False)
    title = StringField(
        _l("In a few words, what happened?"),
        description=_l("For example: “My job application was rejected by an automatic test”."),
        render_kw={"maxlength": domain.TITLE_LENGTH[1], "autocomplete": "off"},
    )
    narrative = TextAreaField(
        _l("Tell us what happened, in your own words"),
        description=_l(
            "What happened, when, and how it affected you. Say what the system decided or did, "
            "and why you think it was wrong. Write in any language."
        ),
        render_kw={"rows": 10, "maxlength": domain.NARRATIVE_LENGTH[1]},
    )
    date_of_harm = StringField(
        _l("When did it happen? (if you know)"),
        description=_l("The day it happened, or the first day, like 2025-03-31."),
        render_kw={"type": "date"},
    )
    language = ListSelectField(_l("Which language did you write in?"), validate_choice=False)
    ai_system = StringField(
        _l("Which AI system was it?"),
        description=_l(
            "An AI system is a computer system that makes or helps make decisions, "
            "recommendations or content: for example a CV-screening tool, a benefits fraud "
            "score, face recognition, a credit score or a chatbot. Name it as you know it "
            "(“the Uber driver app”, “the job site's automatic test”)."
        ),
        render_kw={"maxlength": domain.NAME_LENGTH[1]},
    )
    deployer = StringField(
        _l("Who used it to make the decision? (if you know)"),
        description=_l(
            "This is the “deployer”: the company or public body that used the system on you, "
            "such as your employer, a bank, a school or a welfare office."
        ),
        render_kw={"maxlength": domain.NAME_LENGTH[1]},
    )
    provider = StringField(
        _l("Who made the system? (if you know)"),
        description=_l("This is the “provider”: the company that built or sells the system."),
        render_kw={"maxlength": domain.NAME_LENGTH[1]},
    )
    deployer_country = ListSelectField(_l("In which country is the deployer based? (if you know)"),
                                   validate_choice=False)
    complainant_country = ListSelectField(_l("In which country do you (or the people affected) live?"),
                                      validate_choice=False)
    harm_country = ListSelectField(_l("Did it happen in a different country? Which one?"),
                               validate_choice=False)
    sector = RadioField(_l("In which part of life did it happen?"), validate_choice=False)
    rights_dimensions = MultiCheckboxField(
        _l("Which of your rights do you think were affected?"),
        description=_l("Choose all that apply. If you are not sure, choose what feels closest."),
        validate_choice=False,
    )
    other_rights = StringField(
        _l("Which other rights? (if you chose “Another right”)"),
        description=_l("For example: freedom of expression, the right to work. Separate with commas."),
    )
    grounds = MultiCheckboxField(
        _l("If you were treated unfairly: for what reason, do you think?"),
        validate_choice=False,
    )
    remedies_sought = MultiCheckboxField(_l("What would put things right for you?"),
                                         validate_choice=False)
    group_size = StringField(
        _l("How many people were affected, as far as you know?"),
        description=_l("A number, counting yourself. A guess is fine."),
        render_kw={"inputmode": "numeric"},
    )
    co_complainants = TextAreaField(
        _l("Other people making this complaint with you (optional)"),
        description=_l("One person per line: their name, and their email address if they agree."),
        render_kw={"rows": 4},
    )
    mandate_organisation_name = StringField(_l("Name of your organisation"),
                                            render_kw={"maxlength": 200})
    mandate_basis = TextAreaField(
        _l("On whose behalf are you complaining, and under what mandate?"),
        description=_l(
            "For example: “We represent 40 delivery riders who signed a written mandate”, or "
            "“Our statutes allow us to act for the rights of people with disabilities”."
        ),
        render_kw={"rows": 3},
    )
    contact_name = StringField(_l("Your name (optional)"), render_kw={"autocomplete": "name"})
    contact_email = StringField(
        _l("Your email address (optional)"),
        description=_l("We send you a receipt. You can leave it empty and stay anonymous."),
        render_kw={"type": "email", "autocomplete": "email"},
    )
    contact_phone = StringField(_l("Your phone number (optional)"),
                                render_kw={"type": "tel", "autocomplete": "tel"})
    contact_preferred_language = ListSelectField(_l("Language we should write to you in"),
                                             validate_choice=False)
    consent_contact = BooleanField(_l(CONSENTS["contact"]))
    consent_share_across_borders = BooleanField(_l(CONSENTS["share_across_borders"]))
    consent_publish_narrative = BooleanField(_l(CONSENTS["publish_narrative"]))
    consent_share_with_respondent = BooleanField(_l(CONSENTS["share_with_respondent"]))
    evidence = MultipleFileField(
        _l("Documents, screenshots or photos (optional)"),
        description=_l("PDF, PNG, JPEG, WebP or plain text; up to 10 files."),
    )
    evidence_receipts = HiddenField()
    remove_evidence = MultiCheckboxField(_l("Remove a file"), validate_choice=False)
    submission_token = HiddenField()

    def fill_choices(self, languages: list[tuple[str, str]], interface_languages) -> None:
        """Lists are built per request: their labels are in the reader's language."""
        countries = list(country_choices())
        none = [("", "—")]
        self.filer_type.choices = _choices(FILER_TYPES)
        self.sector.choices = _choices(SECTORS)
        self.rights_dimensions.choices = _choices(RIGHTS_DIMENSIONS)
        self.grounds.choices = _choices(GROUNDS)
        self.remedies_sought.choices = _choices(REMEDIES)
        self.complainant_country.choices = none + countries
        self.harm_country.choices = none + countries
        self.deployer_country.choices = none + countries
        self.language.choices = [("", translate(_SAME_AS_PAGE))] + languages
        self.contact_preferred_language.choices = none + list(interface_languages)

    def payload(self) -> dict:
        """The form in the JSON shape of POST /api/v1/complaints. Sections that do not apply
        to the chosen kind of filer are left out, so a person who changed their mind is not
        held up by answers they no longer need."""
        data = {
            name: getattr(self, name).data
            for name in ("filer_type", "title", "narrative", "language", "complainant_country",
                         "harm_country", "ai_system", "deployer", "provider", "deployer_country",
                         "sector", "rights_dimensions", "grounds", "remedies_sought",
                         "date_of_harm")
        }
        data["other_rights"] = [r for r in re.split(r"[,，、\n]", self.other_rights.data or "")
                                if r.strip()]
        if data["filer_type"] == "group":
            data["group_size"] = self.group_size.data
            data["co_complainants"] = parse_people(self.co_complainants.data)
        if data["filer_type"] == "representative_org":
            data["mandate"] = {"organisation_name": self.mandate_organisation_name.data,
                               "basis": self.mandate_basis.data}
        data["contact"] = {
            "name": self.contact_name.data, "email": self.contact_email.data,
            "phone": self.contact_phone.data,
            "preferred_language": (self.contact_preferred_language.data or "").replace("_", "-"),
        }
        data["consents"] = {name: bool(getattr(self, f"consent_{name}").data)
                            for name in domain.CONSENT_NAMES}
        return {k: v for k, v in data.items() if v not in (None, "", [])}

    def attach_errors(self, fields: dict[str, list[str]]) -> None:
        """Put each error (keyed by API field name) beside the form field that caused it."""
        for key, messages in fields.items():
            target = form_field_for(key)
            field = getattr(self, target, None) or self.title
            prefix = _line_prefix(key)
            field.errors = list(field.errors or []) + [prefix + m for m in messages]


_SAME_AS_PAGE = N_("Same as this page")
_LINE = N_("Line %(line)d:")


def parse_people(text: str | None) -> list[dict]:
    """`Ana Lima, ana@example.org` per line -> [{"name": ..., "email": ...}]."""
    people = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        email = next((tok.strip("<>,;") for tok in line.split() if "@" in tok), None)
        name = line.replace(f"<{email}>", "").replace(email or "\0", "").strip(" ,;<>") if email else line
        people.append({"name": name, "email": email} if email else {"name": name})
    return people


def form_field_for(key: str) -> str:
    """`contact.email` -> `contact_email`; `consents.contact` -> `consent_contact`;
    `co_complainants.2.name` -> `co_complainants`; `mandate` -> `mandate_basis`."""
    head, _, rest = key.partition(".")
    if head == "consents" and rest:
        return f"consent_{rest}"
    if head in ("contact", "mandate"):
        return f"{head}_{rest}" if rest else "mandate_basis"
    return head


def _line_prefix(key: str) -> str:
    parts = key.split(".")
    if parts[0] == "co_complainants" and len(parts) > 1 and parts[1].isascii() \
            and parts[1].isdigit():
        return translate(_LINE) % {"line": int(parts[1]) + 1} + " "
    return ""


class TrackForm(FlaskForm):
    reference = StringField(_l("Reference"), description=_l("Like RMD-7KQ3-9XPM"),
                            render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                       "spellcheck": "false"})
    secret = StringField(_l("Secret"), description=_l("The code shown once when you filed, like 7KQ3-9XPM-…"),
                         render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                    "spellcheck": "false", "type": "password"})


class MessageForm(FlaskForm):
    kind = RadioField(_l("What are you sending?"), default="message", validate_choice=False)
    body = TextAreaField(_l("Your message"), render_kw={"rows": 6, "maxlength": domain.MESSAGE_LENGTH[1]})


class EvidenceForm(FlaskForm):
    evidence = MultipleFileField(_l("Add documents, screenshots or photos"),
                                 description=_l("PDF, PNG, JPEG, WebP or plain text."))


class ConsentForm(FlaskForm):
    consent_contact = BooleanField(_l(CONSENTS["contact"]))
    consent_share_across_borders = BooleanField(_l(CONSENTS["share_across_borders"]))
    consent_publish_narrative = BooleanField(_l(CONSENTS["publish_narrative"]))
    consent_share_with_respondent = BooleanField(_l(CONSENTS["share_with_respondent"]))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why are you withdrawing? (optional)"), render_kw={"rows": 3})
    confirm = BooleanField(_l("Yes, I want to withdraw my complaint. I understand this cannot be undone."))
