"""Collective claims: similar complaints about one AI system, grouped so that collective and
societal harm becomes visible and can be pursued together; and duplicates, told apart."""

from flask import Blueprint

bp = Blueprint("collective", __name__)


def init_app(app) -> None:
    from remedy.cases import views as case_views
    from remedy.collective import domain, receivers, views, wording
    from remedy.core.hooks import add_once
    from remedy.intake import views as intake_views

    receivers.connect()
    add_once(case_views.CASE_PAGE_SECTIONS, views.case_context)
    add_once(intake_views.TRACKING_SECTIONS, views.tracking_context)
    app.jinja_env.globals["collective_words"] = {
        "harms": domain.HARM_NAMES, "reasons": domain.REASONS,
        "statuses": domain.MEMBER_STATUSES, "reason": wording.reason_text,
    }
