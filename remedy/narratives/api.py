"""`GET /api/v1/observatory/narratives`: the published stories for anyone, as open data."""

from flask import jsonify

from remedy.api import bp, page_args
from remedy.narratives import queries


@bp.get("/observatory/narratives")
def observatory_narratives():
    page, per_page = page_args()
    items, total = queries.published_stories(page, per_page)
    response = jsonify({"items": [queries.story_json(n) for n in items], "page": page,
                        "per_page": per_page, "total": total})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
