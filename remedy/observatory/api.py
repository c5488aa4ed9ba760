"""`GET /api/v1/observatory/stats`: anonymised counts for anyone, from the rollups."""

from flask import jsonify, request

from remedy.api import bp
from remedy.observatory import stats


@bp.get("/observatory/stats")
def observatory_stats():
    response = jsonify(stats.published(stats.parse(request.args)))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
