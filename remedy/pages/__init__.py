"""Public information pages: what Remedy is, know your rights, privacy, health check."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from remedy.core.vocabulary import RIGHTS_DIMENSIONS
from remedy.extensions import db

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("pages/home.html")


@bp.get("/rights")
def rights():
    return render_template("pages/rights.html", rights=RIGHTS_DIMENSIONS)


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/healthz")
def health():
    """For load balancers: the app answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
