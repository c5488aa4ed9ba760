"""The aggregation engine's rules, in plain Python: what a complaint looks like to matching
(a signature), how alike two complaints (or a complaint and a claim) are, with reasons a
caseworker can read, what counts as a duplicate, and the indicators of collective harm.

Deterministic and cheap: matching never compares a complaint with every other one; the
services give it candidates that share a blocking key (`blocking_keys`).
"""

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from remedy.collective.lexicon import HARMS, VULNERABLE, VULNERABLE_GROUNDS
from remedy.core.messages import N_
from remedy.registry.names import match_key, similarity

# A suggestion is made from this score; a duplicate from DUPLICATE_SCORE.
SUGGEST_AT = 0.55
DUPLICATE_SCORE = 0.9
# Two AI systems named alike enough (different registry entries) still count, a little.
SIMILAR_SYSTEM = 0.85
MAX_TOKENS = 120

HARM_NAMES = {
    "deactivation": N_("automated deactivation or blocking of an account"),
    "job_rejection": N_("automated rejection in hiring"),
    "credit_refusal": N_("automated refusal of credit"),
    "benefit_fraud_flag": N_("fraud flags and stopped benefits"),
    "facial_misidentification": N_("misidentification by facial recognition"),
    "price_discrimination": N_("higher prices or premiums set by an algorithm"),
    "content_moderation": N_("content removed or hidden by moderation"),
    "workplace_surveillance": N_("surveillance at work"),
    "data_misuse": N_("misuse of personal data"),
    "exam_grading": N_("grading or proctoring of exams"),
    "border_visa": N_("decisions at the border or on visas"),
    "medical_triage": N_("diagnosis or triage in health care"),
    "wage_scheduling": N_("pay and shifts set by an algorithm"),
    "tenant_screening": N_("screening of tenants"),
    "chatbot_misinformation": N_("false information from a chatbot"),
    "predictive_policing": N_("predictive policing"),
    "school_allocation": N_("allocation of school places"),
}

REASONS = {
    "same_ai_system": N_("same AI system: %(name)s"),
    "same_ai_system_alias": N_("same AI system: %(name)s (named '%(alias)s')"),
    "similar_ai_system": N_("AI systems with similar names: '%(name)s' and '%(other)s'"),
    "same_deployer": N_("same deployer: %(name)s"),
    "same_provider": N_("same provider: %(name)s"),
    "same_harm": N_("same harm: %(harm)s"),
    "related_harm": N_("a related harm: %(harm)s"),
    "different_harm": N_("different harms: %(harm)s and %(other)s"),
    "same_sector": N_("same area of life"),
    "shared_rights": N_("same rights concerned"),
    "narrative": N_("narrative similarity %(value)s"),
    "same_contact": N_("same contact details"),
    "same_words": N_("nearly the same words"),
}

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_STOP = frozenset("""the and for that with was were this have from they their them his her
she you your our are not but had has been which when what who will would could into about
after before there then than also just very because over only some more most other such
les des une que qui dans pour pas sur par est sont avec mais ont été cette ces son ses
leur aux elle nous vous ils был los las una por con para que del como pero sus
der die das und ist nicht mit sich des ein eine den dem auf für von og det til som med
har ikke jeg den att och inte som för med har ang mga sa na ng at ako""".split())


