"""The registry of respondents (deployers, providers) and AI systems, with aliases."""

from flask import Blueprint

bp = Blueprint("registry", __name__)
