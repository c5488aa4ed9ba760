"""Synthetic, repeatable data for the benchmarks: organisations in six countries, their staff,
and any number of complaints, each with its case, as plain tuples in the column order of
`COMPLAINT_COLUMNS` and `CASE_COLUMNS` (ready for COPY).

The shape follows what an installation receives: a few sectors and AI systems account for
most complaints (Zipf-like weights), most filers are individuals, narratives are a few
hundred to a few thousand characters (log-normal) in the organisation's languages, volume
grows over three years, and older cases are more often closed. The same seed gives the
same rows on any day, their dates relative to `today` (only the dates written in the
narratives, and so their lengths, differ).
"""

import math
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from string import Formatter

from benchmarks.phrases import DATE_FORMATS, MARKERS, MONTHS, NAMES, NO_SPACES, PHRASES

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_SPACE = len(ALPHABET) ** 8
# Coprime with 30, so n -> (n * A + B) mod 30^8 is a bijection: unique references that do
# not look sequential.
_REFERENCE_MULTIPLIER = 7_919_462_077
_REFERENCE_OFFSET = 123_456_789_012

OPEN_STATES = ("received", "triage", "needs_info", "investigating", "referred",
               "remedy_proposed", "remedy_monitoring")
FINAL_STATES = ("closed", "inadmissible", "withdrawn")

COMPLAINT_COLUMNS = (
    "id", "reference", "secret_hash", "organisation_id", "channel", "received_at", "filer_type",
    "title", "narrative", "language", "complainant_country", "harm_country",
    "ai_system_as_named", "deployer_as_named", "deployer_country", "sector",
    "rights_dimensions", "other_rights", "grounds", "remedies_sought", "date_of_harm",
    "group_size", "mandate_organisation_name", "contact_name", "contact_email",
    "contact_language", "interface_locale", "consent_contact", "consent_share_across_borders",
    "consent_publish_narrative",
)
CASE_COLUMNS = ("id", "organisation_id", "complaint_id", "state", "assignee_id", "priority",
                "opened_at", "closed_at", "updated_at", "next_due_on")


@dataclass(frozen=True)
class Org:
    id: int
    slug: str
    name: str
    country: str
    org_type: str
    share: float  # of all complaints
    languages: dict  # language -> weight


ORGANISATIONS = (
    Org(1, "defenseur-des-droits", "Défenseur des droits", "FR", "ombudsman", 0.31,
        {"fr": 78, "en": 8, "es": 3, "de": 2, "zh": 4, "ja": 1, "tl": 1, "th": 1, "da": 1}),
    Org(2, "antidiskriminierungsstelle", "Antidiskriminierungsstelle des Bundes", "DE",
        "equality_body", 0.22, {"de": 75, "en": 14, "fr": 2, "es": 2, "zh": 3, "ja": 2, "th": 1, "tl": 1}),
    Org(3, "aepd", "Agencia Española de Protección de Datos", "ES", "dpa", 0.15,
        {"es": 80, "en": 12, "fr": 3, "de": 2, "zh": 2, "tl": 1}),
    Org(4, "chr-philippines", "Commission on Human Rights of the Philippines", "PH", "nhri",
        0.13, {"tl": 50, "en": 46, "zh": 2, "ja": 2}),
    Org(5, "humanrights-dk", "Institut for Menneskerettigheder", "DK", "nhri", 0.11,
        {"da": 64, "en": 30, "de": 2, "th": 2, "tl": 2}),
    Org(6, "nhrc-thailand", "National Human Rights Commission of Thailand", "TH", "nhri", 0.08,
        {"th": 72, "en": 16, "zh": 6, "ja": 6}),
)

# Rank order gives Zipf-like weights (1/rank^1.1).
SECTORS = ("employment", "social_protection", "finance_credit", "consumer_services",
           "public_administration", "information_media", "housing", "education", "health",
           "migration_border", "law_enforcement", "democratic_participation", "other")
OTHER_COUNTRIES = ("RO", "PL", "TR", "MA", "IN", "SY", "UA", "NG", "IT", "PT", "VN", "CN",
                   "MM", "ID", "JP", "BR", "GB", "SE", "NL", "US")
