"""The aggregation engine on the database: each complaint's signature, its candidates found by
index (never by scanning), and the suggestions kept for caseworkers.

`match_complaint` is the incremental step (a job right after filing); `aggregate` re-runs
the whole organisation (or installation) in blocks, reporting progress to an
`AggregationRun`.
"""

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import delete, func, or_, select

from remedy.collective import domain
from remedy.collective.models import (
    ClaimMember,
    CollectiveClaim,
    ComplaintKey,
    ComplaintSignature,
    Suggestion,
)
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import Complaint
from remedy.registry.models import AISystem, Respondent

CANDIDATES_PER_KEY = 40
CANDIDATES_SAME_CONTACT = 20
MAX_CANDIDATES = 160
KEEP_COMPLAINTS = 5
CLAIM_SAMPLE = 200


# --- signatures ---------------------------------------------------------------------------


def _text(complaint: Complaint) -> str:
    return f"{complaint.title}\n{complaint.narrative}"


def store_signature(complaint: Complaint) -> ComplaintSignature:
    """Compute and keep a complaint's signature (in the caller's transaction)."""
    sig = domain.build_signature(
        complaint_id=complaint.id, text=_text(complaint), language=complaint.language,
        ai_system_id=complaint.ai_system_id, ai_system_name="",
        ai_system_as_named=complaint.ai_system_as_named,
        deployer_id=complaint.deployer_id, provider_id=complaint.provider_id,
        sector=complaint.sector, rights=complaint.rights_dimensions,
        contact=domain.contact_hash(complaint.contact_email, complaint.contact_phone,
                                    complaint.contact_name),
        complainant_country=complaint.complainant_country)
    row = db.session.get(ComplaintSignature, complaint.id) or ComplaintSignature(
        complaint_id=complaint.id)
    row.organisation_id = complaint.organisation_id
    row.ai_system_id, row.deployer_id, row.provider_id = (sig.ai_system_id, sig.deployer_id,
                                                          sig.provider_id)
    row.system_key, row.system_prefix = sig.system_key, sig.system_key.replace(" ", "")[:4]
    row.harm, row.concepts, row.tokens = sig.harm, sorted(sig.concepts), sorted(sig.tokens)
    row.language, row.sector, row.rights = sig.language, sig.sector, sorted(sig.rights)
    row.contact_hash, row.complainant_country = sig.contact_hash, sig.complainant_country
    row.computed_at = utcnow()
    db.session.add(row)
    db.session.execute(delete(ComplaintKey).where(ComplaintKey.complaint_id == complaint.id))
    db.session.add_all(ComplaintKey(complaint_id=complaint.id, key=key[:80],
                                    organisation_id=complaint.organisation_id)
                       for key in dict.fromkeys(domain.blocking_keys(sig)))
    return row


class Names:
    """Registry names for reasons, loaded once per batch of signatures."""

    def __init__(self, rows: list[ComplaintSignature]):
        system_ids = {r.ai_system_id for r in rows if r.ai_system_id}
        respondent_ids = {i for r in rows for i in (r.deployer_id, r.provider_id) if i}
        self.systems = dict(db.session.execute(
            select(AISystem.id, AISystem.name).where(AISystem.id.in_(system_ids))).all()
        ) if system_ids else {}
        self.respondents = dict(db.session.execute(
            select(Respondent.id, Respondent.name).where(Respondent.id.in_(respondent_ids))).all()
        ) if respondent_ids else {}
        complaint_ids = [r.complaint_id for r in rows]
        self.typed = dict(db.session.execute(
            select(Complaint.id, Complaint.ai_system_as_named).where(
                Complaint.id.in_(complaint_ids))).all()) if complaint_ids else {}


