"""The aggregation engine on the database: each complaint's signature, its candidates found by
index (never by scanning), and the suggestions kept for caseworkers.

`match_complaint` is the incremental step (a job right after filing); `aggregate` re-runs
the whole organisation (or installation) in blocks, reporting progress to an
`AggregationRun`.
"""

import gc
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

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
from remedy.intake.privacy import ERASED
from remedy.registry.models import AISystem, Respondent
from remedy.registry.names import match_key

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
        deployer_id=complaint.deployer_id, deployer_name=complaint.deployer_as_named,
        provider_id=complaint.provider_id,
        sector=complaint.sector, rights=complaint.rights_dimensions,
        contact=domain.contact_hash(complaint.contact_email, complaint.contact_phone,
                                    complaint.contact_name),
        complainant_country=complaint.complainant_country)
    row = db.session.get(ComplaintSignature, complaint.id)
    fresh = row is None
    row = row or ComplaintSignature(complaint_id=complaint.id)
    row.fresh = fresh
    row.organisation_id = complaint.organisation_id
    row.ai_system_id, row.deployer_id, row.provider_id = (sig.ai_system_id, sig.deployer_id,
                                                          sig.provider_id)
    row.system_key, row.system_prefix = sig.system_key, sig.system_key.replace(" ", "")[:4]
    row.harm, row.concepts, row.tokens = sig.harm, sorted(sig.concepts), sorted(sig.tokens)
    row.language, row.sector, row.rights = sig.language, sig.sector, sorted(sig.rights)
    row.contact_hash, row.complainant_country = sig.contact_hash, sig.complainant_country
    row.brands, row.owner_brands = " ".join(sorted(sig.brands)), " ".join(sorted(sig.owner_brands))
    row.computed_at = utcnow()
    db.session.add(row)
    db.session.execute(delete(ComplaintKey).where(ComplaintKey.complaint_id == complaint.id))
    row.keys = list(dict.fromkeys(key[:80] for key in domain.blocking_keys(sig)))
    db.session.add_all(ComplaintKey(complaint_id=complaint.id, key=key,
                                    organisation_id=complaint.organisation_id) for key in row.keys)
    return row


_deployer, _provider = aliased(Respondent), aliased(Respondent)


def signature_query():
    """Signature rows with what reasons name (the AI system's and respondents' registry
    names, the name as typed), in one statement: no ORM objects, no second round trip."""
    s = ComplaintSignature
    return (select(s.complaint_id, s.organisation_id, s.ai_system_id, s.deployer_id,
                   s.provider_id, s.system_key, s.harm, s.concepts, s.tokens, s.language,
                   s.sector, s.rights, s.contact_hash, s.complainant_country, s.brands,
                   s.owner_brands, Complaint.ai_system_as_named, Complaint.deployer_as_named, AISystem.name.label("system_name"),
                   _deployer.name.label("deployer_name"), _provider.name.label("provider_name"))
            .join(Complaint, Complaint.id == s.complaint_id)
            .outerjoin(AISystem, AISystem.id == s.ai_system_id)
            .outerjoin(_deployer, _deployer.id == s.deployer_id)
            .outerjoin(_provider, _provider.id == s.provider_id))


def to_signature(row) -> domain.Signature:
    """A row of `signature_query` as the domain's Signature."""
    typed = row.ai_system_as_named or ""
    if row.brands is None:  # kept before signatures stored them
        brands, owner_brands = domain.split_brands(typed, row.deployer_as_named)
    else:
        brands, owner_brands = (frozenset(row.brands.split()), frozenset(row.owner_brands.split()))
    return domain.Signature(
        complaint_id=row.complaint_id, ai_system_id=row.ai_system_id,
        ai_system_name=row.system_name or "", ai_system_as_named=typed,
        system_key=row.system_key, deployer_id=row.deployer_id, deployer_name=row.deployer_name,
        provider_id=row.provider_id, provider_name=row.provider_name, harm=row.harm,
        concepts=frozenset(row.concepts), tokens=frozenset(row.tokens), language=row.language,
        sector=row.sector, rights=frozenset(row.rights), contact_hash=row.contact_hash,
        complainant_country=row.complainant_country, brands=brands, owner_brands=owner_brands)


