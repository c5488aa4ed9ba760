"""Public information pages: what Remedy is, know your rights, privacy, health check."""

from flask import Blueprint, jsonify, render_template
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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
    """For load balancers and monitoring. 503 when the database does not answer (nothing
    works then). Redis down or emails stuck make it "degraded" with 200: filing and
    casework go on, and the durable outbox catches up once the workers run again."""
    from remedy.jobs import get_redis
    from remedy.notifications.services import overdue_emails

    try:
        db.session.execute(text("SELECT 1"))
        stuck = overdue_emails()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "down"}), 503
    report = {"status": "ok", "database": "ok", "emails_overdue": stuck}
    connection = get_redis()
    if connection is not None:
        try:
            connection.ping()
            report["redis"] = "ok"
        except RedisError:
            report["redis"] = "down"
    if report.get("redis") == "down" or stuck:
        report["status"] = "degraded"
    return jsonify(report)
