"""Complainants' stories in the public observatory, only with their consent: scrubbed
automatically, reviewed by a caseworker, and taken down the moment the consent goes."""

from flask import Blueprint

bp = Blueprint("narratives", __name__)


def init_app(app) -> None:
    """Take stories down when intake announces a withdrawal or an erasure, add the story's
    part to the case page, and give templates the words they need."""
    from remedy.cases import views as case_views
    from remedy.core.hooks import add_once
    from remedy.core.vocabulary import RIGHTS_DIMENSIONS, SECTORS
    from remedy.narratives import domain, receivers, scrub, views

    receivers.connect()
    add_once(case_views.CASE_PAGE_SECTIONS, views.case_context)
    app.jinja_env.globals["narrative_words"] = {
        "states": domain.STATES, "reasons": domain.TAKE_DOWN_REASONS, "kinds": scrub.KINDS,
        "filers": domain.FILERS, "sectors": SECTORS, "rights": RIGHTS_DIMENSIONS,
        "month": views.month_name,
    }
