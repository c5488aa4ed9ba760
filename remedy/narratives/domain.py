"""The rules of publishing a complainant's story, as plain Python: its states, why it is taken
down, what the public is shown about it, and what a caseworker is told when the reviewed
text still holds something the scrub would replace.

A story is published only with the complainant's consent, after the automatic scrub and a
caseworker's review, and never with anything the scrub still finds in it: there is no
"publish anyway". It is taken down, its text deleted, the moment the complainant withdraws
their consent or their complaint, or their data is erased.
"""

from remedy.core.errors import DomainError
from remedy.core.messages import N_

DRAFT, PUBLISHED, TAKEN_DOWN = "draft", "published", "taken_down"
STATES = {
    DRAFT: N_("Being prepared (not public)"),
    PUBLISHED: N_("Published"),
    TAKEN_DOWN: N_("Taken down"),
}

# Who complained, said of one story.
FILERS = {
    "individual": N_("A person"),
    "group": N_("A group of people"),
    "representative_org": N_("An organisation for the people affected"),
}

CONSENT_WITHDRAWN, COMPLAINT_WITHDRAWN = "consent_withdrawn", "complaint_withdrawn"
ERASED, CASEWORKER = "erased", "caseworker"
TAKE_DOWN_REASONS = {
    CONSENT_WITHDRAWN: N_("The complainant withdrew their consent"),
    COMPLAINT_WITHDRAWN: N_("The complainant withdrew the complaint"),
    ERASED: N_("The complainant's data was erased"),
    CASEWORKER: N_("A caseworker took it down"),
}
# Taken down on the complainant's side: their word, not staff's.
BY_COMPLAINANT = frozenset({CONSENT_WITHDRAWN, COMPLAINT_WITHDRAWN})

MAX_LENGTH = 20_000

# What a caseworker is told about each kind of thing the scrub still finds.
LEFTOVERS = {
    "name": N_("It still contains a name."),
    "email": N_("It still contains an email address."),
    "phone": N_("It still contains a phone number."),
    "identifier": N_("It still contains an identity or account number."),
    "address": N_("It still contains a street address."),
    "date": N_("It still contains an exact date."),
    "link": N_("It still contains a web address or a user name."),
}
FIX_LEFTOVERS = N_("Replace each with XXXX, or apply the automatic scrub again.")


class NoConsent(DomainError):
    """The complainant has not agreed to their story being published."""

    status = 403
    code = "no_consent"


def leftover_errors(kinds: list[str]) -> list[str]:
    """The messages for the `text` field when the reviewed text still holds these kinds."""
    return [LEFTOVERS[k] for k in kinds if k in LEFTOVERS] + [FIX_LEFTOVERS]


def month_of(moment) -> str | None:
    """`YYYY-MM`: the public learns the month a story was published, never the day."""
    return f"{moment.year:04d}-{moment.month:02d}" if moment else None


def public_facets(*, sector: str | None, rights_dimensions, filer_type: str | None) -> dict:
    """What the public reads beside a story: the area of life, the rights concerned and who
    complained (an individual, a group, an organisation). Nothing else: not the country,
    not the date of the harm, not the respondent, not the size of a group (see
    `models.PublishedNarrative`)."""
    return {"sector": sector, "rights_dimensions": sorted(set(rights_dimensions or ())),
            "filer_type": filer_type}
