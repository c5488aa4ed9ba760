"""Test fixtures. The suite runs against whatever REMEDY_TEST_DATABASE_URL and
REMEDY_TEST_REDIS_URL name (PostgreSQL and Redis), or, without them, against SQLite with
jobs run in-process. Email goes to a real SMTP server on loopback. Evidence is stored as
REMEDY_TEST_EVIDENCE_STORAGE says (filesystem by default); tests marked `both_storages`
run once with each backend."""

import os
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from rq import SimpleWorker
from werkzeug.serving import WSGIRequestHandler, make_server

from remedy.app import create_app
from remedy.extensions import db, limiter

# Every log record of the session to test-artifacts/logs/, searched for planted personal data.
pytest_plugins = ["tests.logcheck"]

DATABASE_URL = os.environ.get("REMEDY_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("REMEDY_TEST_REDIS_URL")
ON_POSTGRES = bool(DATABASE_URL)
EVIDENCE_STORAGE = os.environ.get("REMEDY_TEST_EVIDENCE_STORAGE", "filesystem")
STORAGES = ("filesystem", "database")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Messages the loopback SMTP server received, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        return [m["message"] for m in self.messages if address in m["to"]]

    @staticmethod
    def text(message) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(("html",)).get_content()


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def _recreate_postgres_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def base_config(instance_dir, mailbox):
    """What every test app shares: the database, Redis, the SMTP server."""
    database_url = DATABASE_URL or f"sqlite:///{instance_dir / 'test.db'}"
    return {
        "INSTANCE_PATH": str(instance_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mailbox.port,
        "MAIL_SUPPRESS_SEND": False,
        "DEFAULT_ORGANISATION": "test-nhri",
        "EVIDENCE_DIR": str(instance_dir / "evidence"),
        "EVIDENCE_STORAGE": EVIDENCE_STORAGE,
    }


@pytest.fixture(scope="session")
def make_app(base_config):
    """Build another app on the same database with some settings changed."""

    def build(**overrides):
        return create_app("testing", {**base_config, **overrides})

    return build


@pytest.fixture(scope="session")
def app(make_app, base_config):
    if ON_POSTGRES:
        _recreate_postgres_database(base_config["DATABASE_URL"])
    application = make_app()
    with application.app_context():
        upgrade()
    return application


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("both_storages"):
        metafunc.parametrize("evidence_storage", STORAGES, indirect=True)


@pytest.fixture(autouse=True)
def evidence_storage(request):
    """The evidence backend of this test: each in turn for tests marked `both_storages`, for
    the session app and for apps built by make_app during the test."""
    backend = getattr(request, "param", None)
    if backend is None:
        yield EVIDENCE_STORAGE
        return
    base_config, application = request.getfixturevalue("base_config"), request.getfixturevalue("app")
    before = base_config["EVIDENCE_STORAGE"]
    base_config["EVIDENCE_STORAGE"] = application.config["EVIDENCE_STORAGE"] = backend
    yield backend
    base_config["EVIDENCE_STORAGE"] = application.config["EVIDENCE_STORAGE"] = before


@pytest.fixture(autouse=True)
def _clean_state(request, mailbox):
    """Every test starts with empty tables, queues, rate limits and mailbox."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        try:
            limiter.reset()
        except Exception:
            pass
    if REDIS_URL:
        redis.Redis.from_url(REDIS_URL).flushdb()
    mailbox.clear()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def run_jobs(application) -> None:
    """Let a real RQ worker drain the queues (with Redis); in-process jobs already ran."""
    if not application.config.get("REDIS_URL"):
        return
    from remedy.jobs import QUEUES

    with application.app_context():
        connection = redis.Redis.from_url(application.config["REDIS_URL"])
        SimpleWorker(list(QUEUES), connection=connection).work(burst=True)
        db.session.remove()


@pytest.fixture
def jobs(app):
    return lambda: run_jobs(app)


@contextmanager
def app_context(application):
    with application.app_context():
        yield
        db.session.remove()


@pytest.fixture
def org(app):
    """The default handling organisation, in Denmark."""
    from tests.factories import make_organisation

    with app.app_context():
        organisation = make_organisation()
        slug = organisation.slug
        db.session.remove()
    return slug


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # thousands of requests: no line for each
        pass


@pytest.fixture
def live_server(app, make_app):
    """The app on 127.0.0.1 (a real HTTP server in a thread, on the test database, with the
    regional observatory turned on so that its API answers): its base URL. The port is the
    one the system hands out, so that runs side by side do not clash."""
    served = make_app(OBSERVATORY_REGIONAL=True)
    server = make_server("127.0.0.1", 0, served, threaded=False, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