# --- candidates and suggestions -------------------------------------------------------------


@lru_cache(maxsize=64)
def _candidates_statement(key_count: int, by_contact: bool):
    """The statement of `candidate_signatures` for this many keys, built once (building it
    costs more than running it): this complaint's id and those to compare it with, from the
    newest complaints under each blocking key (the AI system entry, a distinctive word of its
    name, the start of its name, the deployer) and the same person's, each lookup capped and
    served by an index, MAX_CANDIDATES in all, earlier keys first. Parameters: org, me,
    key0..keyN, contact."""
    org, me = bindparam("org", type_=Integer), bindparam("me", type_=Integer)
    lookups = [select(ComplaintKey.complaint_id.label("cid"), literal(rank).label("rank")).where(
        ComplaintKey.organisation_id == org, ComplaintKey.key == bindparam(f"key{rank}", type_=String),
        ComplaintKey.complaint_id != me)
        .order_by(ComplaintKey.complaint_id.desc()).limit(CANDIDATES_PER_KEY)
        for rank in range(key_count)]
    if by_contact:
        lookups.append(select(ComplaintSignature.complaint_id.label("cid"),
                              literal(-1).label("rank")).where(
            ComplaintSignature.organisation_id == org,
            ComplaintSignature.contact_hash == bindparam("contact", type_=String),
            ComplaintSignature.complaint_id != me).limit(CANDIDATES_SAME_CONTACT))
    lookups.append(select(cast(me, Integer).label("cid"), literal(-2).label("rank")))
    # Each capped lookup in a subquery of its own (SQLite allows no LIMIT in a UNION's parts).
    found = union_all(*(select(q.subquery().c) for q in lookups)).subquery()
    ids = (select(found.c.cid).group_by(found.c.cid)
           .order_by(func.min(found.c.rank), found.c.cid.desc()).limit(MAX_CANDIDATES + 1)
           ).subquery()
    return signature_query().join(ids, ids.c.cid == ComplaintSignature.complaint_id).where(
        Complaint.withdrawn_at.is_(None) | (Complaint.id == me))


def _keys_of(complaint_id: int) -> list[str]:
    return list(db.session.scalars(select(ComplaintKey.key).where(
        ComplaintKey.complaint_id == complaint_id)))


def candidate_signatures(row: ComplaintSignature, keys: list[str] | None = None
                         ) -> tuple[domain.Signature, list[domain.Signature]]:
    """(this complaint's signature, those of its candidates): complaints of the same
    organisation, not withdrawn, that share a blocking key with it, found by index and read
    in one statement."""
    keys = list(dict.fromkeys(k[:80] for k in (_keys_of(row.complaint_id) if keys is None
                                                else keys)))
    params = {"org": row.organisation_id, "me": row.complaint_id, "contact": row.contact_hash,
              **{f"key{i}": key for i, key in enumerate(keys)}}
    rows = db.session.execute(_candidates_statement(len(keys), bool(row.contact_hash)),
                              params).all()
    sigs = {r.complaint_id: to_signature(r) for r in rows}
    new = sigs.pop(row.complaint_id)
    return new, sorted(sigs.values(), key=lambda s: -s.complaint_id)


def _claim_json(sig: domain.Signature) -> dict:
    return {"ai_system_id": sig.ai_system_id, "deployer_id": sig.deployer_id,
            "provider_id": sig.provider_id, "harm": sig.harm, "concepts": sorted(sig.concepts),
            "sector": sig.sector, "rights": sorted(sig.rights)}


