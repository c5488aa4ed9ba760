"""Casework: a case is one organisation's handling of a complaint, through the workflow."""

from flask import Blueprint

bp = Blueprint("cases", __name__)


def init_app(app) -> None:
    from remedy.cases import receivers

    receivers.connect()
    from remedy.cases.domain import ATTENTION_REASONS

    app.jinja_env.globals["attention_reasons"] = ATTENTION_REASONS