def to_signature(row: ComplaintSignature, names: Names) -> domain.Signature:
    return domain.Signature(
        complaint_id=row.complaint_id, ai_system_id=row.ai_system_id,
        ai_system_name=names.systems.get(row.ai_system_id, ""),
        ai_system_as_named=names.typed.get(row.complaint_id, ""), system_key=row.system_key,
        deployer_id=row.deployer_id, deployer_name=names.respondents.get(row.deployer_id),
        provider_id=row.provider_id, provider_name=names.respondents.get(row.provider_id),
        harm=row.harm, concepts=frozenset(row.concepts), tokens=frozenset(row.tokens),
        language=row.language, sector=row.sector, rights=frozenset(row.rights),
        contact_hash=row.contact_hash, complainant_country=row.complainant_country,
        **dict(zip(("brands", "owner_brands"), domain.split_brands(
            names.typed.get(row.complaint_id, ""), names.respondents.get(row.deployer_id)),
            strict=True)))


def signatures(rows: list[ComplaintSignature]) -> list[domain.Signature]:
    names = Names(rows)
    return [to_signature(r, names) for r in rows]


# --- candidates and suggestions -------------------------------------------------------------


def candidate_rows(row: ComplaintSignature) -> list[ComplaintSignature]:
    """Complaints of the same organisation that share a blocking key with this one (the AI
    system entry, a distinctive word of its name, the start of its name, the deployer), the
    newest of each key, and the same person's: index lookups, each capped."""
    keys = db.session.scalars(select(ComplaintKey.key).where(
        ComplaintKey.complaint_id == row.complaint_id)).all()
    ids: dict[int, None] = {}
    for key in keys:
        for complaint_id in db.session.scalars(
                select(ComplaintKey.complaint_id).where(
                    ComplaintKey.organisation_id == row.organisation_id, ComplaintKey.key == key,
                    ComplaintKey.complaint_id != row.complaint_id)
                .order_by(ComplaintKey.complaint_id.desc()).limit(CANDIDATES_PER_KEY)):
            ids[complaint_id] = None
    if row.contact_hash:
        for complaint_id in db.session.scalars(select(ComplaintSignature.complaint_id).where(
                ComplaintSignature.organisation_id == row.organisation_id,
                ComplaintSignature.contact_hash == row.contact_hash,
                ComplaintSignature.complaint_id != row.complaint_id).limit(CANDIDATES_SAME_CONTACT)):
            ids[complaint_id] = None
    if not ids:
        return []
    chosen = list(ids)[:MAX_CANDIDATES]
    return db.session.scalars(select(ComplaintSignature).where(
        ComplaintSignature.complaint_id.in_(chosen))).all()


def claim_signatures(organisation_id: int, ai_system_ids: set[int]) -> dict[int, domain.Signature]:
    """The organisation's collective claims about these AI systems, each as one signature
    (from up to CLAIM_SAMPLE of its counted members)."""
    if not ai_system_ids:
        return {}
    claim_ids = db.session.scalars(select(CollectiveClaim.id).where(
        CollectiveClaim.organisation_id == organisation_id,
        CollectiveClaim.ai_system_id.in_(ai_system_ids))).all()
    result = {}
    for claim_id in claim_ids:
        rows = db.session.scalars(
            select(ComplaintSignature).join(
                ClaimMember, ClaimMember.complaint_id == ComplaintSignature.complaint_id)
            .where(ClaimMember.claim_id == claim_id,
                   ClaimMember.status.in_(domain.COUNTED | {domain.OPTED_OUT}))
            .order_by(ClaimMember.id.desc()).limit(CLAIM_SAMPLE)).all()
        claim = domain.claim_signature(claim_id, signatures(rows))
        if claim is not None:
            result[claim_id] = claim
    return result


def _reasons_json(match: domain.Match) -> list[dict]:
    return [{"code": r.code, **r.values} for r in match.reasons]


def _decided_targets(complaint_id: int) -> set[str]:
    """Targets a caseworker already decided on for this complaint, either way round."""
    own = db.session.scalars(select(Suggestion.target).where(
        Suggestion.complaint_id == complaint_id, Suggestion.status != "open")).all()
    theirs = db.session.scalars(select(Suggestion.complaint_id).where(
        Suggestion.target == f"complaint:{complaint_id}", Suggestion.status != "open")).all()
    return set(own) | {f"complaint:{i}" for i in theirs}


