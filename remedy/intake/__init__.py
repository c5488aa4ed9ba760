"""Complaint intake: filing (web form and API), evidence, and tracking by the complainant."""

from flask import Blueprint

bp = Blueprint("intake", __name__)