# Words of AI systems' names that say what kind of thing it is, not which: they never make
# two names the same system ("the driver app" and "the banking app" share only "app").
GENERIC_NAME_WORDS = frozenset("""
app apps application applications appli aplicacion aplicación anwendung applikation
system systems systeme système sistema systemet systemer model models modele modèle modell
modellen modelo algorithm algorithms algorithme algoritmo algoritm algoritme algoritmen
tool tools outil herramienta werkzeug verktyg værktøj platform platforme plateforme
plataforma plattform software logiciel programa programm program ai ia ki artificial
intelligence intelligent smart automated automatic automatique automatico automático
automatisk automatisiert automatisch online digital virtual virtuel virtuelle virtuell
score scoring scores risk risque riesgo risiko risk assessment evaluation évaluation
driver drivers rider riders chauffeur conductor fahrer förare chauffør user users
recognition reconnaissance reconocimiento erkennung igenkänning genkendelse facial face
faciale gesichts detection détection deteccion detección check checks verification
vérification verificacion verificación screening tri filter filtro filtre matching match
assistant asistente chatbot bot agent service services servicio dienst tjeneste tjänst
moderation modération moderacion moderación moderering content contenu contenido
system's company entreprise empresa unternehmen företag firma group groupe grupo gruppe
the and for with from des les una uno der die das den det och og för pour par del con por
new nouveau nuevo neues ny nya version mobile web portal portail portal site website
kommune kommun municipality municipal municipalité municipio gemeinde city ville ciudad
stadt stad council conseil agency agence agencia behörde myndighet styrelse office bureau
government gouvernement gobierno regierung regering ministry ministère ministerio
national nationale nacional bank banque banco
credit crédit credito crédito kredit loan loans prêt prestamo préstamo fraud fraude betrug
insurance assurance seguro versicherung pricing price prix precio preis dynamic dynamique
dinamico dinámico tracking suivi seguimiento tracker productivity productivité
productividad produktivität interview entretien entrevista video vidéo assessment
decision decisioning décision decision grading notation calificacion calificación
payment paiement pago zahlung benefit benefits prestation prestations welfare social
ranking classement clasificacion booking réservation reserva dispatch dispatching
real time live instant rapid quick express self selfie photo identity identité identidad
""".split())
_GENERIC_CJK = frozenset("""系统 算法 模型 平台 应用 软件 智能 识别 人脸 面部 自动 评分 审核 检测
程序 机器 人工 服务 公司 集团 有限 政府 部门 司机 乘客 用户 骑手 配送 调度 派单 系統 演算
机端 客端 户端 手端 验证 定价 计价 信用 用评""".split())


def brand_tokens(name: str, limit: int = 6) -> frozenset[str]:
    """The distinctive words of a name (its brand, product or model: "uber", "hirevue",
    "socialrisk"), and for Chinese, Japanese and Korean its pairs of characters; generic words
    ("app", "system", "algorithm") left out."""
    key = match_key(name or "")
    words = [w for w in _WORD.findall(_CJK.sub(" ", key)) if len(w) >= 3 and w not in GENERIC_NAME_WORDS
             and w not in _STOP]
    pairs = [run[i:i + 2] for run in _CJK.findall(key) for i in range(len(run) - 1)]
    pairs = [p for p in pairs if p not in _GENERIC_CJK]
    return frozenset((words + pairs)[:limit])


@dataclass(frozen=True)
class Signature:
    """What matching needs of one complaint; computed once, stored, compared many times."""

    complaint_id: int
    ai_system_id: int | None
    ai_system_name: str
    ai_system_as_named: str
    system_key: str
    deployer_id: int | None = None
    deployer_name: str | None = None
    provider_id: int | None = None
    provider_name: str | None = None
    harm: str = ""
    concepts: frozenset[str] = frozenset()
    tokens: frozenset[str] = frozenset()
    language: str = ""
    sector: str = ""
    rights: frozenset[str] = frozenset()
    contact_hash: str | None = None
    complainant_country: str = ""
    # Distinctive words of the AI system's name: its own, and those it shares with its
    # deployer's name (a bank's name in "the Banco Meridiano chatbot").
    brands: frozenset[str] = frozenset()
    owner_brands: frozenset[str] = frozenset()


@lru_cache(maxsize=65_536)
def split_brands(system_name: str, deployer_name: str | None) -> tuple[frozenset, frozenset]:
    """(the system's own distinctive words, those that are its deployer's). Cached: the same
    few thousand names come back again and again."""
    words = brand_tokens(system_name)
    owned = words & brand_tokens(deployer_name or "", limit=20)
    return words - owned, owned


def _lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def harm_concepts(text: str) -> Counter:
    """How often each kind of harm is named in a text (any supported language)."""
    lowered = _lower(text)
    found = Counter()
    for concept, keywords in HARMS.items():
        hits = sum(lowered.count(k) for k in keywords)
        if hits:
            found[concept] = hits
    return found


# A narrative must name a harm this often before it is taken as the harm it is about.
CONFIDENT_HITS = 2


def primary_harm(concepts: Counter) -> str:
    """The harm named most (the first in HARMS on a tie), if it is named at least
    CONFIDENT_HITS times; "" when no harm stands out."""
    if not concepts:
        return ""
    order = list(HARMS)
    best = max(concepts, key=lambda c: (concepts[c], -order.index(c)))
    return best if concepts[best] >= CONFIDENT_HITS else ""


