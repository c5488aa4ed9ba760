"""Respondent responses: a case is sent to the organisation complained about, which explains
and offers a remedy on a clock; the complainant says whether the answer resolves it."""

from flask import Blueprint

bp = Blueprint("responses", __name__)


def init_app(app) -> None:
    """Show the respondent's answers on the complainant's page and JSON, and give the case
    page the words it needs."""
    from remedy.core.hooks import add_once
    from remedy.core.vocabulary import REMEDIES, RIGHTS_DIMENSIONS, SECTORS
    from remedy.intake import serializers
    from remedy.intake import views as intake_views
    from remedy.responses import api, domain, receivers, registry_receivers, views

    receivers.connect()
    registry_receivers.connect()

    add_once(intake_views.TRACKING_SECTIONS, views.tracking_context)
    add_once(serializers.COMPLAINT_SECTIONS, api.answers_in_complaint_json)
    app.jinja_env.globals["respondent_words"] = {
        "questions": domain.QUESTIONS, "headings": domain.ANSWER_HEADINGS,
        "categories": domain.CATEGORIES,
        "statuses": domain.REQUEST_STATUSES, "sectors": SECTORS, "rights": RIGHTS_DIMENSIONS,
        "remedies": REMEDIES,
    }
