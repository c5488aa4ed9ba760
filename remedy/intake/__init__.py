"""Complaint intake: filing (web form and API), evidence, and tracking by the complainant."""

from flask import Blueprint

bp = Blueprint("intake", __name__)


def init_app(app) -> None:
    from remedy.intake import registry_receivers

    registry_receivers.connect()
