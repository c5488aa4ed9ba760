"""`/observatory`: the public statistics as tables and charts (drawn on the server, with
their data beside them), their open data (CSV, JSON) and its dictionary. Thin."""

import csv
import io
from dataclasses import replace

from flask import Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from remedy.accounts.auth import staff_required
from remedy.accounts.domain import ORG_ADMIN
from remedy.accounts.services import update_publishing
from remedy.core.errors import ValidationFailed
from remedy.core.i18n import country_choices, country_name, translate, translate_fields
from remedy.core.messages import N_
from remedy.core.vocabulary import REMEDIES, RIGHTS_DIMENSIONS, SECTORS
from remedy.observatory import bp, stats

TITLES = {
    "month": N_("Complaints by month"),
    "rights_dimension": N_("Rights concerned"),
    "sector": N_("Areas of life"),
    "country": N_("Countries of the complainants"),
    "filer_type": N_("Who complained"),
    "state": N_("Where the complaints stand"),
    "outcome": N_("Outcomes, and remedies obtained"),
    "remedy_type": N_("Remedies carried out, by kind"),
    "collective_claims": N_("Collective claims, and the people they represent"),
    "ai_system": N_("AI systems complained about"),
    "respondent": N_("Organisations complained about"),
}
# Where complaints stand, in words for the public (staff and complainants have their own).
STATES = {"received": N_("Received, not yet read"), "triage": N_("Being read"),
          "needs_info": N_("Waiting for information from the complainant"),
          "inadmissible": N_("Closed: not something the organisation could deal with"),
          "investigating": N_("Being investigated"),
          "referred": N_("Passed on to another authority"),
          "remedy_proposed": N_("A remedy has been proposed"),
          "remedy_monitoring": N_("Checking that a remedy is carried out"),
          "closed": N_("Closed"), "withdrawn": N_("Withdrawn by the complainant")}
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
             "state": STATES, "outcome": OUTCOMES, "remedy_type": REMEDIES}.get(group)
    return translate(names[key]) if names and key in names else key


def _tables(filters) -> list[dict]:
    tables, total = [], stats.raw_total(filters)  # the same for every complaint table
    for group in stats.ALL_GROUPS:
        table = stats.published(replace(filters, group_by=group),
                                total if group in stats.GROUPS else None)
        if group == "month":
            table["items"].sort(key=lambda item: item["key"])
        table.update(group=group, title=translate(TITLES[group]), **_words(group),
                     labels={item["key"]: label(group, item["key"]) for item in table["items"]})
        tables.append(table)
    return tables


def _words(group: str) -> dict:
    """What a table's numbers count, and what it says when it has none."""
    if group == "remedy_type":
        return {"unit": _("Remedies"), "empty": _("No remedy carried out yet.")}
    if group == "collective_claims":
        return {"unit": _("Claims"), "empty": _("No collective claim yet.")}
    if group in ("ai_system", "respondent"):
        return {"unit": _("Complaints"),
                "empty": _("No names to show: an organisation names what it handles only if "
                           "it chooses to, and only when a name was complained about at least "
                           "as many times as the threshold.")}
    return {"unit": _("Complaints"), "empty": _("No complaints yet.")}


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


@bp.get("/observatory/data/<any(month, country, sector, rights_dimension, filer_type, state, outcome, remedy_type, collective_claims, ai_system, respondent):group>.<any(csv, json):fmt>")
def data(group, fmt):
    """One table as open data, with the filters of the query string."""
    table = stats.published(replace(stats.parse(request.args), group_by=group))
    if fmt == "json":
        response = jsonify(table)
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        people = group == "collective_claims"
        writer.writerow([group, "count", "suppressed"] + (["people"] if people else []))
        for item in table["items"]:
            writer.writerow([item["key"], "" if item["count"] is None else item["count"],
                             "true" if item["suppressed"] else "false"]
                            + ([_blank(item["people"])] if people else []))
        writer.writerow(["total", table["total"], "false"]
                        + ([table["people_total"]] if people else []))
        response = Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=remedy-{group}.csv"})
    response.headers["Cache-Control"] = CACHE
    return response


def _blank(value):
    return "" if value is None else value


@bp.get("/observatory/data")
def dictionary():
    return render_template("observatory/dictionary.html", groups=stats.ALL_GROUPS, titles=TITLES,
                           example=url_for("observatory.data", group="sector", fmt="csv"))




@bp.route("/admin/publishing", methods=["GET", "POST"])
@staff_required(ORG_ADMIN)
def publishing():
    """What the organisation lets the public observatory name."""
    if request.method == "POST":
        update_publishing(current_user, publishes_names=request.form.get("publishes_names") == "y")
        return redirect(url_for("observatory.publishing", saved=1))
    return render_template("observatory/publishing.html", saved=request.args.get("saved"),
                           publishes_names=current_user.organisation.publishes_names)
