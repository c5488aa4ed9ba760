"""Which authority should receive a case, with reasons a caseworker can check: plain
Python over plain values (no database, no request).

The rule: the respondent's country of main establishment leads (the GDPR one-stop-shop),
except that a public authority acting under its public task is handled only by its own
country's authority, and a respondent with no establishment in the region is handled where
the people are harmed. The kind of authority follows the rights concerned; the
complainant's own country is the fallback. Where the facts do not decide (two countries of
establishment, none recorded) it says so instead of guessing."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from remedy.core.messages import N_

# The kind of authority each rights dimension calls for.
TYPES_FOR_RIGHTS = {
    "privacy_data_protection": ("dpa",),
    "equality_non_discrimination": ("equality_body",),
    "other": ("market_surveillance",),  # duties of the AI system itself
    "access_to_remedy": ("nhri", "ombudsman"),
}
GENERAL_TYPES = ("nhri", "ombudsman")

REASONS = {
    "one_stop_shop": N_("the respondent's main establishment is in %(country)s (one-stop-shop)"),
    "establishment_from_filer": N_("the complainant says the respondent is based in "
                                   "%(country)s (not yet confirmed in the registry)"),
    "public_authority": N_("the respondent is a public authority of %(country)s: only its own "
                           "country's authority handles it"),
    "outside_region": N_("the respondent has no establishment in the region: handled where "
                         "the people are harmed (%(country)s)"),
    "complainant_country": N_("the complainant's own country (%(country)s)"),
    "harm_country": N_("where the harm happened (%(country)s)"),
    "fits_rights": N_("handles %(rights)s"),
    "general_body": N_("a general human rights body"),
    "outside_remit": N_("its remit does not cover this area or these rights"),
    "speaks_language": N_("works in the complainant's language"),
    "not_reachable": N_("cannot receive referrals through Remedy yet (no installation or key "
                        "in the directory)"),
}

NOTES = {
    "several_establishments": N_("The registry says the respondent's main establishment is in "
                                 "%(registry)s, the complainant says %(filer)s. Check which "
                                 "is right and choose."),
    "no_establishment": N_("The respondent's country of main establishment is not recorded. "
                           "Record it in the registry, or choose."),
    "no_respondent": N_("No respondent is recorded for this case: choose an authority "
                        "yourself."),
}


@dataclass(frozen=True)
class CaseFacts:
    complainant_country: str | None
    harm_country: str | None = None
    rights: tuple[str, ...] = ()
    sector: str | None = None
    language: str | None = None
    has_respondent: bool = True
    establishment: str | None = None  # as the registry records it
    filer_establishment: str | None = None  # the filer's deployer_country
    public_authority: bool = False


@dataclass(frozen=True)
class AuthorityFacts:
    id: int
    name: str
    country: str
    org_type: str
    sectors: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    organisation_id: int | None = None  # a local organisation
    reachable: bool = True


@dataclass(frozen=True)
class Reason:
    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    authority_id: int
    score: float
    reasons: tuple[Reason, ...]
    reachable: bool


@dataclass(frozen=True)
class Routing:
    decided: bool  # False: the caseworker must choose; no candidate is recommended
    lead: tuple[tuple[str, Reason], ...]
    notes: tuple[Reason, ...]
    candidates: tuple[Candidate, ...]

    @property
    def recommended(self) -> Candidate | None:
        if not self.decided or not self.candidates or not self.candidates[0].reachable:
            return None
        return self.candidates[0]


def lead_countries(facts: CaseFacts, region: Iterable[str]) -> tuple[list, list, bool]:
    """([(country, reason)], notes, decided) by the one-stop-shop rule and its exceptions."""
    harmed = facts.harm_country or facts.complainant_country
    where_harmed = [(harmed, Reason("harm_country", {"country": harmed}))] if harmed else []
    if not facts.has_respondent:
        return where_harmed, [Reason("no_respondent")], False
    registry, filer = facts.establishment, facts.filer_establishment
    if registry and filer and registry != filer:
        return ([(registry, Reason("one_stop_shop", {"country": registry})),
                 (filer, Reason("establishment_from_filer", {"country": filer}))],
                [Reason("several_establishments", {"registry": registry, "filer": filer})], False)
    country = registry or filer
    if country is None:
        return where_harmed, [Reason("no_establishment")], False
    if facts.public_authority:
        return [(country, Reason("public_authority", {"country": country}))], [], True
    if country not in set(region):
        return ([(harmed, Reason("outside_region", {"country": harmed}))] if harmed else [],
                [], bool(harmed))
    code = "one_stop_shop" if registry else "establishment_from_filer"
    return [(country, Reason(code, {"country": country}))], [], True


def _type_reasons(facts: CaseFacts, authority: AuthorityFacts) -> tuple[float, list[Reason]]:
    fitting = [r for r in facts.rights if authority.org_type in TYPES_FOR_RIGHTS.get(r, ())]
    if fitting and authority.org_type not in GENERAL_TYPES:
        return 0.3, [Reason("fits_rights", {"rights": fitting})]
    if authority.org_type in GENERAL_TYPES:
        return 0.15, [Reason("general_body")]
    return 0.0, []


def _outside_remit(facts: CaseFacts, authority: AuthorityFacts) -> bool:
    if authority.sectors and facts.sector and facts.sector not in authority.sectors:
        return True
    return bool(authority.rights and facts.rights and not set(facts.rights) & set(authority.rights))


def route(facts: CaseFacts, authorities: Sequence[AuthorityFacts], *, region: Iterable[str],
          own_organisation_id: int | None, senders: Iterable[int] = ()) -> Routing:
    """The candidate authorities, best first, each with its reasons; never the caseworker's
    own organisation nor the authorities that referred the case here (`senders`, directory
    ids: sending it back is declining, not a referral), and only authorities in a country
    that matters to the case."""
    lead, notes, decided = lead_countries(facts, region)
    lead_by_country = dict(lead)
    senders = set(senders)
    candidates = []
    for authority in authorities:
        if own_organisation_id is not None and authority.organisation_id == own_organisation_id:
            continue
        if authority.id in senders:
            continue
        reasons, score = [], 0.0
        if authority.country in lead_by_country:
            score += 0.5
            reasons.append(lead_by_country[authority.country])
        elif authority.country == facts.complainant_country:
            score += 0.25
            reasons.append(Reason("complainant_country", {"country": authority.country}))
        elif facts.harm_country and authority.country == facts.harm_country:
            score += 0.2
            reasons.append(Reason("harm_country", {"country": authority.country}))
        else:
            continue
        points, why = _type_reasons(facts, authority)
        score += points
        reasons += why
        if _outside_remit(facts, authority):
            score -= 0.3
            reasons.append(Reason("outside_remit"))
        if facts.language and facts.language.split("-")[0] in {
                lang.split("-")[0] for lang in authority.languages}:
            score += 0.05
            reasons.append(Reason("speaks_language"))
        if not authority.reachable:
            reasons.append(Reason("not_reachable"))
        candidates.append(Candidate(authority.id, round(max(score, 0.0), 3), tuple(reasons),
                                    authority.reachable))
    candidates.sort(key=lambda c: (-c.score, not c.reachable, c.authority_id))
    return Routing(decided, tuple(lead), tuple(notes), tuple(candidates))