RIGHTS = (("equality_non_discrimination", 0.5), ("privacy_data_protection", 0.45),
          ("access_to_remedy", 0.35), ("other", 0.06))
GROUNDS = ("race_ethnicity", "sex_gender", "age", "disability", "nationality_migration",
           "language", "socioeconomic_status", "religion_belief", "sexual_orientation")
REMEDIES = ("explanation", "human_review", "correction", "compensation", "deletion", "apology",
            "stop_system", "other")

# AI systems (with the ways people spell them) and the sectors they are used in.
SYSTEMS = (
    ("TalentSift", ("TalentSift", "Talent Sift", "talentsift", "TalentSift AI", "Talentsift"), ("employment",)),
    ("ShiftPilot", ("ShiftPilot", "Shift Pilot", "Shiftpilot app"), ("employment",)),
    ("BenefitGuard", ("BenefitGuard", "Benefit Guard", "BenefitGaurd", "the BenefitGuard system"),
     ("social_protection", "public_administration")),
    ("CreditPulse", ("CreditPulse", "Credit Pulse", "CreditPulse scoring", "creditpulse"), ("finance_credit",)),
    ("RiskLens", ("RiskLens", "Risk Lens", "RiskLens Pro", "Risklens"),
     ("finance_credit", "consumer_services", "law_enforcement")),
    ("HelpBot", ("HelpBot", "Help Bot", "the helpbot", "HelpBot chat"),
     ("consumer_services", "public_administration", "social_protection")),
    ("ModerAIte", ("ModerAIte", "Moderaite", "Moder-AI-te"), ("information_media", "democratic_participation")),
    ("TenantScore", ("TenantScore", "Tenant Score", "TenantScore Plus"), ("housing",)),
    ("SchoolMatch", ("SchoolMatch", "School Match", "Schoolmatch"), ("education",)),
    ("MedTriage", ("MedTriage", "Med Triage", "MedTriage AI"), ("health",)),
    ("BorderSense", ("BorderSense", "Border Sense", "Bordersense"), ("migration_border",)),
    ("FaceGate", ("FaceGate", "Face Gate", "FaceGate 3", "facegate"), ("law_enforcement", "migration_border")),
)
DEPLOYERS = (
    (("Caisse d'allocations familiales", "CAF", "la CAF"), "FR"),
    (("Bundesagentur für Arbeit", "Arbeitsagentur", "Agentur für Arbeit"), "DE"),
    (("QuickRide", "Quick Ride", "Quickride"), None),
    (("MetroBank", "Metro Bank", "Metrobank"), None),
    (("Nordic Staffing A/S", "Nordic Staffing", "NordicStaffing"), "DK"),
    (("Banco Meridional", "Bco. Meridional"), "ES"),
    (("City of Manila", "Manila City Hall"), "PH"),
    (("Bangkok Metropolitan Administration", "BMA"), "TH"),
    (("UniHousing", "Uni Housing"), None),
    (("Udbetaling Danmark", "UDK"), "DK"),
    (("SocialNet", "Social Net"), None),
    (("EuroAir", "Euro Air"), None),
)


def reference(n: int) -> str:
    """The n-th reference, `RMD-XXXX-XXXX`: distinct for every n below 30^8."""
    x = (n * _REFERENCE_MULTIPLIER + _REFERENCE_OFFSET) % _REFERENCE_SPACE
    digits = []
    for _ in range(8):
        x, d = divmod(x, 30)
        digits.append(ALPHABET[d])
    return f"RMD-{''.join(digits[:4])}-{''.join(digits[4:])}"