def tokens_of(text: str) -> frozenset[str]:
    """Words (3+ letters, no stop words) and, for Chinese, Japanese and Korean, pairs of
    characters: what two narratives in one language share."""
    lowered = _lower(text)[:20_000]
    words = [w for w in _WORD.findall(_CJK.sub(" ", lowered)) if w not in _STOP]
    pairs = [run[i:i + 2] for run in _CJK.findall(lowered) for i in range(len(run) - 1)]
    counted = Counter(words + pairs)
    return frozenset(t for t, _ in counted.most_common(MAX_TOKENS))


def contact_hash(email: str | None, phone: str | None, name: str | None) -> str | None:
    """A hash of the complainant's own contact, to find the same person filing twice without
    keeping the contact itself in the matching tables."""
    parts = []
    if email:
        parts.append("e:" + email.strip().casefold())
    elif phone:
        parts.append("p:" + re.sub(r"\D", "", phone))
    if not parts:
        return None
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def build_signature(*, complaint_id: int, text: str, language: str, ai_system_id: int | None,
                    ai_system_name: str, ai_system_as_named: str, deployer_id=None,
                    deployer_name=None, provider_id=None, provider_name=None, sector="",
                    rights: Iterable[str] = (), contact: str | None = None,
                    complainant_country: str = "") -> Signature:
    concepts = harm_concepts(text)
    return Signature(
        complaint_id=complaint_id, ai_system_id=ai_system_id, ai_system_name=ai_system_name,
        ai_system_as_named=ai_system_as_named, system_key=match_key(ai_system_as_named),
        deployer_id=deployer_id, deployer_name=deployer_name, provider_id=provider_id,
        provider_name=provider_name, harm=primary_harm(concepts),
        concepts=frozenset(concepts), tokens=tokens_of(text), language=(language or "")[:2],
        sector=sector or "", rights=frozenset(rights or ()), contact_hash=contact,
        complainant_country=complainant_country or "",
        **dict(zip(("brands", "owner_brands"), split_brands(ai_system_as_named, deployer_name),
                   strict=True)))


def blocking_keys(signature: Signature) -> list[str]:
    """The keys under which candidates are looked up (and complaints are kept): the AI
    system entry, each distinctive word of its name, the start of its name (for typing
    mistakes), and the deployer. Two complaints are compared only if they share a key."""
    keys = []
    if signature.ai_system_id is not None:
        keys.append(f"sys:{signature.ai_system_id}")
    keys += [f"brand:{token}" for token in sorted(signature.brands | signature.owner_brands)]
    prefix = signature.system_key.replace(" ", "")[:4]
    if len(prefix) >= 3:
        keys.append(f"name:{prefix}")
    if signature.deployer_id is not None:
        keys.append(f"dep:{signature.deployer_id}")
    return keys


def _alike(a: frozenset, b: frozenset) -> bool:
    """Whether two sets of distinctive words share one, allowing an ending ("kassan",
    "kassans") on long words."""
    if not a or not b:
        return False
    if a & b:
        return True
    return any(x[:3] == y[:3] and len(x) >= 6 and len(y) >= 6 and similarity(x, y) >= 0.9
               for x in a for y in b)


def _harms_agree(a: "Signature", b: "Signature") -> bool:
    """The same harm, as far as the narratives tell: one names clearly what the other names
    too (both clearly, or one clearly and the other in passing)."""
    if a.harm and b.harm:
        return a.harm == b.harm or (a.harm in b.concepts and b.harm in a.concepts)
    return bool((a.harm and a.harm in b.concepts) or (b.harm and b.harm in a.concepts))


def _inside(words: frozenset, system_key: str) -> bool:
    """A long distinctive word inside the other name written without spaces ("socialrisk" in
    "Copenhagen Social Risk scoring", "robodebt" in "Robo-debt")."""
    compact = system_key.replace(" ", "")
    return any(len(w) >= 5 and w in compact for w in words)


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def narrative_similarity(a: Signature, b: Signature) -> float:
    """0..1. Across languages: the kinds of harm both narratives name. In one language:
    also the words they share."""
    concepts = _jaccard(a.concepts, b.concepts)
    if a.language and a.language == b.language:
        return max(concepts, min(1.0, 2 * _jaccard(a.tokens, b.tokens)))
    return concepts


