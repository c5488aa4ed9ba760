"""`/observatory/regional` and `GET /api/v1/observatory/regional`: this installation's
published statistics and those of the installations of its directory, added up, with who
contributed and how fresh each one's figures are. Thin: `regional_services` reads,
`regional` holds the rules. Turned off (OBSERVATORY_REGIONAL), the page says so and the
API answers 404."""

from flask import Response, current_app, jsonify, render_template, request

from remedy.api import bp as api_bp
from remedy.core.db import utcnow
from remedy.core.errors import NotFound, ValidationFailed
from remedy.core.i18n import translate
from remedy.core.messages import N_, msg
from remedy.observatory import bp, regional, regional_services, stats
from remedy.observatory.views import CACHE, TITLES, label

NOT_SET_UP = N_("The regional view is not set up on this installation.")
THIS = N_("This installation")
PARTLY = N_("%(name)s (partly hidden)")
NOTE = N_("Each installation suppresses and rounds its own figures before they leave it. "
          "A figure suppressed by any installation is marked suppressed; its count, if any, "
          "adds up only the figures that were shown, so the real number is at least that.")


def _group(args) -> str:
    group = args.get("group_by") or "month"
    if group not in stats.GROUPS:
        raise ValidationFailed(N_("Some answers need attention."), {"group_by": [N_(
            "Group by month, country, sector, rights_dimension, filer_type, state or "
            "outcome.")]})
    return group


def reason_text(code: str | None) -> str | None:
    if code is None:
        return None
    if code in regional.REASONS:
        return translate(regional.REASONS[code])
    if code.startswith("refused:"):
        return translate(msg(regional.REFUSED, code=code.split(":", 1)[1]))
    return translate(msg(regional.FAILED, code=code))


def _installations(found) -> list[dict]:
    """Each installation as the page and the API show it (times as datetimes)."""
    now, hours = utcnow(), current_app.config["OBSERVATORY_REGIONAL_STALE_HOURS"]
    return [{"name": translate(THIS) if c.own else c.name, "base_url": c.base_url,
             "own": c.own, "contributing": c.contributing,
             "figures_as_of": c.generated_at if c.contributing else None,
             "fetched_at": c.fetched_at, "last_attempt_at": c.last_attempt_at,
             "stale": regional.is_stale(c, now, hours), "threshold": c.threshold,
             "total": c.total if c.contributing else None,
             "error": c.reason, "reason": reason_text(c.reason)} for c in found]


def _iso(value):
    return value.isoformat() if value is not None else None


@api_bp.get("/observatory/regional")
def observatory_regional():
    """One combined table (`?group_by=`, as /observatory/stats) and the installations."""
    if not regional_services.enabled():
        raise NotFound(NOT_SET_UP)
    group = _group(request.args)
    combined, found = regional_services.tables((group,))
    installations = [{**i, **{k: _iso(i[k]) for k in (
        "figures_as_of", "fetched_at", "last_attempt_at")}} for i in _installations(found)]
    response = jsonify({
        "group_by": group, "total": regional.total(found), "items": combined[group],
        "installations": installations,
        "stale_after_hours": current_app.config["OBSERVATORY_REGIONAL_STALE_HOURS"],
        "note": translate(NOTE)})
    response.headers["Cache-Control"] = CACHE
    return response


def _page_tables(combined: dict) -> list[dict]:
    """Tables for the page: the data table lists every key; the chart (observatory/
    _chart.html) draws the keys with a published count, named "partly hidden" where some
    installation suppressed them. A key hidden everywhere stays out of the chart: its sum is
    unknown, and "fewer than the threshold" would not be true of a sum."""
    tables = []
    for group, items in combined.items():
        names = {item["key"]: label(group, item["key"]) for item in items}
        chart = [item for item in items if item["count"] is not None]
        tables.append({
            "group": group, "title": translate(TITLES[group]), "items": items, "names": names,
            "chart": {"group": group, "title": translate(TITLES[group]), "items": chart,
                      "threshold": None, "labels": {
                          item["key"]: translate(msg(PARTLY, name=names[item["key"]]))
                          if item["suppressed"] else names[item["key"]] for item in chart}}})
    return tables


@bp.get("/observatory/regional")
def regional_page():
    if not regional_services.enabled():
        response = Response(render_template("observatory/regional.html", enabled=False))
    else:
        combined, found = regional_services.tables(stats.GROUPS)
        response = Response(render_template(
            "observatory/regional.html", enabled=True, tables=_page_tables(combined),
            installations=_installations(found), total=regional.total(found),
            stale_hours=current_app.config["OBSERVATORY_REGIONAL_STALE_HOURS"]))
    response.headers["Cache-Control"] = CACHE
    return response
