"""The application factory: read it as the table of contents of Remedy."""

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from remedy import extensions
from remedy.core import i18n, security

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "testing", "production")


def create_app(env: str | None = None, overrides: dict | None = None) -> Flask:
    env = env or os.environ.get("REMEDY_ENV", "development")
    overrides = overrides or {}
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"REMEDY_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    app = Flask(
        "remedy",
        instance_path=overrides.get("INSTANCE_PATH")
        or os.environ.get("REMEDY_INSTANCE_PATH")
        or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "remedy" / "static"),
    )
    configure(app, env, overrides)
    app.json = security.JSONProvider(app)  # people's own scripts; deep nesting is a 400
    app.request_class = security.Request  # no NUL in form fields or URL arguments
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_commands(app)
    return app


def configure(app: Flask, env: str, overrides: dict) -> None:
    """Defaults, then the environment's file, then REMEDY_* variables, then test overrides."""
    app.config.from_pyfile(str(ROOT / "config" / "default.py"))
    app.config.from_pyfile(str(ROOT / "config" / f"{env}.py"))
    app.config.from_prefixed_env("REMEDY")
    app.config.update(overrides)
    app.config["ENV_NAME"] = env
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    database_url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "remedy.db")
    )
    if database_url.startswith(("postgresql://", "postgres://")):
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    if database_url.startswith("postgresql"):
        # Short queries: JIT compilation costs more than it saves (benchmarks/README.md).
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"options": "-c jit=off"})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if not app.config.get("EVIDENCE_DIR"):
        app.config["EVIDENCE_DIR"] = str(Path(app.instance_path) / "evidence")
    from remedy.intake.storage import check_backend

    if problem := check_backend(app.config["EVIDENCE_STORAGE"]):
        raise RuntimeError(problem)
    app.config["BASE_URL"] = app.config["BASE_URL"].rstrip("/")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "remedy" / "translations")

    if env == "production":
        missing = [k for k in ("SECRET_KEY", "DATABASE_URL") if not app.config.get(k)]
        if missing:
            raise RuntimeError("Set " + ", ".join(f"REMEDY_{k}" for k in missing))
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set REMEDY_SECRET_KEY")
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    logging.basicConfig(level=logging.INFO)


def register_extensions(app: Flask) -> None:
    from remedy import (  # noqa: F401  (models: the schema)
        cases,
        collective,
        intake,
        jobs,
        models,
        narratives,
        notifications,
        observatory,
        referrals,
        responses,
    )
    from remedy.accounts import auth

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(ROOT / "migrations"), render_as_batch=True,
        compare_type=True,
    )
    extensions.mail.init_app(app)
    extensions.csrf.init_app(app)
    extensions.babel.init_app(app, locale_selector=i18n.select_locale)
    extensions.limiter.init_app(app)
    extensions.login_manager.init_app(app)
    auth.init_app(app)
    jobs.init_app(app)
    notifications.init_app(app)
    intake.init_app(app)  # before the features built on it: its receivers run first
    cases.init_app(app)
    responses.init_app(app)
    collective.init_app(app)
    referrals.init_app(app)
    narratives.init_app(app)
    observatory.init_app(app)


def _digits_up_to(limit: int) -> str:
    """A regular expression of the decimal numbers from 0 to `limit` (leading zeros allowed)."""
    digits = str(limit)
    width = len(digits)
    choices = [rf"[0-9]{{1,{width - 1}}}"] if width > 1 else []
    for i, char in enumerate(digits):
        low, rest = (1 if i == 0 and width > 1 else 0), width - i - 1
        if int(char) > low:
            tail = f"[0-9]{{{rest}}}" if rest else ""
            choices.append(f"{digits[:i]}[{low}-{int(char) - 1}]{tail}")
    choices.append(digits)
    return "0*(?:" + "|".join(choices) + ")"


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in a URL stops at the databases' integer: a larger number is a 404. The
    limit is in the converter's pattern, not only in its conversion: werkzeug answers a
    number that matched the pattern but failed conversion with a 405 when a rule of another
    method shares the path."""
    from werkzeug.routing import IntegerConverter

    from remedy.core.db import MAX_ID

    class IdConverter(IntegerConverter):
        regex = _digits_up_to(MAX_ID)

        def __init__(self, url_map, *args, **kwargs):
            kwargs.setdefault("max", MAX_ID)
            super().__init__(url_map, *args, **kwargs)

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from remedy.accounts import bp as accounts_bp
    from remedy.accounts import views as _accounts_views  # noqa: F401
    from remedy.api import bp as api_bp
    from remedy.api import openapi as _openapi  # noqa: F401  (GET /api/v1/openapi.json)
    from remedy.cases import api as _cases_api  # noqa: F401  (routes on api_bp)
    from remedy.cases import bp as cases_bp
    from remedy.cases import views as _cases_views  # noqa: F401
    from remedy.collective import api as _collective_api  # noqa: F401  (routes on api_bp)
    from remedy.collective import bp as collective_bp
    from remedy.collective import views as _collective_views  # noqa: F401
    from remedy.federation import bp as federation_bp
    from remedy.federation import views as _federation_views  # noqa: F401
    from remedy.intake import api as _intake_api  # noqa: F401  (routes on api_bp)
    from remedy.intake import bp as intake_bp
    from remedy.intake import views as _intake_views  # noqa: F401
    from remedy.narratives import api as _narratives_api  # noqa: F401  (routes on api_bp)
    from remedy.narratives import bp as narratives_bp
    from remedy.narratives import views as _narratives_views  # noqa: F401
    from remedy.observatory import api as _observatory_api  # noqa: F401  (routes on api_bp)
    from remedy.observatory import bp as observatory_bp
    from remedy.observatory import regional_views as _regional_views  # noqa: F401  (and api_bp)
    from remedy.observatory import views as _observatory_views  # noqa: F401
    from remedy.pages import bp as pages_bp
    from remedy.referrals import api as _referrals_api  # noqa: F401  (routes on api_bp)
    from remedy.referrals import bp as referrals_bp
    from remedy.referrals import views as _referrals_views  # noqa: F401
    from remedy.registry import api as _registry_api  # noqa: F401  (routes on api_bp)
    from remedy.registry import bp as registry_bp
    from remedy.registry import views as _registry_views  # noqa: F401
    from remedy.responses import api as _responses_api  # noqa: F401  (routes on api_bp)
    from remedy.responses import bp as responses_bp
    from remedy.responses import portal as _responses_portal  # noqa: F401
    from remedy.responses import views as _responses_views  # noqa: F401

    app.register_blueprint(pages_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(registry_bp)
    app.register_blueprint(responses_bp)
    app.register_blueprint(collective_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(federation_bp)
    app.register_blueprint(observatory_bp)
    app.register_blueprint(narratives_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    from remedy.core import web_errors

    web_errors.init_app(app)


def register_request_hooks(app: Flask) -> None:
    app.before_request(security.require_csrf)
    app.after_request(security.add_security_headers)
    app.add_template_filter(i18n.local_date)

    @app.context_processor
    def inject_i18n():
        return {
            "html_lang": i18n.html_lang(),
            "current_locale": i18n.current_locale(),
            "language_choices": i18n.language_choices(),
            "translate": i18n.translate,
            "country_name": i18n.country_name,
        }


def register_commands(app: Flask) -> None:
    from remedy.cli import remedy_cli

    app.cli.add_command(remedy_cli)