def _members_signature(claim_id: int) -> dict:
    """A claim as one signature, from up to CLAIM_SAMPLE of its counted members ({} when it
    has none), in the form kept on the claim."""
    rows = db.session.execute(signature_query().join(
        ClaimMember, ClaimMember.complaint_id == ComplaintSignature.complaint_id)
        .where(ClaimMember.claim_id == claim_id,
               ClaimMember.status.in_(domain.COUNTED | {domain.OPTED_OUT}))
        .order_by(ClaimMember.id.desc()).limit(CLAIM_SAMPLE)).all()
    claim = domain.claim_signature(claim_id, [to_signature(r) for r in rows])
    return _claim_json(claim) if claim is not None else {}


def _store_claim_signature(claim_id: int) -> dict:
    stored = _members_signature(claim_id)
    db.session.execute(update(CollectiveClaim).where(CollectiveClaim.id == claim_id)
                       .values(signature=stored))
    return stored


def store_claim_signatures(organisation_id: int | None = None) -> int:
    """Keep the signature of every claim that has none (of an organisation, or all), in the
    caller's transaction. Returns how many were computed."""
    query = select(CollectiveClaim.id).where(CollectiveClaim.signature.is_(None))
    if organisation_id is not None:
        query = query.where(CollectiveClaim.organisation_id == organisation_id)
    claim_ids = db.session.scalars(query).all()
    for claim_id in claim_ids:
        _store_claim_signature(claim_id)
    return len(claim_ids)


def _names(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()
                ) if ids else {}


def claim_signatures(organisation_id: int, ai_system_ids: set[int]) -> dict[int, domain.Signature]:
    """The organisation's collective claims about these AI systems, each as one signature.
    Kept on the claim (`CollectiveClaim.signature`, forgotten when its members change) and
    computed again only when missing; registry names are read as they are now."""
    if not ai_system_ids:
        return {}
    stored = {claim_id: (signature if signature is not None else _store_claim_signature(claim_id))
              for claim_id, signature in db.session.execute(
                  select(CollectiveClaim.id, CollectiveClaim.signature).where(
                      CollectiveClaim.organisation_id == organisation_id,
                      CollectiveClaim.ai_system_id.in_(ai_system_ids)))}
    stored = {claim_id: s for claim_id, s in stored.items() if s}
    if not stored:
        return {}
    systems = _names(AISystem, {s["ai_system_id"] for s in stored.values()})
    respondents = _names(Respondent, {i for s in stored.values()
                                      for i in (s["deployer_id"], s["provider_id"])})
    result = {}
    for claim_id, s in stored.items():
        name = systems.get(s["ai_system_id"], "")
        result[claim_id] = domain.Signature(
            complaint_id=-claim_id, ai_system_id=s["ai_system_id"], ai_system_name=name,
            ai_system_as_named=name, system_key=match_key(name), deployer_id=s["deployer_id"],
            deployer_name=respondents.get(s["deployer_id"]), provider_id=s["provider_id"],
            provider_name=respondents.get(s["provider_id"]), harm=s["harm"],
            concepts=frozenset(s["concepts"]), sector=s["sector"], rights=frozenset(s["rights"]))
    return result


def forget_claim_signatures(session, _flush_context, _instances) -> None:
    """Before a flush: a claim whose members change is read again from its members the next
    time it is matched (a session event, so that no code path can forget it)."""
    for member in (*session.new, *session.dirty, *session.deleted):
        if isinstance(member, ClaimMember) and member.claim is not None:
            member.claim.signature = None


def _reasons_json(match: domain.Match) -> list[dict]:
    return [{"code": r.code, **r.values} for r in match.reasons]


def _decided_targets(complaint_id: int) -> set[str]:
    """Targets a caseworker already decided on for this complaint, either way round."""
    mine = f"complaint:{complaint_id}"
    decided = set()
    for other_id, target in db.session.execute(
            select(Suggestion.complaint_id, Suggestion.target).where(
                Suggestion.status != "open",
                or_(Suggestion.complaint_id == complaint_id, Suggestion.target == mine))):
        decided.add(target if other_id == complaint_id else f"complaint:{other_id}")
    return decided