def zipf(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


class _Pick:
    """A weighted choice with precomputed cumulative weights (random.choices is slower)."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def users() -> list[dict]:
    """Staff of every organisation: an administrator, two supervisors and caseworkers in
    proportion to the organisation's share (the first caseworker is the busiest)."""
    rows = []
    for org in ORGANISATIONS:
        roles = ["org_admin", "supervisor", "supervisor"] + ["caseworker"] * (4 + round(org.share * 40))
        for i, role in enumerate(roles, start=1):
            rows.append({"id": len(rows) + 1, "organisation_id": org.id, "role": role,
                         "email": f"{role.replace('_', '-')}{i}@{org.slug}.example.org",
                         "name": f"{role.title()} {i} ({org.country})"})
    return rows


class Generator:
    """Complaints and their cases, as COPY-ready tuples, chunk by chunk."""

    def __init__(self, seed: int = 20261127, today: date | None = None):
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today or datetime.now(UTC).date()
        self.now = datetime.combine(self.today, time(12, 0), tzinfo=UTC)
        self.org = _Pick(ORGANISATIONS, [o.share for o in ORGANISATIONS])
        self.language = {o.id: _Pick(o.languages, o.languages.values()) for o in ORGANISATIONS}
        self.sector = _Pick(SECTORS, zipf(len(SECTORS)))
        self.other_country = _Pick(OTHER_COUNTRIES, zipf(len(OTHER_COUNTRIES), 0.9))
        self.system_any = _Pick(range(len(SYSTEMS)), zipf(len(SYSTEMS), 0.8))
        self.systems_for = {s: [i for i, sy in enumerate(SYSTEMS) if s in sy[2]] for s in SECTORS}
        self.deployer = _Pick(DEPLOYERS, zipf(len(DEPLOYERS), 0.9))
        self.filer = _Pick(("individual", "group", "representative_org"), (88, 7, 5))
        self.open_state = _Pick(OPEN_STATES, (20, 17, 9, 26, 8, 10, 10))
        self.final_state = _Pick(FINAL_STATES, (62, 24, 14))
        self.priority = _Pick((1, 2, 3), (10, 75, 15))
        staff = users()
        self.assignees = {
            o.id: _Pick(ids, zipf(len(ids), 0.7)) for o in ORGANISATIONS
            for ids in [[u["id"] for u in staff
                         if u["organisation_id"] == o.id and u["role"] != "org_admin"]]}

    def chunk(self, index: int, size: int, total: int):
        """(complaint, case) tuples for rows index*size .. (index+1)*size - 1 (ids start at
        1), stopping at `total`. Every row has its own random stream, so chunks can be made
        in any order, by any process, and still give the same rows."""
        for n in range(index * size, min(total, (index + 1) * size)):
            yield self._row(n)

    def _date(self, language: str, d: date) -> str:
        return DATE_FORMATS[language].format(d=d.day, m=d.month, y=d.year, mon=MONTHS[d.month - 1])

    def _narrative(self, language, system, deployer, received):
        rng = self.rng
        words = PHRASES[language]
        target = min(3000, max(300, int(rng.lognormvariate(math.log(850), 0.6))))
        sep = "" if language in NO_SPACES else " "

        def fill(template):
            slots = _slots(template)
            if not slots:
                return template
            values = {"system": system, "deployer": deployer}
            if "num" in slots:
                values["num"] = rng.randint(2, 60)
            if "amount" in slots:
                values["amount"] = rng.choice((150, 420, 800, 1200, 2500, 6000)) + rng.randint(0, 99)
            if "code" in slots:
                values["code"] = f"{rng.choice(ALPHABET)}{rng.choice(ALPHABET)}{rng.randint(1000, 99999)}"
            if "date" in slots:
                values["date"] = self._date(language, received - timedelta(days=rng.randint(1, 200)))
            return template.format(**values)

        parts = [fill(rng.choice(words["open"]))]
        for marker, rate in MARKERS.items():
            if rng.random() < rate:
                parts.append(words["marker"].format(marker=marker))
        length = len(parts[0])
        cycle = ("event", "impact", "event", "detail", "impact")
        i = 0
        while length < target:
            sentence = fill(rng.choice(words[cycle[i % len(cycle)]]))
            if length + len(sentence) > 2800:
                break
            parts.append(sentence)
            length += len(sentence) + len(sep)
            i += 1
        parts.append(fill(rng.choice(words["ask"])))
        return sep.join(parts)

    def _row(self, n: int):
        rng = self.rng
        # Each row has its own random stream, and draws its text last: the text depends on
        # `today` (dates in it change its length), everything else does not.
        rng.seed(self.seed * 10_000_000_000 + n)
        org = self.org(rng)
        complaint_id = n + 1
        # Volume grows over three years: density of "fraction of the way through" is 2t.
        days_ago = int(1095 * (1 - math.sqrt(rng.random())))
        received_at = self.now - timedelta(days=days_ago, seconds=rng.randint(0, 86_399))
        case = self._case(complaint_id, org.id, received_at, days_ago)
        language = self.language[org.id](rng)
        sector = self.sector(rng)
        fitting = self.systems_for[sector]
        index = rng.choice(fitting) if fitting and rng.random() < 0.8 else self.system_any(rng)
        system = rng.choice(SYSTEMS[index][1])
        deployer_names, deployer_country = self.deployer(rng)
        deployer = rng.choice(deployer_names) if rng.random() < 0.85 else None
        country = org.country if rng.random() < 0.8 else self.other_country(rng)
        filer_type = self.filer(rng)

        rights = [code for code, p in RIGHTS if rng.random() < p] or ["access_to_remedy"]
        grounds = (rng.sample(GROUNDS, rng.randint(1, 2))
                   if "equality_non_discrimination" in rights else [])
        remedies = rng.sample(REMEDIES, rng.randint(1, 3))
        has_contact = rng.random() < 0.7
        given, family = NAMES[language]
        contact_name = f"{rng.choice(given)} {rng.choice(family)}" if has_contact else None
        locale = {"fr": "fr", "zh": "zh_Hans"}.get(language, "en")
        secret_hash = f"{rng.getrandbits(256):064x}"
        channel = "web" if rng.random() < 0.85 else "api"
        harm_country = country if rng.random() < 0.9 else org.country
        date_of_harm = (received_at.date() - timedelta(days=rng.randint(0, 180))
                        if rng.random() < 0.8 else None)
        group_size = rng.randint(2, 400) if filer_type == "group" else None
        consents = (has_contact, rng.random() < 0.3, rng.random() < 0.2)
        named = deployer or deployer_names[0]  # the form field left blank, the story names it
        title = rng.choice(PHRASES[language]["title"]).format(system=system, deployer=named)[:200]
        narrative = self._narrative(language, system, named, received_at.date())

        complaint = (
            complaint_id, reference(n), secret_hash, org.id, channel, received_at, filer_type,
            title, narrative, language, country, harm_country, system, deployer,
            deployer_country if deployer else None, sector, _json(rights), "[]", _json(grounds),
            _json(remedies), date_of_harm, group_size,
            "Digital Rights Collective" if filer_type == "representative_org" else None,
            contact_name, f"person{complaint_id}@example.net" if has_contact else None,
            language if has_contact else None, locale, *consents,
        )
        return complaint, case

    def _case(self, case_id, organisation_id, opened_at, days_ago):
        rng = self.rng
        # Older complaints are more often finished; recent ones are mostly still open.
        final = rng.random() < 0.75 * days_ago / 1095
        if final:
            state = self.final_state(rng)
        elif days_ago < 10:
            state = "received" if rng.random() < 0.6 else "triage"
        else:
            state = self.open_state(rng)
        assigned = rng.random() < (0.1 if state == "received" else 0.9 if final else 0.75)
        assignee = self.assignees[organisation_id](rng) if assigned else None
        now = self.now
        if final:
            closed_at = min(now, opened_at + timedelta(days=rng.randint(3, max(4, days_ago)),
                                                       seconds=rng.randint(0, 86_399)))
            updated_at, next_due = closed_at, None
        else:
            closed_at = None
            updated_at = opened_at + (now - opened_at) * rng.random()
            # A paused clock (waiting for the complainant) has no due date.
            next_due = (None if rng.random() < 0.05
                        else self.today + timedelta(days=int(rng.gauss(14, 25))))
        return (case_id, organisation_id, case_id, state, assignee, self.priority(rng),
                opened_at, closed_at, updated_at, next_due)


@cache
def _slots(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name)


def _json(values: list[str]) -> str:
    # Codes are plain ASCII words: no escaping needed.
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"
