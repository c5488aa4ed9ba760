"""The regional observatory's use-cases: which installations to combine, asking each for its
published statistics and keeping a good answer (the periodic job and `remedy
observatory-fetch`), answering that question for another installation, and reading the
combined tables (`regional.py` holds the rules).

Which installations: every other installation (`base_url`) of the directory entries the
operator imported, trusted by the whole installation, with a key still valid. An entry an
organisation's admin added is that organisation's trust alone, not the installation's, so
it never decides what the public page shows.

Asking is a signed `observatory.stats_request` answered in the HTTP response, not a message
of the outbox: it is a read, there is nothing to deliver later, and an installation that is
down is simply asked again at the next turn. The answer must be signed by a key the
directory gives for that very installation; anything else is refused, recorded as the
source's `last_error`, and the figures of its last good answer are kept."""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.federation import exchange
from remedy.observatory import regional, stats
from remedy.observatory.models import RollupRun
from remedy.observatory.regional_models import RegionalFigure, RegionalSource
from remedy.referrals.models import Authority, AuthorityKey

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(current_app.config["OBSERVATORY_REGIONAL"])


def _installation_wide():
    """Remote entries of the installation's own directory (not an organisation's)."""
    return (Authority.owner_organisation_id.is_(None), Authority.local_organisation_id.is_(None),
            Authority.base_url.is_not(None))


def _valid_key():
    return or_(AuthorityKey.valid_until.is_(None), AuthorityKey.valid_until > utcnow())


def peers() -> dict[str, str]:
    """base_url -> the names of its authorities in the directory, for every installation to
    combine (this one excepted, should the operator have listed it)."""
    rows = db.session.execute(select(Authority.base_url, Authority.name).where(
        *_installation_wide(), Authority.keys.any(_valid_key())).order_by(Authority.name)).all()
    names: dict[str, list[str]] = {}
    for base_url, name in rows:
        if base_url and base_url != current_app.config["BASE_URL"]:
            names.setdefault(base_url, []).append(name)
    return {url: _joined(found) for url, found in names.items()}


def _joined(names: list[str]) -> str:
    text = ", ".join(dict.fromkeys(names))
    return text if len(text) <= 200 else text[:199] + "…"


def _key_of(base_url: str):
    """The public key with an id that the directory gives for this installation."""
    def lookup(key_id: str) -> str | None:
        return db.session.scalar(select(AuthorityKey.public_key).join(Authority).where(
            AuthorityKey.key_id == key_id, _valid_key(), Authority.base_url == base_url,
            *_installation_wide()).limit(1))
    return lookup


def sync_sources() -> list[RegionalSource]:
    """The sources as the directory now lists them (committed): an installation new to it is
    added, names follow the directory, and one no longer in it (or no longer trusted) is
    forgotten with its figures, which nothing can vouch for any more."""
    listed = peers()
    known = {s.base_url: s for s in db.session.scalars(select(RegionalSource))}
    for base_url, name in listed.items():
        if base_url in known:
            known[base_url].name = name
        else:
            db.session.add(RegionalSource(base_url=base_url, name=name))
    gone = [s.id for url, s in known.items() if url not in listed]
    if gone:
        db.session.execute(delete(RegionalFigure).where(RegionalFigure.source_id.in_(gone)))
        db.session.execute(delete(RegionalSource).where(RegionalSource.id.in_(gone)))
    try:
        db.session.commit()
    except IntegrityError:  # another run added the same installation at the same moment
        db.session.rollback()
    return db.session.scalars(select(RegionalSource).where(
        RegionalSource.base_url.in_(listed)).order_by(RegionalSource.name)).all()


@dataclass(frozen=True)
class Fetched:
    name: str
    base_url: str
    error: str | None
    figures: int
    generated_at: datetime | None


def fetch_source(source_id: int) -> Fetched | None:
    """Ask one installation for its published statistics now; keep a good answer in place
    of its figures (one transaction), or record why not and keep the old ones. None if the
    source is gone. A job: takes an id, may run twice."""
    source = db.session.get(RegionalSource, source_id)
    if source is None:
        return None
    base_url = source.base_url
    source.last_attempt_at = utcnow()
    db.session.commit()
    try:
        answer = regional.parse_answer(
            exchange.ask(regional.KIND, {}, base_url, _key_of(base_url)), stats.GROUPS)
    except (exchange.Failed, regional.NotKept) as failure:
        db.session.rollback()
        return _failed(source_id, failure.code)
    return _keep(source_id, answer)


def _failed(source_id: int, code: str) -> Fetched | None:
    source = db.session.get(RegionalSource, source_id)
    if source is None:
        return None
    source.last_error = code[:64]
    db.session.commit()
    log.warning("regional observatory: %s not fetched (%s)", source.base_url, code)
    return Fetched(source.name, source.base_url, source.last_error, 0, source.generated_at)