def _suggested_to(complaint_id: int) -> set[str]:
    """Complaints whose open suggestion already points at this one, as targets."""
    return {f"complaint:{other_id}" for other_id in db.session.scalars(
        select(Suggestion.complaint_id).where(Suggestion.status == "open",
                                              Suggestion.target == f"complaint:{complaint_id}"))}


def _member_claims(complaint_ids) -> dict[int, set[int]]:
    claims = defaultdict(set)
    for complaint_id, claim_id in db.session.execute(
            select(ClaimMember.complaint_id, ClaimMember.claim_id).where(
                ClaimMember.complaint_id.in_(list(complaint_ids)),
                ClaimMember.status != domain.WITHDRAWN)):
        claims[complaint_id].add(claim_id)
    return claims


def suggest_for(row: ComplaintSignature, keys: list[str] | None = None) -> list[Suggestion]:
    """Score the candidates of one complaint and keep its open suggestions: claims to join,
    up to five complaints to group with, and duplicates. Returns what is open now.

    A complaint matched for the first time (`row.fresh`) has no suggestions, decisions or
    claims yet: those reads are skipped."""
    new, others = candidate_signatures(row, keys)
    # Decided pairs are never suggested again; a pair already suggested the other way round
    # is not suggested twice.
    decided = set() if row.fresh else _decided_targets(row.complaint_id) | _suggested_to(
        row.complaint_id)
    own_claims = set() if row.fresh else _member_claims([row.complaint_id]).get(
        row.complaint_id, set())
    # Whether a candidate is in one of this complaint's claims matters only if it has any.
    in_claims = _member_claims(o.complaint_id for o in others) if own_claims else {}
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
    existing = {} if row.fresh else {s.target: s for s in db.session.scalars(
        select(Suggestion).where(Suggestion.complaint_id == row.complaint_id))}
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
    return suggest_for(row, row.keys)


# --- the whole aggregation, in blocks ---------------------------------------------------------


def unsigned_complaints(what=Complaint.id):
    """The complaints (their ids, or `what`) that have no signature yet and should have one."""
    return select(what).outerjoin(
        ComplaintSignature, ComplaintSignature.complaint_id == Complaint.id).where(
        ComplaintSignature.complaint_id.is_(None), Complaint.withdrawn_at.is_(None),
        Complaint.narrative != ERASED)  # an erased complaint's signature is gone for good


def _store_missing_signatures(organisation_id, progress, batch) -> int:
    """Signatures of complaints that have none yet (a complaint never changes its words)."""
    query = unsigned_complaints()
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
    store_claim_signatures(organisation_id)
    rows_query = signature_query().where(Complaint.withdrawn_at.is_(None))
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
    # Signatures hold no reference cycles: the cyclic collector, which would walk every one
    # of them again and again as they pile up, is not needed while the run keeps them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # The bound on both tables lets the join start at `last_id` (PostgreSQL would
        # otherwise merge from the first complaint for every batch: quadratic).
        while chunk := db.session.execute(
                rows_query.where(ComplaintSignature.complaint_id > last_id, Complaint.id > last_id)
                .order_by(ComplaintSignature.complaint_id).limit(batch)).all():
            sigs = [(row.organisation_id, to_signature(row)) for row in chunk]
            blocks.read_first_contacts(sigs)
            for organisation_id, sig in sigs:
                blocks.place(organisation_id, sig)
            done, last_id = done + len(chunk), chunk[-1].complaint_id
            for kind, number in blocks.flush().items():
                counts[kind] += number
            db.session.commit()
            progress(done, total)
    finally:
        if collecting:
            gc.enable()
    db.session.commit()
    return counts


