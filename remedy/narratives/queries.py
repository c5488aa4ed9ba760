"""The read side: published stories for anyone, newest first, as the public sees them."""

from sqlalchemy import func, select

from remedy.extensions import db
from remedy.narratives import domain
from remedy.narratives.models import PublishedNarrative


def published_stories(page: int, per_page: int) -> tuple[list[PublishedNarrative], int]:
    """(one page of published stories, newest first; how many there are). Drafts and stories
    taken down are never among them."""
    where = PublishedNarrative.state == domain.PUBLISHED
    total = db.session.scalar(select(func.count()).select_from(PublishedNarrative).where(where))
    items = db.session.scalars(
        select(PublishedNarrative).where(where)
        .order_by(PublishedNarrative.published_at.desc(), PublishedNarrative.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total or 0


def story_json(narrative: PublishedNarrative) -> dict:
    """A published story as open data: its words and its public facets, nothing else (no
    id of the complaint, case or organisation; the month, never the day)."""
    return {"text": narrative.text, "language": narrative.language,
            "sector": narrative.sector, "rights_dimensions": list(narrative.rights_dimensions or []),
            "filer_type": narrative.filer_type,
            "published": domain.month_of(narrative.published_at)}