def _keep(source_id: int, answer: regional.Answer) -> Fetched | None:
    # Locked, so that two fetches of one source replace its figures one after the other.
    source = db.session.scalar(select(RegionalSource).where(RegionalSource.id == source_id)
                               .with_for_update())
    if source is None:
        return None
    db.session.execute(delete(RegionalFigure).where(RegionalFigure.source_id == source_id))
    if answer.figures:
        db.session.execute(insert(RegionalFigure), [
            {"source_id": source_id, "group_by": f.group_by, "key": f.key, "count": f.count,
             "suppressed": f.suppressed} for f in answer.figures])
    source.fetched_at, source.generated_at = utcnow(), answer.generated_at
    source.threshold, source.total, source.last_error = answer.threshold, answer.total, None
    db.session.commit()
    log.info("regional observatory: %s fetched, %s figures", source.base_url,
             len(answer.figures))
    return Fetched(source.name, source.base_url, None, len(answer.figures), answer.generated_at)


def fetch_all() -> list[Fetched]:
    """Every source, now, one after the other (the command)."""
    return [done for source in sync_sources() if (done := fetch_source(source.id))]


def fetch_due() -> int:
    """The periodic job: the sources not asked for OBSERVATORY_REGIONAL_REFRESH_SECONDS are
    claimed and fetched (by the workers, one job each, or here). How many."""
    from remedy.jobs import enqueue, get_redis, run_in_process

    if not enabled():
        return 0
    now = utcnow()
    cutoff = now - timedelta(seconds=current_app.config["OBSERVATORY_REGIONAL_REFRESH_SECONDS"])
    claimed = []
    for source in sync_sources():
        # Claimed by the attempt's time: a second scheduler finds it not due.
        if db.session.execute(update(RegionalSource).where(
                RegionalSource.id == source.id, or_(RegionalSource.last_attempt_at.is_(None),
                                                    RegionalSource.last_attempt_at <= cutoff))
                .values(last_attempt_at=now)).rowcount == 1:
            claimed.append(source.id)
    db.session.commit()
    for source_id in claimed:
        if get_redis() is None:
            run_in_process(fetch_source, (source_id,))
        else:
            enqueue("default", fetch_source, (source_id,))
    return len(claimed)


def figures_as_of() -> datetime:
    """When this installation's rollups were last brought up to date (now if never: there
    is nothing counted yet)."""
    return db.session.scalar(select(func.max(RollupRun.refreshed_at))) or utcnow()


def answer_stats_request(payload: dict, sender) -> dict:
    """`observatory.stats_request`: this installation's published tables, unfiltered, as
    anyone reads them at /api/v1/observatory/stats (suppressed and rounded; never a raw
    count, never another installation's figures)."""
    filters = stats.Filters()
    total = stats.raw_total(filters)
    tables = []
    for group in stats.GROUPS:
        table = stats.published(replace(filters, group_by=group), total)
        tables.append({"group_by": group, "threshold": table["threshold"],
                       "rounded_to": table["rounded_to"], "total": table["total"],
                       "items": [{"key": i["key"], "count": i["count"],
                                  "suppressed": i["suppressed"]} for i in table["items"]]})
    return {"format": regional.FORMAT, "base_url": current_app.config["BASE_URL"],
            "generated_at": figures_as_of().isoformat(), "tables": tables}


# --- reading ---------------------------------------------------------------------------


def contributors(own_threshold: int, own_total: int
                 ) -> tuple[list[regional.Contributor], dict[str, int]]:
    """This installation first, then every installation of the directory (those never
    fetched too), and the source id of each that has a row; nothing is written."""
    found = [regional.Contributor(name="", base_url=current_app.config["BASE_URL"], own=True,
                                  generated_at=figures_as_of(), threshold=own_threshold,
                                  total=own_total)]
    listed = peers()
    stored = {s.base_url: s for s in db.session.scalars(select(RegionalSource).where(
        RegionalSource.base_url.in_(listed)))}
    ids = {}
    for base_url, name in sorted(listed.items(), key=lambda pair: (pair[1].lower(), pair[0])):
        source = stored.get(base_url)
        if source is None:
            found.append(regional.Contributor(name=name, base_url=base_url))
            continue
        ids[base_url] = source.id
        found.append(regional.Contributor(
            name=name, base_url=base_url, last_attempt_at=source.last_attempt_at,
            fetched_at=source.fetched_at, generated_at=source.generated_at,
            threshold=source.threshold, total=source.total, error=source.last_error))
    return found, ids


def tables(groups) -> tuple[dict[str, list[dict]], list[regional.Contributor]]:
    """The combined table of each group (this installation's published figures and those
    kept of every contributor), and the installations (see `contributors`)."""
    filters = stats.Filters()
    raw_total = stats.raw_total(filters)
    own = {group: stats.published(replace(filters, group_by=group), raw_total)
           for group in groups}
    first = own[groups[0]]
    found, ids = contributors(first["threshold"], first["total"])
    contributing = [ids[c.base_url] for c in found if c.contributing and c.base_url in ids]
    theirs: dict[str, dict[int, list[regional.Figure]]] = {group: {} for group in groups}
    if contributing:
        for figure in db.session.scalars(select(RegionalFigure).where(
                RegionalFigure.source_id.in_(contributing),
                RegionalFigure.group_by.in_(list(groups)))):
            theirs[figure.group_by].setdefault(figure.source_id, []).append(regional.Figure(
                figure.group_by, figure.key, figure.count, figure.suppressed))
    combined = {}
    for group in groups:
        mine = [regional.Figure(group, i["key"], i["count"], i["suppressed"])
                for i in own[group]["items"]]
        combined[group] = regional.combine(group, [mine, *theirs[group].values()])
    return combined, found