def _member_claims(complaint_ids) -> dict[int, set[int]]:
    claims = defaultdict(set)
    for complaint_id, claim_id in db.session.execute(
            select(ClaimMember.complaint_id, ClaimMember.claim_id).where(
                ClaimMember.complaint_id.in_(list(complaint_ids)),
                ClaimMember.status != domain.WITHDRAWN)):
        claims[complaint_id].add(claim_id)
    return claims


def suggest_for(row: ComplaintSignature) -> list[Suggestion]:
    """Score the candidates of one complaint and keep its open suggestions: claims to join,
    up to five complaints to group with, and duplicates. Returns what is open now."""
    candidates = candidate_rows(row)
    sigs = signatures([row] + candidates)
    new, others = sigs[0], sigs[1:]
    decided = _decided_targets(row.complaint_id)
    in_claims = _member_claims([row.complaint_id] + [o.complaint_id for o in others])
    own_claims = in_claims.get(row.complaint_id, set())
    wanted: dict[str, tuple[str, domain.Match]] = {}
    for claim_id, claim in claim_signatures(
            row.organisation_id, {row.ai_system_id} if row.ai_system_id else set()).items():
        match = domain.score_claim(new, claim)
        if match and match.score >= domain.SUGGEST_AT and claim_id not in own_claims:
            wanted[f"claim:{claim_id}"] = ("claim", match)
    pairs = []
    for other in others:
        match = domain.score_pair(new, other)
        if match is None:
            continue
        if match.duplicate:
            wanted[f"complaint:{other.complaint_id}"] = ("duplicate", match)
        elif match.score >= domain.SUGGEST_AT and not (
                own_claims and own_claims & in_claims.get(other.complaint_id, set())):
            pairs.append((match.score, other.complaint_id, match))
    for _score, other_id, match in sorted(pairs, key=lambda p: (-p[0], -p[1]))[:KEEP_COMPLAINTS]:
        wanted.setdefault(f"complaint:{other_id}", ("complaint", match))
    return _keep(row, {k: v for k, v in wanted.items() if k not in decided})


def _keep(row: ComplaintSignature, wanted: dict) -> list[Suggestion]:
    """Replace the complaint's open suggestions by `wanted` (decided ones stay as they are)."""
    existing = {s.target: s for s in db.session.scalars(select(Suggestion).where(
        Suggestion.complaint_id == row.complaint_id))}
    kept = []
    for target, suggestion in existing.items():
        if suggestion.status == "open" and target not in wanted:
            db.session.delete(suggestion)
    for target, (kind, match) in wanted.items():
        suggestion = existing.get(target)
        if suggestion is None:
            suggestion = Suggestion(organisation_id=row.organisation_id,
                                    complaint_id=row.complaint_id, target=target)
            db.session.add(suggestion)
        elif suggestion.status != "open":
            continue
        suggestion.kind, suggestion.score = kind, match.score
        suggestion.reasons = _reasons_json(match)
        kept.append(suggestion)
    return kept


REMATCH_LIMIT = 500


def newest_about(organisation_id: int, ai_system_id: int) -> list[ComplaintSignature]:
    return db.session.scalars(select(ComplaintSignature).where(
        ComplaintSignature.organisation_id == organisation_id,
        ComplaintSignature.ai_system_id == ai_system_id)
        .order_by(ComplaintSignature.complaint_id.desc()).limit(REMATCH_LIMIT)).all()


def match_complaint(complaint: Complaint) -> list[Suggestion]:
    """The incremental step: signature, candidates, suggestions (caller commits)."""
    row = store_signature(complaint)
    db.session.flush()
    return suggest_for(row)


# --- the whole aggregation, in blocks ---------------------------------------------------------


