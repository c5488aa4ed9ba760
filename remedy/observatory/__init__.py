"""The public observatory: anonymised statistics of complaints about AI systems, from
rollups kept by jobs, published so that no one can be singled out."""

from flask import Blueprint

bp = Blueprint("observatory", __name__)


def init_app(app) -> None:
    from remedy.federation import inbox
    from remedy.observatory import regional, regional_services, triggers

    triggers.connect()  # the rollups follow the cases

    # Other installations ask for the published statistics (the regional observatory).
    inbox.HANDLERS[regional.KIND] = regional_services.answer_stats_request
    inbox.READS.add(regional.KIND)
