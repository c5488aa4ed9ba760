"""Two real Remedy installations for the federation tests: each its own database, keys,
gunicorn process on a loopback port and (with Redis) its own RQ worker, set up with the
commands an operator would type."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import DATABASE_URL, REDIS_URL, free_port
from tests.logcheck import process_log

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough pass phrase"


class Installation:
    """An installation, or (`share_with`) one more app server and worker of another: the
    same database, Redis and settings, its own instance folder and port."""

    def __init__(self, name: str, workdir: Path, redis_db: int, *, database: str | None = None,
                 share_with: "Installation | None" = None):
        self.name, self.port = name, free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.instance = instance = workdir / name
        instance.mkdir(parents=True, exist_ok=True)
        self.server = self.worker = None
        if share_with is not None:
            self.database_url = share_with.database_url
            self.env = {**share_with.env, "REMEDY_INSTANCE_PATH": str(instance)}
            self.engine = sa.create_engine(self.database_url)
            return
        if DATABASE_URL:
            url = sa.engine.make_url(DATABASE_URL).set(database=database or f"remedy_fed_{name}")
            admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            admin.dispose()
            self.database_url = url.render_as_string(hide_password=False)
        else:
            self.database_url = f"sqlite:///{instance / 'remedy.db'}"
        self.env = {**os.environ, "REMEDY_ENV": "testing", "REMEDY_INSTANCE_PATH": str(instance),
                    "REMEDY_DATABASE_URL": self.database_url, "REMEDY_BASE_URL": self.base_url,
                    "REMEDY_SECRET_KEY": f"secret-of-{name}", "REMEDY_FEDERATION_RETRY_SECONDS": "1",
                    "REMEDY_FEDERATION_TIMEOUT_SECONDS": "5", "PYTHONUNBUFFERED": "1"}
        self.env.pop("REMEDY_REDIS_URL", None)
        if REDIS_URL:
            self.env["REMEDY_REDIS_URL"] = REDIS_URL.rsplit("/", 1)[0] + f"/{redis_db}"
        self.engine = sa.create_engine(self.database_url)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, input=stdin,
                              timeout=120)
        with process_log(f"{self.name}-cli") as log:  # searched for personal data (logcheck)
            log.write(done.stderr.encode())
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout.strip()

    def set_up(self, slug: str, country: str, org_type: str) -> None:
        if REDIS_URL:
            import redis

            redis.Redis.from_url(self.env["REMEDY_REDIS_URL"]).flushdb()
        self.cli("db", "upgrade")
        self.slug = slug
        self.cli("remedy", "create-org", "--name", f"{slug} authority", "--slug", slug,
                 "--country", country, "--type", org_type)
        email = f"caseworker@{slug}.example.org"
        self.cli("remedy", "create-user", "--org", slug, "--email", email, "--role",
                 "caseworker", "--password", PASSWORD)
        self.token = self.cli("remedy", "create-token", "--user", email, "--name",
                              "tests").splitlines()[-1]
        self.public_key = self.cli("remedy", "federation-keys").splitlines()[-1]

    def trust(self, other: "Installation", country: str, org_type: str) -> None:
        path = Path(self.env["REMEDY_INSTANCE_PATH"]) / "directory.json"
        path.write_text(json.dumps([{
            "name": f"{other.slug} authority", "country": country, "type": org_type,
            "sectors": [], "rights_dimensions": [], "languages": ["en"],
            "base_url": other.base_url, "slug": other.slug, "public_key": other.public_key}]))
        assert self.cli("remedy", "directory-import", str(path)).endswith("1 added, 0 updated")

    def start(self, wait: bool = True) -> None:
        # Their logs go to test-artifacts/logs/processes/, searched for personal data (logcheck).
        with process_log(f"{self.name}-gunicorn") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--threads", "4", "--graceful-timeout", "2", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if REDIS_URL and self.worker is None:
            with process_log(f"{self.name}-worker") as log:
                self.worker = subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "wsgi", "remedy", "worker"],
                    cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_until_up()

    def wait_until_up(self, timeout: float = 30) -> None:
        wait_for(lambda: self.get("/federation/v1/keys", auth=False) is not None, what="start",
                 timeout=timeout)

    def stop(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=30)
            self.server = None

    def close(self) -> None:
        self.stop()
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=30)
        self.engine.dispose()

    def request(self, method: str, path: str, body=None, *, auth=True, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})}
        if auth:
            sent["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, path: str, auth=True):
        try:
            status, body = self.request("GET", path, auth=auth)
        # Also a timeout or an answer that is not JSON: a server still starting.
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            return None
        return body if status == 200 else None

    def post(self, path: str, body, *, auth=True, headers=None):
        return self.request("POST", path, body, auth=auth, headers=headers)

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()


def wait_for(check, *, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