class Reason(NamedTuple):
    """One reason of a match: a code of REASONS and the values its words need."""

    code: str
    values: dict = {}


class Match(NamedTuple):
    score: float
    reasons: tuple[Reason, ...]
    duplicate: bool = False


@lru_cache(maxsize=65_536)
def _folded(name: str) -> str:
    return _lower(name).strip()


def _same_system(new: Signature, other: Signature) -> tuple[float, Reason] | None:
    """The gate: how much the two AI systems count as one, with the reason; None when they
    are not the same system at all (the same deployer's other system is another matter)."""
    if new.ai_system_id is not None and new.ai_system_id == other.ai_system_id:
        if _folded(other.ai_system_as_named) != _folded(other.ai_system_name):
            return 0.45, Reason("same_ai_system_alias", {"name": other.ai_system_name,
                                                         "alias": other.ai_system_as_named})
        return 0.45, Reason("same_ai_system", {"name": other.ai_system_name})
    shared_brand = (_alike(new.brands, other.brands)
                    or _inside(new.brands, other.system_key) or _inside(other.brands, new.system_key))
    # Only the deployer's name in common ("the Banco Meridiano chatbot", "Banco Meridiano's
    # credit score"): taken for one system only when the harm is clearly the same too.
    if (shared_brand
            or (_alike(new.brands | new.owner_brands, other.brands | other.owner_brands)
                and _harms_agree(new, other))
            or similarity(new.system_key, other.system_key) >= SIMILAR_SYSTEM):
        return 0.4 if shared_brand else 0.3, Reason(
            "similar_ai_system", {"name": new.ai_system_as_named, "other": other.ai_system_as_named})
    return None


def score_pair(new: Signature, other: Signature) -> Match | None:
    """How alike two complaints are, with the reasons; None when they are not about the same
    AI system at all."""
    gate = _same_system(new, other)
    if gate is None:
        return None
    score, reason = gate
    reasons = [reason]
    if new.deployer_id is not None and new.deployer_id == other.deployer_id:
        score += 0.15
        reasons.append(Reason("same_deployer", {"name": other.deployer_name}))
    if new.provider_id is not None and new.provider_id == other.provider_id:
        score += 0.05
        reasons.append(Reason("same_provider", {"name": other.provider_name}))
    if new.harm and other.harm and _harms_agree(new, other):
        score += 0.2
        reasons.append(Reason("same_harm", {"harm": new.harm}))
    elif new.harm and other.harm and not new.concepts & other.concepts:
        score -= 0.4
        reasons.append(Reason("different_harm", {"harm": new.harm, "other": other.harm}))
    elif _harms_agree(new, other):
        score += 0.1  # named clearly in one narrative, in passing in the other
        reasons.append(Reason("related_harm", {"harm": new.harm or other.harm}))
    if new.sector and new.sector == other.sector:
        score += 0.05
        reasons.append(Reason("same_sector"))
    if new.rights & other.rights:
        score += 0.05
        reasons.append(Reason("shared_rights"))
    narrative = narrative_similarity(new, other)
    if narrative:
        score += 0.15 * narrative
        reasons.append(Reason("narrative", {"value": f"{narrative:.2f}"}))
    duplicate = False
    if new.contact_hash and new.contact_hash == other.contact_hash:
        duplicate = True
        reasons.insert(0, Reason("same_contact"))
    elif (new.language == other.language and new.complainant_country == other.complainant_country
          and _jaccard(new.tokens, other.tokens) >= 0.8):
        duplicate = True
        reasons.insert(0, Reason("same_words"))
    score = round(max(0.0, min(1.0, score)), 3)
    if duplicate:
        score = max(score, DUPLICATE_SCORE)
    return Match(score, tuple(reasons), duplicate)


def claim_signature(claim_id: int, members: list[Signature]) -> Signature | None:
    """A collective claim as one signature: its most common AI system, deployer, harm and
    area, the concepts and rights of its members. None for a claim without members."""
    if not members:
        return None

    def most_common(values):
        values = [v for v in values if v not in (None, "")]
        return Counter(values).most_common(1)[0][0] if values else None

    system_id = most_common(m.ai_system_id for m in members)
    lead = next((m for m in members if m.ai_system_id == system_id), members[0])
    deployer_id = most_common(m.deployer_id for m in members)
    deployer = next((m for m in members if m.deployer_id == deployer_id), lead)
    return Signature(
        complaint_id=-claim_id, ai_system_id=system_id, ai_system_name=lead.ai_system_name,
        ai_system_as_named=lead.ai_system_name, system_key=match_key(lead.ai_system_name),
        deployer_id=deployer_id, deployer_name=deployer.deployer_name,
        provider_id=most_common(m.provider_id for m in members), provider_name=lead.provider_name,
        harm=most_common(m.harm for m in members) or "",
        concepts=frozenset().union(*(m.concepts for m in members)),
        sector=most_common(m.sector for m in members) or "",
        rights=frozenset().union(*(m.rights for m in members)))