def _store_missing_signatures(organisation_id, progress, batch) -> int:
    """Signatures of complaints that have none yet (a complaint never changes its words)."""
    query = select(Complaint.id).outerjoin(
        ComplaintSignature, ComplaintSignature.complaint_id == Complaint.id).where(
        ComplaintSignature.complaint_id.is_(None), Complaint.withdrawn_at.is_(None))
    if organisation_id is not None:
        query = query.where(Complaint.organisation_id == organisation_id)
    ids = db.session.scalars(query.order_by(Complaint.id)).all()
    for start in range(0, len(ids), batch):
        for complaint in db.session.scalars(select(Complaint).where(
                Complaint.id.in_(ids[start:start + batch]))):
            store_signature(complaint)
        db.session.commit()
        progress(start + batch, len(ids))
    return len(ids)


def _decided_pairs(organisation_id) -> set[tuple[int, str]]:
    query = select(Suggestion.complaint_id, Suggestion.target).where(Suggestion.status != "open")
    if organisation_id is not None:
        query = query.where(Suggestion.organisation_id == organisation_id)
    decided = set()
    for complaint_id, target in db.session.execute(query):
        decided.add((complaint_id, target))
        if target.startswith("complaint:"):
            decided.add((int(target.split(":")[1]), f"complaint:{complaint_id}"))
    return decided


def aggregate(organisation_id: int | None = None, *,
              progress: Callable[[int, int], None] = lambda done, total: None,
              batch: int = 5000) -> dict:
    """Re-run the whole aggregation of an organisation (or of all): signatures where missing,
    then every complaint, oldest first, compared only with the groups started under its own
    blocking keys (at most MAX_GROUPS_PER_BLOCK a key) and with the claims about its AI
    system, never with every other complaint. A complaint is suggested with the groups it
    fits best (up to LINKS_PER_COMPLAINT); one that fits none closely starts a group. Work
    grows with the number of complaints. Returns {"complaints", "suggestions", "duplicates"}."""
    _store_missing_signatures(organisation_id, lambda done, total: None, batch)
    rows_query = select(ComplaintSignature).join(
        Complaint, Complaint.id == ComplaintSignature.complaint_id).where(
        Complaint.withdrawn_at.is_(None))
    if organisation_id is not None:
        rows_query = rows_query.where(ComplaintSignature.organisation_id == organisation_id)
    total = db.session.scalar(select(func.count()).select_from(rows_query.subquery())) or 0
    decided = _decided_pairs(organisation_id)
    stale = delete(Suggestion).where(Suggestion.status == "open")
    if organisation_id is not None:
        stale = stale.where(Suggestion.organisation_id == organisation_id)
    db.session.execute(stale)
    counts = {"complaints": total, "suggestions": 0, "duplicates": 0}
    blocks = _Blocks(decided)
    done, last_id = 0, 0
    # Batches by id (not one long cursor), so that each batch, and the progress the caller
    # saves between them, can be committed.
    while chunk := db.session.scalars(
            rows_query.where(ComplaintSignature.complaint_id > last_id)
            .order_by(ComplaintSignature.complaint_id).limit(batch)).all():
        sigs = signatures(chunk)
        for row, sig in zip(chunk, sigs, strict=True):
            blocks.place(row.organisation_id, sig)
        done, last_id = done + len(chunk), chunk[-1].complaint_id
        for kind, number in blocks.flush().items():
            counts[kind] += number
        db.session.commit()
        progress(done, total)
    db.session.commit()
    return counts


