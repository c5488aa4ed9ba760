"""`/observatory`: the public statistics as tables and charts (drawn on the server, with
their data beside them), their open data (CSV, JSON) and its dictionary. Thin."""

import csv
import io
from dataclasses import replace

from flask import Response, jsonify, render_template, request, url_for

from remedy.cases.domain import STATE_NAMES
from remedy.core.errors import ValidationFailed
from remedy.core.i18n import country_choices, country_name, translate, translate_fields
from remedy.core.messages import N_
from remedy.core.vocabulary import RIGHTS_DIMENSIONS, SECTORS
from remedy.observatory import bp, stats

TITLES = {
    "month": N_("Complaints by month"),
    "rights_dimension": N_("Rights concerned"),
    "sector": N_("Areas of life"),
    "country": N_("Countries of the complainants"),
    "filer_type": N_("Who complained"),
    "state": N_("Where the complaints stand"),
    "outcome": N_("Outcomes, and remedies obtained"),
}
OUTCOMES = {"open": N_("Still being handled"), "remedy_obtained": N_("A remedy was obtained"),
            "closed_without_remedy": N_("Closed without a remedy"),
            "inadmissible": N_("Not something the organisation could deal with"),
            "withdrawn": N_("Withdrawn by the complainant")}
FILERS = {"individual": N_("Individuals"), "group": N_("Groups of people"),
          "representative_org": N_("Organisations for affected people")}
CACHE = "public, max-age=300"


def label(group: str, key: str) -> str:
    """A table's key in the reader's words."""
    if group == "country":
        return country_name(key) or key
    names = {"sector": SECTORS, "rights_dimension": RIGHTS_DIMENSIONS, "filer_type": FILERS,
             "state": STATE_NAMES, "outcome": OUTCOMES}.get(group)
    return translate(names[key]) if names and key in names else key


def _tables(filters) -> list[dict]:
    tables, total = [], stats.raw_total(filters)  # the same for every table
    for group in stats.GROUPS:
        table = stats.published(replace(filters, group_by=group), total)
        if group == "month":
            table["items"].sort(key=lambda item: item["key"])
        table.update(group=group, title=translate(TITLES[group]),
                     labels={item["key"]: label(group, item["key"]) for item in table["items"]})
        tables.append(table)
    return tables


@bp.get("/observatory")
def index():
    errors, status = {}, 200
    try:
        filters = stats.parse(request.args)
    except ValidationFailed as failure:
        errors, status = translate_fields(failure.fields), 422
        filters = stats.Filters()
    response = Response(render_template(
        "observatory/index.html", tables=_tables(filters), errors=errors,
        values=request.args, countries=country_choices(), sectors=SECTORS,
        rights=RIGHTS_DIMENSIONS, query=filters.applied), status=status)
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/observatory/data/<any(month, country, sector, rights_dimension, filer_type, state, outcome):group>.<any(csv, json):fmt>")
def data(group, fmt):
    """One table as open data, with the filters of the query string."""
    table = stats.published(replace(stats.parse(request.args), group_by=group))
    if fmt == "json":
        response = jsonify(table)
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([group, "count", "suppressed"])
        for item in table["items"]:
            writer.writerow([item["key"], "" if item["count"] is None else item["count"],
                             "true" if item["suppressed"] else "false"])
        writer.writerow(["total", table["total"], "false"])
        response = Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=remedy-{group}.csv"})
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/observatory/data")
def dictionary():
    return render_template("observatory/dictionary.html", groups=stats.GROUPS, titles=TITLES,
                           example=url_for("observatory.data", group="sector", fmt="csv"))