class _Blocks:
    """The groups formed so far in each block, and the suggestions waiting to be written."""

    def __init__(self, decided: set):
        self.decided = decided
        self.groups: dict[tuple, list[domain.Signature]] = defaultdict(list)
        # (organisation, contact hash) -> the first complaint with it: an id only (a whole
        # signature per person would hold the run's memory); the signatures a batch needs are
        # read for it (`read_first_contacts`).
        self.contacts: dict[tuple, int] = {}
        self.firsts: dict[int, domain.Signature] = {}
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

    def read_first_contacts(self, batch: list[tuple[int, domain.Signature]]) -> None:
        """The signatures of the first complaints of the people in this batch who filed
        before (one statement), and of this batch's own first ones."""
        here = {sig.complaint_id: sig for _, sig in batch}
        wanted = {self.contacts[(org, sig.contact_hash)] for org, sig in batch
                  if sig.contact_hash and (org, sig.contact_hash) in self.contacts}
        missing = [i for i in wanted if i not in here]
        self.firsts = {i: here[i] for i in wanted if i in here}
        if missing:
            self.firsts.update((r.complaint_id, to_signature(r)) for r in db.session.execute(
                signature_query().where(ComplaintSignature.complaint_id.in_(missing))))
        self.firsts.update(here)  # a first complaint and its repeat in the same batch

    def place(self, organisation_id, sig: domain.Signature) -> None:
        """Compare with the groups started under any of the complaint's keys; join the best
        or start a group of its own (kept under each of its keys)."""
        keys = [(organisation_id, k) for k in domain.blocking_keys(sig)]
        for claim_id, claim in self._claims_of(organisation_id, sig.ai_system_id).items():
            match = domain.score_claim(sig, claim)
            if match and match.score >= domain.SUGGEST_AT:
                self._suggest(organisation_id, sig, f"claim:{claim_id}", "claim", match)
        if sig.contact_hash:
            first_id = self.contacts.setdefault((organisation_id, sig.contact_hash),
                                                sig.complaint_id)
            first = self.firsts.get(first_id)
            match = domain.score_pair(sig, first) if first_id != sig.complaint_id and first else None
            if match is not None and match.duplicate:
                self._suggest(organisation_id, sig, f"complaint:{first.complaint_id}",
                              "duplicate", match)
                return
        anchors = {a.complaint_id: a for key in keys for a in self.groups.get(key, ())}
        # The newest MAX_ANCHORS only: the work per complaint stays the same however many
        # complaints came before (so the whole run grows linearly).
        newest = sorted(anchors, reverse=True)[:MAX_ANCHORS]
        scored = sorted(((m.score, i, anchors[i], m) for i in newest
                         if (m := domain.score_pair(sig, anchors[i])) is not None), reverse=True)
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


MAX_GROUPS_PER_BLOCK = 8
# Group starts compared with one complaint in a whole run, at most (the newest).
MAX_ANCHORS = 16
# Suggestions a complaint gets in a whole run: the groups it fits best.
LINKS_PER_COMPLAINT = 3
# A complaint joined to a group with less than this score still serves as a group's start,
# so that a group of differently worded complaints holds together.
ANCHOR_BELOW = 0.8


def open_suggestions(complaint_id: int) -> list[Suggestion]:
    """A complaint's open suggestions, both ways round (another complaint may have found it),
    best first."""
    found = db.session.scalars(select(Suggestion).where(
        Suggestion.status == "open",
        or_(Suggestion.complaint_id == complaint_id,
            (Suggestion.target == f"complaint:{complaint_id}") & (Suggestion.kind != "claim")),
    ).order_by(Suggestion.score.desc(), Suggestion.id)).all()
    seen, kept = set(), []
    for suggestion in found:  # a pair suggested both ways round is listed once
        pair = suggestion.target if suggestion.complaint_id == complaint_id else (
            f"complaint:{suggestion.complaint_id}")
        if pair not in seen:
            seen.add(pair)
            kept.append(suggestion)
    return kept