class _Blocks:
    """The groups formed so far in each block, and the suggestions waiting to be written."""

    def __init__(self, decided: set):
        self.decided = decided
        self.groups: dict[tuple, list[domain.Signature]] = defaultdict(list)
        self.contacts: dict[tuple, int] = {}
        self.claims: dict[tuple, dict[int, domain.Signature]] = {}
        self.claimed_systems: dict[int, set] = {}
        self.pending: list[dict] = []

    def _claims_of(self, organisation_id, system_id):
        """The claims about an AI system (the systems that have claims are read once)."""
        if system_id is None:
            return {}
        if organisation_id not in self.claimed_systems:
            self.claimed_systems[organisation_id] = set(db.session.scalars(
                select(CollectiveClaim.ai_system_id).where(
                    CollectiveClaim.organisation_id == organisation_id)))
        if system_id not in self.claimed_systems[organisation_id]:
            return {}
        key = (organisation_id, system_id)
        if key not in self.claims:
            self.claims[key] = claim_signatures(organisation_id, {system_id})
        return self.claims[key]

    def _suggest(self, organisation_id, sig, target, kind, match):
        if (sig.complaint_id, target) in self.decided:
            return
        self.pending.append({"organisation_id": organisation_id, "complaint_id": sig.complaint_id,
                             "target": target, "kind": kind, "score": match.score,
                             "reasons": _reasons_json(match), "status": "open",
                             "created_at": utcnow()})

    def place(self, organisation_id, sig: domain.Signature) -> None:
        """Compare with the groups started under any of the complaint's keys; join the best
        or start a group of its own (kept under each of its keys)."""
        keys = [(organisation_id, k) for k in domain.blocking_keys(sig)]
        for claim_id, claim in self._claims_of(organisation_id, sig.ai_system_id).items():
            match = domain.score_claim(sig, claim)
            if match and match.score >= domain.SUGGEST_AT:
                self._suggest(organisation_id, sig, f"claim:{claim_id}", "claim", match)
        if sig.contact_hash:
            first = self.contacts.setdefault((organisation_id, sig.contact_hash), sig)
            match = domain.score_pair(sig, first) if first is not sig else None
            if match is not None and match.duplicate:
                self._suggest(organisation_id, sig, f"complaint:{first.complaint_id}",
                              "duplicate", match)
                return
        anchors = {a.complaint_id: a for key in keys for a in self.groups.get(key, ())}
        scored = sorted(((m.score, a.complaint_id, a, m) for a in anchors.values()
                         if (m := domain.score_pair(sig, a)) is not None), reverse=True)
        best = (scored[0][2], scored[0][3]) if scored else None
        if best and best[1].duplicate:
            self._suggest(organisation_id, sig, f"complaint:{best[0].complaint_id}",
                          "duplicate", best[1])
            return
        for _score, other_id, _anchor, match in scored[:LINKS_PER_COMPLAINT]:
            if match.score >= domain.SUGGEST_AT and not match.duplicate:
                self._suggest(organisation_id, sig, f"complaint:{other_id}", "complaint", match)
        if best is None or best[1].score < ANCHOR_BELOW:
            # Not (closely) like a group yet: later complaints are compared with it too.
            for key in keys:
                group = self.groups[key]
                group.append(sig)
                if len(group) > MAX_GROUPS_PER_BLOCK:
                    del group[0]

    def flush(self) -> dict:
        counts = {"suggestions": 0, "duplicates": 0}
        if self.pending:
            db.session.execute(Suggestion.__table__.insert(), self.pending)
            for item in self.pending:
                counts["duplicates" if item["kind"] == "duplicate" else "suggestions"] += 1
            self.pending = []
        return counts


MAX_GROUPS_PER_BLOCK = 50
# Suggestions a complaint gets in a whole run: the groups it fits best.
LINKS_PER_COMPLAINT = 3
# A complaint joined to a group with less than this score still serves as a group's start,
# so that a group of differently worded complaints holds together.
ANCHOR_BELOW = 0.8


def open_suggestions(complaint_id: int) -> list[Suggestion]:
    """A complaint's open suggestions, both ways round (another complaint may have found it),
    best first."""
    return db.session.scalars(select(Suggestion).where(
        Suggestion.status == "open",
        or_(Suggestion.complaint_id == complaint_id,
            (Suggestion.target == f"complaint:{complaint_id}") & (Suggestion.kind != "claim")),
    ).order_by(Suggestion.score.desc(), Suggestion.id)).all()
