"""How fast the collective-claims matching engine is on a large database: the incremental
match of one new complaint, and the bulk aggregation of a whole organisation.

    python -m benchmarks.collective_bench --rows 100000            # quick: 100k + 10k + 1k
    python -m benchmarks.collective_bench --rows 1000000           # 1M + 100k + 10k
    python -m benchmarks.collective_bench --rows 1000000 --reuse   # keep a loaded database

`--rows N` loads three organisations of N, N/10 and N/100 complaints (1.11 N in all), each
complaint with its signature row as `matching.store_signature` writes it, into a database
of its own (`remedy_bench_collective`, dropped and created again by the app's migrations).

1. Incremental: for ~300 new complaints of the largest organisation (each inserted, then
   rolled back), `matching.store_signature` + `matching.suggest_for`, timed together (the
   `match_complaint` job without its commit). Baseline in the same run: one primary-key
   look-up of a signature row (ORM `session.get`, and raw psycopg).
2. Bulk: `matching.aggregate(organisation_id)` for the three organisations (each in a fresh
   process, as an RQ work horse runs it), the growth ratios, and a baseline: reading all
   the organisation's signature rows with a plain SELECT (psycopg, server-side cursor).

Goals: incremental p95 < 20 ms against 1M; bulk of 100k < 60 s; growth from 10k to 100k to
1M close to linear (each ratio at most GROWTH_MAX for 10x the complaints).
"""

import argparse
import cProfile
import hashlib
import io
import json
import multiprocessing
import os
import pstats
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from bisect import bisect
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from itertools import accumulate

import psycopg
from psycopg import sql

from benchmarks.generate import DEPLOYERS as KNOWN_DEPLOYERS
from benchmarks.generate import GROUNDS, REMEDIES, RIGHTS, SECTORS, reference
from benchmarks.generate import SYSTEMS as KNOWN_SYSTEMS
from benchmarks.load import (
    _create_indexes,
    libpq_url,
    make_app,
    migrate,
    migrations_head,
    recreate_database,
)
from benchmarks.phrases import DATE_FORMATS, MONTHS, NAMES
from benchmarks.queue_bench import percentile, summarise_plan

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/remedy_bench_collective"
DATA_VERSION = 2  # bump when the generated data changes: --reuse then reloads

INCREMENTAL_P95_MS = 20
BULK_100K_S = 60
GROWTH_MAX = 13.0  # 10x the complaints may take at most this many times as long

SYSTEM_COUNT = 20_000
SYSTEM_ZIPF = 1.0  # rank 1 has ~9.5% of the complaints, rank 100 ~0.1%
DUPLICATE_ENTRIES = 200  # the top systems also have a mistyped entry, never merged
DEPLOYER_COUNT = 3_000
PROVIDER_COUNT = 1_500
REFILE_RATE = 0.02  # the same complaint filed again (same person or same words)
BIG_TABLES = ("complaints", "complaint_signatures", "complaint_keys")
KEY_COLUMNS = ("complaint_id", "key", "organisation_id")


# --- the world: organisations, AI systems, deployers, providers ------------------------------


@dataclass(frozen=True)
class Org:
    id: int
    slug: str
    name: str
    country: str
    org_type: str
    divisor: int  # its size is rows / divisor
    languages: dict


ORGS = (
    Org(1, "defenseur-des-droits", "Défenseur des droits", "FR", "ombudsman", 1,
        {"fr": 70, "en": 18, "zh": 12}),
    Org(2, "ihrec", "Irish Human Rights and Equality Commission", "IE", "nhri", 10,
        {"en": 80, "fr": 8, "zh": 12}),
    Org(3, "eoc-hk", "Equal Opportunities Commission", "HK", "equality_body", 100,
        {"zh": 60, "en": 35, "fr": 5}),
)

HARMS = ("deactivation", "job_rejection", "credit_refusal", "benefit_fraud_flag",
         "facial_misidentification", "price_discrimination", "content_moderation",
         "workplace_surveillance", "data_misuse", "exam_grading", "border_visa",
         "medical_triage", "wage_scheduling", "tenant_screening", "chatbot_misinformation")
HARM_SECTOR = {
    "deactivation": "consumer_services", "job_rejection": "employment",
    "credit_refusal": "finance_credit", "benefit_fraud_flag": "social_protection",
    "facial_misidentification": "law_enforcement", "price_discrimination": "consumer_services",
    "content_moderation": "information_media", "workplace_surveillance": "employment",
    "data_misuse": "consumer_services", "exam_grading": "education",
    "border_visa": "migration_border", "medical_triage": "health",
    "wage_scheduling": "employment", "tenant_screening": "housing",
    "chatbot_misinformation": "public_administration",
}
KNOWN_HARMS = ("job_rejection", "wage_scheduling", "benefit_fraud_flag", "credit_refusal",
               "credit_refusal", "chatbot_misinformation", "content_moderation",
               "tenant_screening", "exam_grading", "medical_triage", "border_visa",
               "facial_misidentification")  # of KNOWN_SYSTEMS, in their order

COMMON_STEMS = ("Smart", "Auto", "Deep", "Data", "Opti", "Clear", "Trust", "Safe", "Fair",
                "Rapid", "Quick", "Easy", "True", "Meta", "Next", "Hyper", "Insight", "Bright",
                "Sure", "Prime", "Nova", "Vision", "Logic", "Neural", "Cogni", "Predict",
                "Signal", "Secure", "Flex", "Work", "Hire", "Cash", "Rent", "Med", "Edu", "Gov",
                "City", "Civic", "Social", "Pay")
PARTS = ("Score", "Sift", "Guard", "Pilot", "Lens", "Bot", "Match", "Sense", "Gate", "Check",
         "Scan", "Rank", "Flow", "Mind", "Eye", "Link", "Desk", "Hub", "Wise", "Path", "Shield",
         "Track", "Assist", "Rate", "Screen", "Verify", "Metrics", "Engine", "Cloud", "Core")
EDITIONS = (" 2", " Pro", " Plus", " X", " 360", " AI", " Lite")
CONSONANTS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "x", "qu",
              "br", "tr", "st", "pl")
VOWELS = ("a", "e", "i", "o", "u", "ai", "y")
CODAS = ("", "", "", "n", "r", "x", "l", "s", "q")
DEPLOYER_KINDS = ("Bank", "Insurance", "Logistics", "Staffing", "Housing", "Mobility", "Retail",
                  "Clinic", "Delivery", "Energy", "Telecom", "Agency", "Credit Union", "Rides")
PROVIDER_KINDS = ("Technologies", "Labs", "AI", "Systems", "Analytics", "GmbH", "SAS", "Ltd",
                  "Inc.", "B.V.")
COUNTRIES = ("FR", "IE", "HK", "DE", "ES", "US", "CN", "GB", "NL", "IN")


@dataclass(frozen=True)
class System:
    id: int  # = its rank: 1 has the most complaints
    name: str
    variants: tuple[str, ...]  # how filers type it (resolved to this entry)
    harms: tuple[str, str]  # main and second harm
    provider_id: int
    deployer_ids: tuple[int, ...]
    duplicate_id: int | None  # a mistyped registry entry of its own, never merged
    duplicate_name: str | None


@dataclass(frozen=True)
class World:
    systems: tuple[System, ...]
    deployers: tuple[tuple[int, str, str], ...]  # id, name, country
    providers: tuple[tuple[int, str], ...]  # id, name


class _Pick:
    """A weighted choice with precomputed cumulative weights."""

    def __init__(self, items, weights):
        self.items = tuple(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _word(rng, syllables: int) -> str:
    text = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(syllables))
    return (text + rng.choice(CODAS)).capitalize()


def _typo(name: str, rng) -> str:
    """Two neighbouring letters swapped (not the first), or a letter doubled."""
    letters = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not letters:
        return name + name[-1]
    i = rng.choice(letters)
    if rng.random() < 0.5 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + name[i] + name[i:]