def score_claim(new: Signature, claim: Signature) -> Match | None:
    """How well a complaint fits a collective claim (never a duplicate of one)."""
    match = score_pair(new, claim)
    if match is None:
        return None
    reasons = tuple(r for r in match.reasons if r.code not in ("same_contact", "same_words"))
    return Match(match.score, reasons, False)


# --- indicators of collective and societal harm ---------------------------------------------


@dataclass(frozen=True)
class MemberFacts:
    filer_type: str
    group_size: int | None
    complainant_country: str
    harm_country: str | None
    date_of_harm: date | None
    received_on: date
    sector: str
    grounds: tuple[str, ...]
    narrative: str


@dataclass(frozen=True)
class Indicators:
    complaints: int
    affected_people: int
    countries: tuple[str, ...]
    first_on: date | None
    last_on: date | None
    sectors: tuple[str, ...]
    vulnerable_groups: bool

    @property
    def span_days(self) -> int:
        return (self.last_on - self.first_on).days if self.first_on and self.last_on else 0


def people_affected(facts: MemberFacts) -> int:
    """A group counts by its stated size; an individual (or a mandate without a size) as one."""
    return facts.group_size if facts.group_size and facts.group_size > 1 else 1


def mentions_vulnerable(facts: MemberFacts) -> bool:
    lowered = _lower(facts.narrative)
    return bool(set(facts.grounds) & VULNERABLE_GROUNDS) or any(w in lowered for w in VULNERABLE)


def indicators(members: list[MemberFacts]) -> Indicators:
    days = [m.date_of_harm or m.received_on for m in members]
    countries = {m.complainant_country for m in members} | {m.harm_country for m in members
                                                            if m.harm_country}
    return Indicators(
        complaints=len(members), affected_people=sum(people_affected(m) for m in members),
        countries=tuple(sorted(c for c in countries if c)),
        first_on=min(days) if days else None, last_on=max(days) if days else None,
        sectors=tuple(sorted({m.sector for m in members if m.sector})),
        vulnerable_groups=any(mentions_vulnerable(m) for m in members))


# --- members of a claim ---------------------------------------------------------------------

SUGGESTED, CONFIRMED, INVITED = "suggested", "confirmed", "invited"
OPTED_IN, OPTED_OUT, WITHDRAWN = "opted_in", "opted_out", "withdrawn"
MEMBER_STATUSES = {
    SUGGESTED: N_("Suggested"),
    CONFIRMED: N_("Confirmed by a caseworker"),
    INVITED: N_("Invited to join"),
    OPTED_IN: N_("Joined"),
    OPTED_OUT: N_("Declined to join"),
    WITHDRAWN: N_("Withdrawn"),
}
# Who may move a member from which status to which.
MEMBER_STEPS = {
    (SUGGESTED, CONFIRMED): "staff", (SUGGESTED, WITHDRAWN): "staff",
    (CONFIRMED, INVITED): "staff", (CONFIRMED, WITHDRAWN): "staff",
    (INVITED, OPTED_IN): "complainant", (INVITED, OPTED_OUT): "complainant",
    (OPTED_IN, OPTED_OUT): "complainant", (OPTED_OUT, OPTED_IN): "complainant",
    (INVITED, WITHDRAWN): "staff", (OPTED_IN, WITHDRAWN): "staff",
    (OPTED_OUT, WITHDRAWN): "staff",
}
# Members whose complaint counts in the claim's indicators.
COUNTED = frozenset({CONFIRMED, INVITED, OPTED_IN})
# Members still in the claim, whatever their step.
STAYING = frozenset(MEMBER_STATUSES) - {WITHDRAWN}


def member_step_allowed(current: str, target: str, actor: str) -> bool:
    return MEMBER_STEPS.get((current, target)) == actor