def _variants(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    joined = name.replace(" ", "")
    return tuple(dict.fromkeys((name, name.lower(), spaced, joined, f"{name} app",
                                f"the {name} system")))


@cache
def world(seed: int) -> World:
    """Deterministic from the seed: 20,000 AI systems by rank (the twelve of the queue
    benchmark first), 3,000 deployers and 1,500 providers."""
    rng = random.Random(seed)
    deployers = [(i + 1, names[0], country or rng.choice(COUNTRIES))
                 for i, (names, country) in enumerate(KNOWN_DEPLOYERS)]
    seen = {d[1] for d in deployers}
    while len(deployers) < DEPLOYER_COUNT:
        name = f"{_word(rng, rng.randint(2, 3))} {rng.choice(DEPLOYER_KINDS)}"
        if name not in seen:
            seen.add(name)
            deployers.append((len(deployers) + 1, name, rng.choice(COUNTRIES)))
    providers, seen = [], set()
    while len(providers) < PROVIDER_COUNT:
        name = f"{_word(rng, 2)} {rng.choice(PROVIDER_KINDS)}"
        if name not in seen:
            seen.add(name)
            providers.append((DEPLOYER_COUNT + len(providers) + 1, name))

    names = [(name, variants) for name, variants, _ in KNOWN_SYSTEMS]
    taken = {n for n, _ in names}
    generated = []
    # A third of the names are common stems + parts (many share their first letters:
    # "Smart...", "Auto..."), some in several editions; the rest made-up words.
    for stem in COMMON_STEMS:
        for part in PARTS:
            generated.append(stem + part)
            if rng.random() < 0.25:
                generated.append(stem + part + rng.choice(EDITIONS))
    while len(generated) + len(names) < SYSTEM_COUNT:
        name = _word(rng, rng.randint(2, 3))
        if rng.random() < 0.4:
            name += rng.choice(PARTS) if rng.random() < 0.5 else " " + rng.choice(PARTS)
        if name not in taken:
            generated.append(name)
            taken.add(name)
    rng.shuffle(generated)
    names += [(n, _variants(n)) for n in generated[:SYSTEM_COUNT - len(names)]]

    harm_pick = _Pick(HARMS, [1 / (i + 1) ** 0.7 for i in range(len(HARMS))])
    deployer_pick = _Pick(range(1, DEPLOYER_COUNT + 1), [1 / r ** 0.9 for r in range(1, DEPLOYER_COUNT + 1)])
    systems = []
    for rank, (name, variants) in enumerate(names, start=1):
        main = KNOWN_HARMS[rank - 1] if rank <= len(KNOWN_HARMS) else harm_pick(rng)
        second = harm_pick(rng)
        duplicate = rank <= DUPLICATE_ENTRIES
        systems.append(System(
            id=rank, name=name, variants=tuple(variants), harms=(main, second),
            provider_id=DEPLOYER_COUNT + 1 + int(PROVIDER_COUNT * rng.random() ** 2),
            deployer_ids=tuple({deployer_pick(rng) for _ in range(rng.randint(1, 4))}),
            duplicate_id=SYSTEM_COUNT + rank if duplicate else None,
            duplicate_name=_typo(name, rng) if duplicate else None))
    return World(tuple(systems), tuple(deployers), tuple(providers))


# --- what complaints say ------------------------------------------------------------------
# Each harm in each language, two ways (every sentence is found as its harm, and only it, by
# `domain.harm_concepts`; the filler sentences name no harm: checked by `check_phrases`).

HARM_SENTENCES = {
    "deactivation": {
        "en": ["{system} deactivated my account without warning and I could no longer work.",
               "My account was suspended by {system} overnight; the app said I had broken its rules."],
        "fr": ["Mon compte a été désactivé par {system} du jour au lendemain.",
               "{system} a bloqué mon accès : compte suspendu sans explication ni recours."],
        "zh": ["{system}突然停用了我的账号，我无法再接单。", "我的账号被封了，{system}说我违反了规定。"],
    },
    "job_rejection": {
        "en": ["My job application was rejected by {system} within minutes.",
               "The recruitment software {system} screened out my CV before any person saw it."],
        "fr": ["Ma candidature a été rejetée automatiquement par {system}.",
               "Le logiciel de recrutement {system} a écarté mon dossier sans entretien."],
        "zh": ["我的求职申请被{system}在几分钟内自动拒绝了。", "{system}的招聘系统在没有面试的情况下筛掉了我的简历。"],
    },
    "credit_refusal": {
        "en": ["My loan request was refused by {system} because of an automated credit score.",
               "{system} lowered my credit limit and the bank refused my mortgage."],
        "fr": ["Ma demande de prêt a été refusée : prêt refusé par {system} sans explication.",
               "{system} a jugé ma solvabilité insuffisante et mon crédit a été refusé."],
        "zh": ["我的贷款申请被{system}拒绝了，贷款被拒却没有任何解释。", "{system}给我的信用评分很低，银行拒绝了我的房贷。"],
    },
    "benefit_fraud_flag": {
        "en": ["{system} flagged me for welfare fraud and my benefits were stopped.",
               "My allowance was suspended after {system} gave me a high risk score."],
        "fr": ["{system} a signalé mon dossier pour fraude et mes prestations ont été suspendues.",
               "Mon allocation a été coupée après un contrôle de fraude déclenché par {system}."],
        "zh": ["{system}把我标记为骗保，我的福利被停发了。", "{system}给了我很高的风险评分，我的低保补助被取消了。"],
    },
    "facial_misidentification": {
        "en": ["The facial recognition camera of {system} misidentified me as someone else.",
               "{system} wrongly identified me at the station and I was stopped by the police."],
        "fr": ["La reconnaissance faciale de {system} m'a confondu avec une autre personne.",
               "Le système de reconnaissance faciale {system} s'est trompé sur mon identité."],
        "zh": ["{system}的人脸识别把我认错成了别人。", "车站的{system}刷脸系统误认了我，我被警察拦下。"],
    },
    "price_discrimination": {
        "en": ["{system} charged more to me than to my neighbours for the same service.",
               "My insurance premium was raised by {system} because of where I live."],
        "fr": ["{system} m'a fait payer plus cher que mes voisins pour le même service.",
               "Ma prime d'assurance a augmenté à cause de {system}."],
        "zh": ["{system}对我大数据杀熟，同样的服务我的价格更高。", "{system}根据我的住址提高了我的保费。"],
    },
    "content_moderation": {
        "en": ["{system} removed my post and my content was removed again the next day.",
               "My video was removed by {system} and my page was shadow banned."],
        "fr": ["{system} a supprimé ma publication : publication supprimée sans raison.",
               "Mon contenu supprimé par {system} n'a jamais été rétabli."],
        "zh": ["{system}把我的帖子删了，删帖没有任何理由。", "我的账号被{system}限流，内容被删除。"],
    },
    "workplace_surveillance": {
        "en": ["{system} monitored my keystrokes and my webcam all day at work.",
               "My employer used {system} to give me a productivity score from tracking software."],
        "fr": ["{system} m'a surveillé en permanence au travail, même par la webcam.",
               "Mon employeur utilise {system} pour le suivi de productivité de chaque salarié."],
        "zh": ["公司用{system}监控我的电脑和摄像头。", "{system}一直监视我们，还给每个人打工作效率评分。"],
    },
    "data_misuse": {
        "en": ["{system} shared my personal data with other companies without consent.",
               "After a data leak at {system}, my personal data was sold."],
        "fr": ["{system} a partagé mes données personnelles sans consentement.",
               "Une fuite de données chez {system} a exposé mes informations."],
        "zh": ["{system}未经同意把我的个人信息给了其他公司。", "{system}发生数据泄露，我的隐私被曝光了。"],
    },
    "exam_grading": {
        "en": ["{system} gave my son a final grade far below his results during the year.",
               "The online proctor {system} failed my exam because I looked away from the screen."],
        "fr": ["{system} a attribué à ma fille une note finale bien inférieure à ses résultats.",
               "{system} a annulé mon examen en ligne sans vérification."],
        "zh": ["{system}给我孩子的考试成绩打得比平时低很多。", "{system}监考系统判定我作弊，取消了我的成绩。"],
    },
    "border_visa": {
        "en": ["My visa was refused after {system} classified me as high risk.",
               "At the border, {system} sent my asylum file to a fast-track rejection."],
        "fr": ["Ma demande de titre de séjour a été refusée après une analyse par {system}.",
               "À la frontière, {system} m'a classé comme suspect."],
        "zh": ["{system}把我标记为高风险，我的签证被拒了。", "在边境，{system}把我的庇护申请自动驳回了。"],
    },
    "medical_triage": {
        "en": ["{system} put my mother at the bottom of the hospital triage list.",
               "The medical software {system} gave a wrong diagnosis and my treatment was denied."],
        "fr": ["{system} a classé ma mère en dernier à l'hôpital malgré ses symptômes.",
               "Le diagnostic proposé par {system} était faux et mes soins ont été retardés."],
        "zh": ["医院用{system}分诊，把我母亲排在了最后。", "{system}的诊断错误，我的治疗被耽误了。"],
    },
    "wage_scheduling": {
        "en": ["{system} cut my wages and gave my shifts to others without explanation.",
               "Since {system} took over the scheduling, my earnings dropped by half."],
        "fr": ["{system} a réduit mon salaire et modifié mes horaires sans prévenir.",
               "Depuis que {system} calcule la rémunération, je gagne deux fois moins."],
        "zh": ["{system}派单越来越少，我的收入下降了一半。", "{system}自动排班，扣了我的工资。"],
    },
    "tenant_screening": {
        "en": ["{system} rejected my rental application and the landlord would not say why.",
               "The tenant screening by {system} marked me as a risk."],
        "fr": ["{system} a refusé mon dossier de logement et le bailleur ne m'a rien expliqué.",
               "En tant que locataire, j'ai été écarté par le tri de {system}."],
        "zh": ["{system}拒绝了我的租房申请，房东也不解释。", "{system}把我列为高风险租客。"],
    },
    "chatbot_misinformation": {
        "en": ["The chatbot {system} gave me false information about my rights.",
               "{system} made up a story about me that is defamatory."],
        "fr": ["L'agent conversationnel {system} m'a donné de fausses informations sur mes droits.",
               "{system} a inventé des faits à mon sujet : c'est de la diffamation."],
        "zh": ["{system}聊天机器人给了我关于权利的虚假信息。", "{system}编造了关于我的内容，这是诽谤。"],
    },
}
FILLER = {
    "en": {
        "open": ["I am writing about {system}, used by {deployer}.",
                 "On {date} I received a decision from {deployer}.",
                 "I have been a customer of {deployer} for {num} years.",
                 "I am filing this on behalf of my father, who does not use computers."],
        "event": ["The decision was made automatically, without any human review.",
                  "Nobody at {deployer} could explain how the decision was made.",
                  "I received a short automated message and no explanation.",
                  "I called their helpline {num} times and waited over an hour each time.",
                  "The letter I received on {date} only said that the decision was final.",
                  "My reference number with them is {code}.",
                  "Other people I know have had the same problem with {system}.",
                  "I felt humiliated and powerless.",
                  "Because of this I lost {amount} euros.",
                  "I sent them my documents twice and never got an answer."],
        "ask": ["I ask for an explanation and a review by a real person.",
                "Please investigate whether {system} is lawful.",
                "I would like the decision reconsidered and an apology.",
                "I want to know which information about me was used."],
        "title": ["Complaint about {system}", "Automated decision by {system}",
                  "Problem with {system} at {deployer}", "{deployer} and {system}"],
    },
    "fr": {
        "open": ["Je vous écris au sujet de {system}, utilisé par {deployer}.",
                 "Le {date}, j'ai reçu une décision de {deployer}.",
                 "Je suis client de {deployer} depuis {num} ans.",
                 "J'écris au nom de mon père, qui n'utilise pas d'ordinateur."],
        "event": ["La décision a été prise automatiquement, sans intervention humaine.",
                  "Personne chez {deployer} n'a pu m'expliquer la décision.",
                  "J'ai reçu un message automatique, sans aucune explication.",
                  "J'ai appelé leur service {num} fois sans obtenir de réponse.",
                  "Le courrier du {date} indiquait seulement que la décision était définitive.",
                  "Mon numéro de dossier est {code}.",
                  "D'autres personnes de mon entourage ont eu le même problème avec {system}.",
                  "Je me suis senti humilié et impuissant.",
                  "J'ai perdu {amount} euros à cause de cela.",
                  "J'ai envoyé mes justificatifs deux fois sans jamais recevoir de réponse."],
        # Not "réexamen": the lexicon's "examen" would find the harm exam_grading in it.
        "ask": ["Je demande une explication et une révision par une personne.",
                "Je vous demande d'enquêter sur la légalité de {system}.",
                "Je souhaite que la décision soit revue et des excuses.",
                "Je veux savoir quelles informations ont été utilisées."],
        "title": ["Réclamation concernant {system}", "Décision automatisée de {system}",
                  "Problème avec {system} chez {deployer}"],
    },
    "zh": {
        "open": ["我想投诉{deployer}使用的{system}。", "{date}，我收到了{deployer}的一个决定。",
                 "我是{deployer}的老客户，已经{num}年了。", "我替我父亲写这封投诉，他不会用电脑。"],
        "event": ["这个决定是自动做出的，没有任何人工审核。", "{deployer}没有人能解释这个决定是怎么做出的。",
                  "我只收到一条自动消息，没有任何解释。", "我给他们的客服打了{num}次电话，每次都等了一个多小时。",
                  "{date}的信里只说这个决定是最终的。", "我的案件编号是{code}。",
                  "我认识的其他人也遇到了{system}同样的问题。", "我感到很屈辱，也很无助。",
                  "因为这件事我损失了{amount}元。", "我把材料寄了两次，一直没有回复。"],
        "ask": ["我要求解释这个决定，并由真人重新审查。", "请调查{system}是否合法。",
                "我希望重新考虑这个决定并向我道歉。", "我想知道他们用了我的哪些资料。"],
        "title": ["关于{system}的投诉", "{system}的自动决定", "{deployer}使用{system}的问题"],
    },
}
CODE_LETTERS = "ABCDEFGHJKMNPQRSTVWXYZ"


def check_phrases() -> list[str]:
    """Harms the lexicon finds where the templates did not mean them: in a harm sentence,
    another harm; in a filler sentence, any. The lexicon is the app's: the benchmark keeps
    its text and reports these (they are part of what matching sees)."""
    from remedy.collective.domain import harm_concepts

    values = {"system": "Kavora Score", "deployer": "Metro Bank", "date": "3 May 2026",
              "num": 5, "code": "AB1234", "amount": 300}
    found_where = []
    for harm, languages in HARM_SENTENCES.items():
        for sentences in languages.values():
            for sentence in sentences:
                found = harm_concepts(sentence.format(**values))
                if harm not in found:
                    found_where.append(f"{sentence!r}: {harm} not found")
                if set(found) - {harm}:
                    found_where.append(f"{sentence!r} ({harm}) also: {sorted(set(found) - {harm})}")
    for parts in FILLER.values():
        for sentences in parts.values():
            for sentence in sentences:
                if found := harm_concepts(sentence.format(**values)):
                    found_where.append(f"{sentence!r} (no harm meant): {sorted(found)}")
    return found_where


# --- complaints ---------------------------------------------------------------------------

COMPLAINT_COLUMNS = (
    "id", "reference", "secret_hash", "organisation_id", "channel", "received_at",
    "withdrawn_at", "filer_type", "title", "narrative", "language", "complainant_country",
    "harm_country", "ai_system_as_named", "deployer_as_named", "provider_as_named",
    "deployer_country", "ai_system_id", "deployer_id", "provider_id", "sector",
    "rights_dimensions", "other_rights", "grounds", "remedies_sought", "date_of_harm",
    "group_size", "mandate_organisation_name", "contact_name", "contact_email",
    "contact_language", "interface_locale", "consent_contact", "consent_share_across_borders",
    "consent_publish_narrative",
)
JSON_COLUMNS = frozenset({"rights_dimensions", "other_rights", "grounds", "remedies_sought"})
SIGNATURE_COLUMNS = (
    "complaint_id", "organisation_id", "ai_system_id", "deployer_id", "provider_id",
    "system_key", "system_prefix", "harm", "concepts", "tokens", "language", "sector", "rights",
    "contact_hash", "complainant_country", "brands", "owner_brands", "computed_at",
)


@dataclass(frozen=True)
class Part:
    """One organisation's complaints: global rows first .. first + count - 1."""

    org: Org
    first: int
    count: int


def layout(rows: int) -> list[Part]:
    parts, first = [], 0
    for org in ORGS:
        count = max(1, rows // org.divisor)
        parts.append(Part(org, first, count))
        first += count
    return parts


class Maker:
    """Complaints as dicts of column values (lists for JSON columns), row by row: every row
    has its own random stream, so any process can make any row and get the same one."""

    def __init__(self, seed: int, parts: list[Part], today: date):
        self.seed = seed
        self.parts = parts
        self.total = sum(p.count for p in parts)
        self.now = datetime.combine(today, dtime(12, 0), tzinfo=UTC)
        self.world = world(seed)
        self.system = _Pick(self.world.systems,
                            [1 / r ** SYSTEM_ZIPF for r in range(1, SYSTEM_COUNT + 1)])
        self.any_deployer = _Pick(self.world.deployers,
                                  [1 / r ** 0.9 for r in range(1, DEPLOYER_COUNT + 1)])
        self.deployer_by_id = {d[0]: d for d in self.world.deployers}
        self.provider_by_id = dict(self.world.providers)
        self.any_harm = _Pick(HARMS, [1 / (i + 1) ** 0.7 for i in range(len(HARMS))])
        self.language = {p.org.id: _Pick(p.org.languages, p.org.languages.values()) for p in parts}
        self.filer = _Pick(("individual", "group", "representative_org"), (88, 7, 5))

    def part_of(self, n: int) -> Part:
        for part in self.parts:
            if n < part.first + part.count:
                return part
        return self.parts[0]  # rows after the loaded ones: new complaints of the largest

    def complaint(self, n: int) -> dict:
        """Row n (0-based; complaint id n + 1)."""
        rng = random.Random(self.seed * 10_000_000_000 + n)
        part = self.part_of(n)
        k = n - part.first  # position in the organisation: later = received later
        fraction = min(1.0, (k + rng.random()) / part.count)
        received = self.now - timedelta(days=1095 * (1 - fraction), seconds=rng.randint(0, 3600))
        if k >= 100 and rng.random() < REFILE_RATE:
            return self._refile(n, rng, received)
        org = part.org
        system = self.system(rng)
        system_id, typed = system.id, rng.choice(system.variants)
        if system.duplicate_id and rng.random() < 0.05:
            system_id, typed = system.duplicate_id, system.duplicate_name
        elif rng.random() < 0.04:
            typed = _typo(system.name, rng)  # mistyped, resolved by the registry's fuzzy match
        roll = rng.random()
        harm = (system.harms[0] if roll < 0.78 else system.harms[1] if roll < 0.9
                else self.any_harm(rng) if roll < 0.96 else "")
        deployer = None
        if rng.random() < 0.85:
            deployer = (self.deployer_by_id[rng.choice(system.deployer_ids)]
                        if rng.random() < 0.7 else self.any_deployer(rng))
        provider = system.provider_id if rng.random() < 0.35 else None
        language = self.language[org.id](rng)
        country = org.country if rng.random() < 0.85 else rng.choice(COUNTRIES)
        sector = (HARM_SECTOR[harm] if harm and rng.random() < 0.85
                  else rng.choice(SECTORS))
        title, narrative = self._text(rng, language, typed,
                                      deployer[1] if deployer else system.name + " users",
                                      harm, received)
        filer = self.filer(rng)
        rights = [code for code, p in RIGHTS if rng.random() < p] or ["access_to_remedy"]
        has_contact = rng.random() < 0.6
        given, family = NAMES[language]
        return {
            "id": n + 1, "reference": reference(n), "secret_hash": f"{rng.getrandbits(256):064x}",
            "organisation_id": org.id, "channel": "web" if rng.random() < 0.85 else "api",
            "received_at": received,
            "withdrawn_at": received + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.01 else None,
            "filer_type": filer, "title": title, "narrative": narrative, "language": language,
            "complainant_country": country, "harm_country": country,
            "ai_system_as_named": typed,
            "deployer_as_named": deployer[1] if deployer else None,
            "provider_as_named": self.provider_by_id[provider] if provider else None,
            "deployer_country": deployer[2] if deployer else None,
            "ai_system_id": system_id, "deployer_id": deployer[0] if deployer else None,
            "provider_id": provider, "sector": sector, "rights_dimensions": rights,
            "other_rights": [],
            "grounds": (rng.sample(GROUNDS, rng.randint(1, 2))
                        if "equality_non_discrimination" in rights else []),
            "remedies_sought": rng.sample(REMEDIES, rng.randint(1, 3)),
            "date_of_harm": (received - timedelta(days=rng.randint(0, 180))).date(),
            "group_size": rng.randint(2, 400) if filer == "group" else None,
            "mandate_organisation_name": "Digital Rights Collective" if filer == "representative_org" else None,
            "contact_name": f"{rng.choice(given)} {rng.choice(family)}" if has_contact else None,
            "contact_email": f"person{n + 1}@example.net" if has_contact else None,
            "contact_language": language if has_contact else None,
            "interface_locale": {"fr": "fr", "zh": "zh_Hans"}.get(language, "en"),
            "consent_contact": has_contact, "consent_share_across_borders": rng.random() < 0.3,
            "consent_publish_narrative": rng.random() < 0.2,
        }

    def _refile(self, n: int, rng, received) -> dict:
        """The same complaint again, a few days to months later: by the same person (same
        contact) or anonymously in nearly the same words."""
        part = self.part_of(n)
        end = min(n, part.first + part.count)  # a new complaint refiles a loaded one
        original = self.complaint(end - rng.randint(1, min(end - part.first, 5000)))
        language = original["language"]
        sep = "" if language == "zh" else " "
        values = self._values(rng, language, original["ai_system_as_named"],
                              original["deployer_as_named"] or original["ai_system_as_named"],
                              received)
        extra = rng.choice(FILLER[language]["event"]).format(**values)
        keep_contact = original["contact_email"] is not None and rng.random() < 0.7
        return {**original, "id": n + 1, "reference": reference(n),
                "secret_hash": f"{rng.getrandbits(256):064x}", "received_at": received,
                "withdrawn_at": None, "narrative": original["narrative"] + sep + extra,
                **({} if keep_contact else {"contact_name": None, "contact_email": None,
                                            "contact_language": None, "consent_contact": False})}

    def _values(self, rng, language, system, deployer, received) -> dict:
        day = (received - timedelta(days=rng.randint(1, 120))).date()
        return {"system": system, "deployer": deployer, "num": rng.randint(2, 40),
                "amount": rng.choice((150, 420, 800, 1200, 2500)) + rng.randint(0, 99),
                "code": f"{rng.choice(CODE_LETTERS)}{rng.choice(CODE_LETTERS)}{rng.randint(1000, 99999)}",
                "date": DATE_FORMATS[language].format(d=day.day, m=day.month, y=day.year,
                                                      mon=MONTHS[day.month - 1])}

    def _text(self, rng, language, system, deployer, harm, received) -> tuple[str, str]:
        words = FILLER[language]
        values = self._values(rng, language, system, deployer, received)
        middle = rng.sample(words["event"], rng.randint(2, 6))
        if harm:
            said = HARM_SENTENCES[harm][language]
            for sentence in rng.sample(said, 2 if rng.random() < 0.5 else 1):
                middle.insert(rng.randint(0, len(middle)), sentence)
        if rng.random() < 0.1:  # another harm mentioned in passing
            other = rng.choice(HARM_SENTENCES[self.any_harm(rng)][language])
            middle.insert(rng.randint(1, len(middle)), other)
        sentences = [rng.choice(words["open"]), *middle, rng.choice(words["ask"])]
        sep = "" if language == "zh" else " "
        narrative = sep.join(s.format(**values) for s in sentences)
        title = rng.choice(words["title"]).format(**values)[:200]
        return title, narrative


def signature_rows(c: dict, computed_at: datetime, with_keys: bool) -> tuple[tuple, list[tuple]]:
    """The signature row `matching.store_signature` writes for this complaint, and its
    blocking-key rows (`complaint_keys`, when the schema has them), computed with the same
    domain functions (`verify_signatures` checks a sample against the app)."""
    from remedy.collective import domain

    sig = domain.build_signature(
        complaint_id=c["id"], text=f"{c['title']}\n{c['narrative']}", language=c["language"],
        ai_system_id=c["ai_system_id"], ai_system_name="",
        ai_system_as_named=c["ai_system_as_named"], deployer_id=c["deployer_id"],
        deployer_name=c["deployer_as_named"], provider_id=c["provider_id"], sector=c["sector"], rights=c["rights_dimensions"],
        contact=domain.contact_hash(c["contact_email"], c.get("contact_phone"), c["contact_name"]),
        complainant_country=c["complainant_country"])
    row = (c["id"], c["organisation_id"], sig.ai_system_id, sig.deployer_id, sig.provider_id,
           sig.system_key, sig.system_key.replace(" ", "")[:4], sig.harm,
           _json(sorted(sig.concepts)), _json(sorted(sig.tokens)), sig.language, sig.sector,
           _json(sorted(sig.rights)), sig.contact_hash, sig.complainant_country,
           " ".join(sorted(sig.brands)), " ".join(sorted(sig.owner_brands)), computed_at)
    keys = ([(c["id"], key[:80], c["organisation_id"])
             for key in dict.fromkeys(domain.blocking_keys(sig))] if with_keys else [])
    return row, keys


def _json(values) -> str:
    return json.dumps(values, ensure_ascii=False)


def _copy_row(c: dict) -> tuple:
    return tuple(_json(c[k]) if k in JSON_COLUMNS else c[k] for k in COMPLAINT_COLUMNS)


# --- loading ------------------------------------------------------------------------------


def schema_hash() -> str:
    """Of the migrations' text: a migration edited in place (same head) changes it too."""
    from remedy.app import ROOT

    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def marker(rows: int, seed: int) -> str:
    return (f"collective_bench rows={rows} seed={seed} data={DATA_VERSION} "
            f"head={migrations_head()} schema={schema_hash()}")


def loaded(url: str, rows: int, seed: int) -> bool:
    """Whether the database holds exactly what this run would load (its comment says so and
    the counts agree)."""
    try:
        with psycopg.connect(libpq_url(url)) as conn:
            comment = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                   "WHERE datname = current_database()").fetchone()[0]
            complaints = conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
            signatures = conn.execute("SELECT count(*) FROM complaint_signatures").fetchone()[0]
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return False
    total = sum(p.count for p in layout(rows))
    return comment == marker(rows, seed) and complaints == signatures == total


def load(url: str, rows: int, seed: int, jobs: int, chunk: int = 20_000, log=print) -> dict:
    """A fresh database: registry, organisations, complaints and their signatures by COPY
    (one process per core), secondary indexes dropped for the load and made again, then a
    few collective claims and decided suggestions, VACUUM (ANALYZE)."""
    today = datetime.now(UTC).date()
    parts = layout(rows)
    total = sum(p.count for p in parts)
    timings = {}
    started = time.perf_counter()
    recreate_database(url)
    migrate(url)
    timings["create + migrate"] = time.perf_counter() - started

    with psycopg.connect(libpq_url(url)) as conn:
        _insert_registry(conn, world(seed))
        indexes = _drop_secondary_indexes(conn)

    step = time.perf_counter()
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_load_chunk, url, seed, rows, today, start, min(total, start + chunk))
                   for start in range(0, total, chunk)]
        for future in as_completed(futures):
            done += future.result()
            elapsed = time.perf_counter() - step
            if done == total or done % (chunk * 10) == 0:
                log(f"  {done:>9,} / {total:,} complaints + signatures  {elapsed:6.1f} s  "
                    f"({done / elapsed:,.0f} rows/s)")
    timings["generate + sign + COPY"] = time.perf_counter() - step

    step = time.perf_counter()
    _create_indexes(url, indexes, jobs, log)
    timings["indexes"] = time.perf_counter() - step

    step = time.perf_counter()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        _claims_and_decisions(conn, parts)
        for table in ("organisations", "respondents", "ai_systems", "registry_aliases",
                      "complaints", "collective_claims", "claim_members", "collective_suggestions"):
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                                 "(SELECT coalesce(max(id), 0) + 1 FROM {i}), false)").format(
                t=sql.Literal(table), i=sql.Identifier(table)))
        conn.execute("VACUUM (ANALYZE)")
        name = psycopg.conninfo.conninfo_to_dict(libpq_url(url))["dbname"]
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(name), sql.Literal(marker(rows, seed))))
    timings["claims + vacuum + analyze"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return timings


def _insert_registry(conn, w: World) -> None:
    from remedy.registry.names import match_key, name_key

    now = datetime.now(UTC)
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO organisations (id, slug, name, country, org_type, sectors, "
            "rights_dimensions, accepts_complaints, closure_needs_approval, clock_lengths, "
            "created_at) VALUES (%s, %s, %s, %s, %s, '[]', '[]', true, false, '{}', %s)",
            [(o.id, o.slug, o.name, o.country, o.org_type, now) for o in ORGS])
        with cur.copy("COPY respondents (id, name, kind, main_establishment_country, "
                      "is_public_authority, created_at) FROM STDIN") as copy:
            for rid, name, country in w.deployers:
                copy.write_row((rid, name, "deployer", country, False, now))
            for rid, name in w.providers:
                copy.write_row((rid, name, "provider", None, False, now))
        with cur.copy("COPY ai_systems (id, name, provider_id, created_at) FROM STDIN") as copy:
            for s in w.systems:
                copy.write_row((s.id, s.name, s.provider_id, now))
                if s.duplicate_id:
                    copy.write_row((s.duplicate_id, s.duplicate_name, None, now))
        with cur.copy("COPY registry_aliases (respondent_id, ai_system_id, alias, key, match_key, "
                      "source, created_at) FROM STDIN") as copy:
            for rid, name, *_ in (*w.deployers, *w.providers):
                copy.write_row((rid, None, name, name_key(name), match_key(name), "typed", now))
            for s in w.systems:
                for name in s.variants[:3]:
                    copy.write_row((None, s.id, name, name_key(name), match_key(name), "typed", now))
                if s.duplicate_id:
                    copy.write_row((None, s.duplicate_id, s.duplicate_name,
                                    name_key(s.duplicate_name), match_key(s.duplicate_name),
                                    "typed", now))
    conn.commit()


def _drop_secondary_indexes(conn) -> list[tuple[str, str]]:
    """Drop the indexes of the big tables that back no constraint; their definitions."""
    rows = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [[t for t in BIG_TABLES if conn.execute("SELECT to_regclass(%s)", [t]).fetchone()[0]]]
    ).fetchall()
    for name, _ in rows:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    conn.commit()
    return rows


def has_keys_table(conn) -> bool:
    """Whether the schema keeps blocking keys in a table of their own (`complaint_keys`)."""
    return conn.execute("SELECT to_regclass('complaint_keys') IS NOT NULL").fetchone()[0]


def _load_chunk(url: str, seed: int, rows: int, today: date, start: int, stop: int) -> int:
    """Complaints start..stop-1, their signatures (and blocking keys), in one transaction."""
    maker = Maker(seed, layout(rows), today)
    computed_at = datetime.now(UTC)

    def copy_sql(table, columns):
        return sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))

    signatures, keys = [], []
    with psycopg.connect(libpq_url(url)) as conn, conn.cursor() as cur:
        with_keys = has_keys_table(conn)
        with cur.copy(copy_sql("complaints", COMPLAINT_COLUMNS)) as copy:
            for n in range(start, stop):
                c = maker.complaint(n)
                copy.write_row(_copy_row(c))
                row, its_keys = signature_rows(c, computed_at, with_keys)
                signatures.append(row)
                keys += its_keys
        with cur.copy(copy_sql("complaint_signatures", SIGNATURE_COLUMNS)) as copy:
            for row in signatures:
                copy.write_row(row)
        if with_keys:
            with cur.copy(copy_sql("complaint_keys", KEY_COLUMNS)) as copy:
                for row in keys:
                    copy.write_row(row)
    return stop - start


def _claims_and_decisions(conn, parts: list[Part]) -> None:
    """What caseworkers have done: collective claims about the organisation's most named AI
    systems (one per 20,000 complaints, at least 3), each with 60 counted members; and
    decided suggestions (1 complaint in 200 rejected a grouping, 1 in 1,000 confirmed one)."""
    for part in parts:
        conn.execute(
            "INSERT INTO collective_claims (organisation_id, title, ai_system_id, harm, created_at) "
            "SELECT %(org)s, 'Complaints about AI system ' || ai_system_id, ai_system_id, harm, now() "
            "FROM (SELECT ai_system_id, mode() WITHIN GROUP (ORDER BY harm) AS harm, count(*) AS n "
            "      FROM complaint_signatures WHERE organisation_id = %(org)s AND harm <> '' "
            "      GROUP BY ai_system_id ORDER BY n DESC, ai_system_id LIMIT %(claims)s) AS top",
            {"org": part.org.id, "claims": max(3, part.count // 20_000)})
    conn.execute(
        "INSERT INTO claim_members (claim_id, complaint_id, status, score, reasons, added_by, "
        "created_at, updated_at) "
        "SELECT c.id, m.complaint_id, (ARRAY['confirmed', 'invited', 'opted_in'])[1 + m.complaint_id % 3], "
        "0.8, '[]', 'user:1', now(), now() FROM collective_claims c CROSS JOIN LATERAL "
        "(SELECT s.complaint_id FROM complaint_signatures s WHERE s.organisation_id = c.organisation_id "
        " AND s.ai_system_id = c.ai_system_id AND s.harm = c.harm ORDER BY s.complaint_id LIMIT 60) AS m")
    conn.execute(
        "INSERT INTO collective_suggestions (organisation_id, complaint_id, target, kind, score, "
        "reasons, status, decided_at, created_at) "
        "SELECT organisation_id, complaint_id, 'complaint:' || previous, 'complaint', 0.7, '[]', "
        "CASE WHEN complaint_id %% 1000 = 0 THEN 'confirmed' ELSE 'rejected' END, now(), now() "
        "FROM (SELECT organisation_id, complaint_id, lag(complaint_id) OVER "
        "      (PARTITION BY organisation_id, ai_system_id ORDER BY complaint_id) AS previous "
        "      FROM complaint_signatures) AS s WHERE previous IS NOT NULL AND complaint_id %% 200 = 0",
        {})


def reset_open_suggestions(url: str, organisation_id: int | None = None) -> int:
    """Back to the loaded state: open suggestions deleted (decided ones stay)."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        where = "status = 'open'" + (" AND organisation_id = %s" if organisation_id else "")
        deleted = conn.execute(f"DELETE FROM collective_suggestions WHERE {where}",
                               [organisation_id] if organisation_id else []).rowcount
        conn.execute("VACUUM (ANALYZE) collective_suggestions")
    return deleted


# --- checks -------------------------------------------------------------------------------


class Stale(Exception):
    """The loaded signatures are not what the app's code writes now."""


def verify_signatures(app, url: str, parts: list[Part], sample: int = 60) -> str:
    """The loaded signature rows (and blocking keys) are what the app writes: for a sample of
    complaints, `matching.store_signature` recomputes them (rolled back) and every column
    must agree. Raises Stale if not."""
    from remedy.collective import matching
    from remedy.extensions import db
    from remedy.intake.models import Complaint

    rng = random.Random(7)
    ids = [p.first + 1 + rng.randrange(p.count) for p in parts for _ in range(sample // len(parts))]
    columns = [c for c in SIGNATURE_COLUMNS if c != "computed_at"]
    with psycopg.connect(libpq_url(url)) as conn:
        loaded_rows = {r[0]: r for r in conn.execute(
            sql.SQL("SELECT {} FROM complaint_signatures WHERE complaint_id = ANY(%s)").format(
                sql.SQL(", ").join(map(sql.Identifier, columns))), [ids])}
        with_keys = has_keys_table(conn)
        loaded_keys = {i: set() for i in ids}
        if with_keys:
            for complaint_id, key in conn.execute(
                    "SELECT complaint_id, key FROM complaint_keys WHERE complaint_id = ANY(%s)", [ids]):
                loaded_keys[complaint_id].add(key)
    with app.app_context():
        try:
            for complaint_id in ids:
                row = matching.store_signature(db.session.get(Complaint, complaint_id))
                db.session.flush()
                mine = tuple(getattr(row, c) for c in columns)
                if mine != loaded_rows.get(complaint_id):
                    raise Stale(f"signature of complaint {complaint_id} differs from the app's:\n"
                                f"  loaded {loaded_rows.get(complaint_id)}\n  app    {mine}")
                if with_keys:
                    keys = set(db.session.execute(db.text(
                        "SELECT key FROM complaint_keys WHERE complaint_id = :i"),
                        {"i": complaint_id}).scalars())
                    if keys != loaded_keys[complaint_id]:
                        raise Stale(f"blocking keys of complaint {complaint_id} differ: loaded "
                                    f"{sorted(loaded_keys[complaint_id])}, app {sorted(keys)}")
                db.session.rollback()
                db.session.expunge_all()
        finally:
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()  # the database may be dropped next
    return (f"signatures: {len(ids)} sampled rows{' and their blocking keys' if with_keys else ''} "
            f"equal what matching.store_signature writes")


def describe_data(url: str, parts: list[Part], out=print) -> None:
    with psycopg.connect(libpq_url(url)) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                            "pg_size_pretty(pg_total_relation_size('complaint_signatures'))").fetchone()
        out(f"database {size[0]} (signatures with indexes {size[1]})")
        for part in parts:
            stats = conn.execute(
                "SELECT count(*), count(DISTINCT ai_system_id), count(contact_hash), "
                "avg(jsonb_array_length(tokens)), sum((harm = '')::int), "
                "max(n), (SELECT count(*) FROM collective_claims WHERE organisation_id = %(o)s) "
                "FROM complaint_signatures s JOIN (SELECT ai_system_id AS sid, count(*) AS n "
                "FROM complaint_signatures WHERE organisation_id = %(o)s GROUP BY 1) t "
                "ON t.sid = s.ai_system_id WHERE organisation_id = %(o)s", {"o": part.org.id}).fetchone()
            out(f"  org {part.org.id} ({part.org.country}): {stats[0]:,} complaints, "
                f"{stats[1]:,} AI systems named (the most named: {stats[5]:,} complaints), "
                f"{stats[2]:,} with a contact, {stats[3]:.0f} tokens on average, "
                f"{stats[4]:,} without a harm found, {stats[6]} claims")


# --- incremental --------------------------------------------------------------------------


@dataclass
class Match:
    total_ms: float
    signature_ms: float
    suggest_ms: float
    statements: int
    candidates: int
    suggestions: int
    system_rank: int


def band(rank: int) -> str:
    return "top 10 systems" if rank <= 10 else "ranks 11-1000" if rank <= 1000 else "ranks > 1000"


def incremental(app, url: str, seed: int, rows: int, count: int, warmup: int,
                explain: bool = False, out=print) -> dict:
    """store_signature + suggest_for for `count` new complaints of the largest organisation
    (after `warmup` untimed ones), each complaint inserted first and everything rolled back;
    alternating with the baselines, a primary-key look-up of one signature row."""
    from sqlalchemy import event

    from remedy.collective import matching
    from remedy.collective.models import ComplaintSignature
    from remedy.extensions import db
    from remedy.intake.models import Complaint

    parts = layout(rows)
    total = sum(p.count for p in parts)
    maker = Maker(seed, parts, datetime.now(UTC).date())
    big = parts[0]
    rng = random.Random(seed + 1)
    matches, orm_pk, raw_pk = [], [], []
    statements = [0]
    slowest = None

    def count_statement(*_args):
        statements[0] += 1

    with app.app_context(), psycopg.connect(libpq_url(url)) as conn:
        event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            for i in range(warmup + count):
                fields = maker.complaint(total + 10_000 + i)  # rows never loaded
                fields["received_at"], fields["withdrawn_at"] = datetime.now(UTC), None
                complaint = Complaint(**fields)
                db.session.add(complaint)
                db.session.flush()
                before = statements[0]
                started = time.perf_counter()
                row = matching.store_signature(complaint)
                db.session.flush()
                signed = time.perf_counter()
                kept = matching.suggest_for(row, row.keys)
                db.session.flush()
                ended = time.perf_counter()
                sent = statements[0] - before
                candidates = len(matching.candidate_signatures(row, row.keys)[1])  # untimed: how many were scored
                db.session.rollback()
                db.session.expunge_all()

                existing = big.first + 1 + rng.randrange(big.count)
                t0 = time.perf_counter()
                db.session.get(ComplaintSignature, existing)
                t1 = time.perf_counter()
                db.session.rollback()
                db.session.expunge_all()
                t2 = time.perf_counter()
                conn.execute("SELECT * FROM complaint_signatures WHERE complaint_id = %s",
                             [existing]).fetchone()
                t3 = time.perf_counter()
                conn.rollback()
                if i < warmup:
                    continue
                rank = fields["ai_system_id"] - (SYSTEM_COUNT if fields["ai_system_id"] > SYSTEM_COUNT else 0)
                match = Match((ended - started) * 1000, (signed - started) * 1000,
                              (ended - signed) * 1000, sent, candidates, len(kept), rank)
                matches.append(match)
                if slowest is None or match.total_ms > slowest[0].total_ms:
                    slowest = (match, fields)
                orm_pk.append((t1 - t0) * 1000)
                raw_pk.append((t3 - t2) * 1000)
        finally:
            event.remove(db.engine, "before_cursor_execute", count_statement)

        plans = explain_candidates(slowest[1]) if slowest else []
        db.session.remove()

    totals = [m.total_ms for m in matches]
    result = {
        "n": len(matches), "p50": percentile(totals, 50), "p95": percentile(totals, 95),
        "p99": percentile(totals, 99), "max": max(totals),
        "signature_p50": percentile([m.signature_ms for m in matches], 50),
        "suggest_p50": percentile([m.suggest_ms for m in matches], 50),
        "suggest_p95": percentile([m.suggest_ms for m in matches], 95),
        "pk_orm_p50": percentile(orm_pk, 50), "pk_orm_p95": percentile(orm_pk, 95),
        "pk_raw_p50": percentile(raw_pk, 50), "pk_raw_p95": percentile(raw_pk, 95),
        "statements_p50": percentile([m.statements for m in matches], 50),
        "statements_max": max(m.statements for m in matches),
        "candidates_p50": percentile([m.candidates for m in matches], 50),
        "candidates_max": max(m.candidates for m in matches),
        "suggestions_avg": statistics.mean(m.suggestions for m in matches),
        "existing": big.count,
    }
    result["ratio_orm"] = result["p50"] / result["pk_orm_p50"]
    result["ratio_raw"] = result["p50"] / result["pk_raw_p50"]
    result["met"] = result["p95"] < INCREMENTAL_P95_MS

    out("")
    out(f"INCREMENTAL: {len(matches)} new complaints of org {big.org.id} matched against "
        f"{big.count:,} of its complaints ({warmup} warm-ups first); each inserted, then "
        f"store_signature + flush + suggest_for + flush timed, then rolled back")
    out(f"  match (ms)          p50 {result['p50']:7.2f}  p95 {result['p95']:7.2f}  "
        f"p99 {result['p99']:7.2f}  max {result['max']:7.2f}")
    out(f"    of which          store_signature p50 {result['signature_p50']:.2f}; "
        f"suggest_for p50 {result['suggest_p50']:.2f}, p95 {result['suggest_p95']:.2f}")
    out(f"  baseline: PK look-up of one signature row (ms)  ORM session.get p50 "
        f"{result['pk_orm_p50']:.2f} p95 {result['pk_orm_p95']:.2f};  raw psycopg p50 "
        f"{result['pk_raw_p50']:.2f} p95 {result['pk_raw_p95']:.2f}")
    out(f"  ratio of medians    match / ORM look-up {result['ratio_orm']:.1f}x; "
        f"match / raw look-up {result['ratio_raw']:.1f}x")
    out(f"  per match           SQL statements p50 {result['statements_p50']}, max "
        f"{result['statements_max']}; candidates scored p50 {result['candidates_p50']}, max "
        f"{result['candidates_max']} (of {big.count:,}); open suggestions kept avg "
        f"{result['suggestions_avg']:.1f}")
    for name in ("top 10 systems", "ranks 11-1000", "ranks > 1000"):
        group = [m.total_ms for m in matches if band(m.system_rank) == name]
        if group:
            out(f"    {name:<16} n={len(group):<4} p50 {percentile(group, 50):7.2f}  "
                f"p95 {percentile(group, 95):7.2f}  max {max(group):7.2f}")
    out(f"  goal p95 < {INCREMENTAL_P95_MS} ms: {'MET' if result['met'] else 'MISSED'}")
    if slowest:
        out(f"  slowest match: {slowest[0].total_ms:.1f} ms, AI system rank "
            f"{slowest[0].system_rank}; EXPLAIN ANALYZE of its candidate queries:")
        for plan in plans:
            out(f"    {summarise_plan(plan)}")
        if explain:
            for plan in plans:
                out("    ---")
                out("\n".join("    " + line for line in plan.splitlines()))
    return result


def explain_candidates(fields: dict) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statement candidate_signatures sends for this complaint."""
    from sqlalchemy import event

    from remedy.collective import matching
    from remedy.extensions import db
    from remedy.intake.models import Complaint

    complaint = Complaint(**fields)
    db.session.add(complaint)
    db.session.flush()
    row = matching.store_signature(complaint)
    db.session.flush()
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        matching.candidate_signatures(row, row.keys)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans = []
    for statement, parameters in sent:
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        plans.append("\n".join(r[0] for r in rows))
    db.session.rollback()
    db.session.expunge_all()
    return plans


# --- bulk ---------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _bulk_child(url: str, organisation_id: int, profile: bool, verbose: bool) -> dict:
    """One aggregation in a fresh process (as an RQ work horse runs it): seconds, counts,
    memory; with `profile`, under cProfile, with its top entries."""
    from remedy.collective import domain, matching
    from remedy.extensions import db

    app = make_app(url)
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connect outside the timing
        db.session.rollback()
        before = _rss_mb()
        peak = [before]
        started = time.perf_counter()

        def progress(done, total):
            peak[0] = max(peak[0], _rss_mb())
            if verbose and (done // 5000) % 20 == 0:
                print(f"    {done:>9,} / {total:,}  {time.perf_counter() - started:6.1f} s  "
                      f"RSS {peak[0]:,.0f} MB", flush=True)

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        counts = matching.aggregate(organisation_id, progress=progress)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        peak[0] = max(peak[0], _rss_mb())
        db.session.remove()
        db.engine.dispose()
    result = {"seconds": seconds, **counts, "rss_before_mb": before, "rss_peak_mb": peak[0],
              "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if profiler:
        stats = pstats.Stats(profiler)
        calls = {f"{func[0].rsplit('/', 1)[-1]}:{func[2]}": value[1]
                 for func, value in stats.stats.items()}
        result["score_pair_calls"] = calls.get(f"domain.py:{domain.score_pair.__name__}", 0)
        result["similarity_calls"] = calls.get("names.py:similarity", 0)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(22)
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(28)
        result["profile"] = _trim_profile(text.getvalue())
    return result


def _trim_profile(text: str) -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + "/"
    text = text.replace(root, "").replace(sys.prefix + "/lib/python3.11/site-packages/", "")
    return "\n".join(line for line in text.splitlines()
                     if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced")))


def run_child(url: str, organisation_id: int, profile: bool = False, verbose: bool = False) -> dict:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(_bulk_child, url, organisation_id, profile, verbose).result()


def read_baseline(url: str, organisation_id: int) -> tuple[float, int]:
    """Seconds to read every signature row of the organisation (all columns, JSON parsed)
    with a plain SELECT through a server-side cursor, 5,000 rows a batch."""
    started = time.perf_counter()
    rows = 0
    with psycopg.connect(libpq_url(url)) as conn:
        with conn.cursor(name="baseline") as cur:
            cur.itersize = 5000
            cur.execute("SELECT * FROM complaint_signatures WHERE organisation_id = %s",
                        [organisation_id])
            while batch := cur.fetchmany(5000):
                rows += len(batch)
    return time.perf_counter() - started, rows


def bulk(url: str, rows: int, repeat: int, out=print) -> list[dict]:
    """aggregate(organisation) for the three organisations, smallest first, each after an
    untimed warm-up run on the smallest, each from the loaded state."""
    parts = sorted(layout(rows), key=lambda p: p.count)
    out("")
    out("BULK: matching.aggregate(organisation_id), each run in a fresh process from the loaded "
        "state (no open suggestions); baseline = plain SELECT of the organisation's signature rows")
    reset_open_suggestions(url)
    run_child(url, parts[0].org.id)  # warm-up: caches of the server and the file system
    results = []
    for part in parts:
        runs = []
        for _ in range(repeat):
            reset_open_suggestions(url, part.org.id)
            baseline, read = read_baseline(url, part.org.id)
            out(f"  org {part.org.id}: {part.count:,} complaints ...")
            result = run_child(url, part.org.id, verbose=part.count >= 500_000)
            result.update(baseline=baseline, read=read, size=part.count, org=part.org.id)
            runs.append(result)
        result = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        results.append(result)
        out(f"  {part.count:>9,} complaints: aggregate {result['seconds']:8.1f} s "
            f"({result['seconds'] / part.count * 1e6:,.0f} us per complaint); "
            f"{result['suggestions']:,} suggestions + {result['duplicates']:,} duplicates; "
            f"baseline SELECT {result['baseline']:.1f} s ({result['read']:,} rows), "
            f"ratio {result['seconds'] / result['baseline']:.1f}x; peak RSS "
            f"{result['rss_peak_mb']:,.0f} MB (+{result['rss_peak_mb'] - result['rss_before_mb']:,.0f})")
    reset_open_suggestions(url)
    out("")
    for smaller, larger in zip(results, results[1:], strict=False):
        growth = larger["seconds"] / smaller["seconds"]
        out(f"  growth {smaller['size']:,} -> {larger['size']:,} ({larger['size'] / smaller['size']:.0f}x "
            f"complaints): time {growth:.2f}x, baseline {larger['baseline'] / smaller['baseline']:.2f}x, "
            f"peak memory {(larger['rss_peak_mb'] - larger['rss_before_mb']) / max(1, smaller['rss_peak_mb'] - smaller['rss_before_mb']):.2f}x"
            f"  ({'close to linear' if growth <= GROWTH_MAX else 'NOT close to linear'}; "
            f"goal <= {GROWTH_MAX:g}x)")
    return results


def bulk_goals(results: list[dict], out=print) -> dict:
    goals = {}
    at_100k = [r for r in results if r["size"] == 100_000]
    if at_100k:
        goals["bulk 100k < 60 s"] = at_100k[0]["seconds"] < BULK_100K_S
    if len(results) > 1:
        goals[f"growth <= {GROWTH_MAX:g}x per 10x"] = all(
            b["seconds"] / a["seconds"] <= GROWTH_MAX for a, b in zip(results, results[1:], strict=False))
    for name, met in goals.items():
        out(f"  goal {name}: {'MET' if met else 'MISSED'}")
    return goals


def profiles(url: str, rows: int, out=print) -> None:
    """cProfile of aggregate on the two smaller organisations (from the loaded state)."""
    for part in sorted(layout(rows), key=lambda p: p.count)[:2]:
        reset_open_suggestions(url, part.org.id)
        result = run_child(url, part.org.id, profile=True)
        out("")
        out(f"PROFILE: aggregate of org {part.org.id} ({part.count:,} complaints) under cProfile: "
            f"{result['seconds']:.1f} s; score_pair calls {result['score_pair_calls']:,} "
            f"({result['score_pair_calls'] / part.count:.1f} per complaint); "
            f"registry-name similarity calls {result['similarity_calls']:,}")
        out(result["profile"])
    reset_open_suggestions(url)


def profile_incremental(app, seed: int, rows: int, count: int = 100, out=print) -> None:
    from remedy.collective import matching
    from remedy.extensions import db
    from remedy.intake.models import Complaint

    parts = layout(rows)
    maker = Maker(seed, parts, datetime.now(UTC).date())
    total = sum(p.count for p in parts)
    profiler = cProfile.Profile()
    with app.app_context():
        for i in range(count):
            fields = maker.complaint(total + 20_000 + i)
            fields["received_at"], fields["withdrawn_at"] = datetime.now(UTC), None
            complaint = Complaint(**fields)
            db.session.add(complaint)
            db.session.flush()
            profiler.enable()
            row = matching.store_signature(complaint)
            matching.suggest_for(row, row.keys)
            db.session.flush()
            profiler.disable()
            db.session.rollback()
            db.session.expunge_all()
        db.session.remove()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    out("")
    out(f"PROFILE: {count} incremental matches under cProfile")
    out(_trim_profile(text.getvalue()))


def code_version() -> str:
    """The commit (if in a git checkout) and a hash of the matching engine's files, so that
    figures can be tied to the code they measured."""
    from remedy.app import ROOT

    digest = hashlib.sha256()
    for folder in ("remedy/collective", "remedy/registry", "migrations/versions"):
        for path in sorted((ROOT / folder).glob("*.py")):
            digest.update(path.read_bytes())

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=False).stdout.strip()
        except OSError:
            return ""

    head = git("rev-parse", "--short", "HEAD")
    dirty = head and git("status", "--porcelain", "--", "remedy", "migrations")
    return (f"{head or 'no git'}{' + uncommitted changes' if dirty else ''}, engine files "
            f"sha256 {digest.hexdigest()[:10]}")


# --- main ---------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.collective_bench",
        description="Benchmark the collective-claims matching engine on synthetic data.")
    parser.add_argument("--rows", type=int, default=100_000,
                        help="complaints of the largest organisation (the others: 1/10, 1/100)")
    parser.add_argument("--reuse", action="store_true",
                        help="skip loading if the database already holds exactly this data")
    parser.add_argument("--matches", type=int, default=300, help="timed incremental matches")
    parser.add_argument("--warmup", type=int, default=20, help="untimed incremental matches first")
    parser.add_argument("--bulk-repeat", type=int, default=1,
                        help="aggregation runs per organisation (the median is reported)")
    parser.add_argument("--skip-bulk", action="store_true")
    parser.add_argument("--explain", action="store_true",
                        help="print the slowest match's candidate queries' plans in full")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                        help="cProfile the 10k/100k aggregations (auto: when a goal is missed)")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="the benchmark's own database: it is dropped and created again")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--jobs", type=int, default=None, help="loading processes (default: cores)")
    args = parser.parse_args(argv)

    for found in check_phrases():
        print(f"lexicon note: {found}")
    parts = layout(args.rows)
    url = args.database_url
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores; code {code_version()}; "
          "organisations of " + ", ".join(f"{p.count:,}" for p in parts) + " complaints")
    app = make_app(url)
    reuse = args.reuse and loaded(url, args.rows, args.seed)
    if reuse:
        try:
            print(f"reusing {url}; " + verify_signatures(app, url, parts))
        except Stale as error:
            print(f"not reusing: {error}")
            reuse = False
    if not reuse:
        print(f"loading into {url}")
        timings = load(url, args.rows, args.seed, args.jobs or os.cpu_count() or 2)
        print("load: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
        print(verify_signatures(app, url, parts))
    describe_data(url, parts)
    with app.app_context():  # as the app keeps them (the loader inserted the claims by SQL)
        from remedy.collective import matching
        from remedy.extensions import db

        print(f"claims' signatures computed: {matching.store_claim_signatures()}")
        db.session.commit()
    print(f"load average {os.getloadavg()[0]:.2f}")
    reset_open_suggestions(url)
    inc = incremental(app, url, args.seed, args.rows, args.matches, args.warmup, args.explain)
    goals = {f"incremental p95 < {INCREMENTAL_P95_MS} ms": inc["met"]}
    results = []
    if not args.skip_bulk:
        results = bulk(url, args.rows, args.bulk_repeat)
        goals.update(bulk_goals(results))
    missed = [name for name, met in goals.items() if not met]
    always = args.profile == "always"
    if always or (args.profile == "auto" and not inc["met"]):
        profile_incremental(app, args.seed, args.rows)
    bulk_missed = any(not name.startswith("incremental") for name in missed)
    if not args.skip_bulk and (always or (args.profile == "auto" and bulk_missed)):
        profiles(url, args.rows)
    print("")
    print("goals: " + "; ".join(f"{name} {'met' if met else 'MISSED'}" for name, met in goals.items()))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
