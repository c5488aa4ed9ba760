"""The two programs `load_faults` runs beside Remedy, each in a process of its own.

- `baseline_app()`: the bare Flask + SQLAlchemy app the load benchmark compares Remedy with:
  one endpoint that inserts one row, served by gunicorn with the same settings as Remedy.
- the loopback SMTP sink (`python -m benchmarks.sidecars smtp ...`): accepts every message,
  as the test suite's mailbox does (tests/conftest.py), and appends one JSON line per message
  to a file, so the benchmark can count deliveries per recipient after the workers are gone.
  It can hold one message on request (a file `stall` in its control folder), either before
  it answers the end of DATA (the message is not accepted yet) or at QUIT (it is), so that
  the benchmark can kill the RQ worker sending it at a known point of the delivery.
"""

import argparse
import asyncio
import json
import os
import signal
import threading
import time
from email.parser import BytesHeaderParser
from pathlib import Path

# --- the baseline app ------------------------------------------------------------------------


def baseline_app():
    """gunicorn 'benchmarks.sidecars:baseline_app()' with BENCH_BASELINE_DATABASE_URL set.
    The table `bench_rows` is created by the benchmark before the server starts."""
    from flask import Flask, jsonify, request
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import DateTime, String, Text, func
    from sqlalchemy.orm import Mapped, mapped_column

    app = Flask("baseline")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_BASELINE_DATABASE_URL"]
    # As Remedy's engine: pre-ping, no JIT.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                               "connect_args": {"options": "-c jit=off"}}
    db = SQLAlchemy(app)

    class Row(db.Model):
        __tablename__ = "bench_rows"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200))
        narrative: Mapped[str] = mapped_column(Text)
        created_at = mapped_column(DateTime(timezone=True), server_default=func.now())

    @app.post("/rows")
    def insert_row():
        data = request.get_json()
        row = Row(title=data["title"], narrative=data["narrative"])
        db.session.add(row)
        db.session.commit()
        return jsonify({"id": row.id}), 201

    return app


BASELINE_TABLE = """CREATE TABLE IF NOT EXISTS bench_rows (
    id bigserial PRIMARY KEY, title varchar(200) NOT NULL, narrative text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())"""


# --- the SMTP sink ---------------------------------------------------------------------------


class Sink:
    """aiosmtpd handler: every message is accepted and logged as a JSON line."""

    def __init__(self, log_path: Path, control: Path):
        self.log = log_path.open("a", buffering=1, encoding="utf-8")
        self.control = control
        self.lock = threading.Lock()
        self.stalling = False

    def write(self, **record) -> None:
        with self.lock:
            self.log.write(json.dumps(record) + "\n")

    def _stall_wanted(self, where: str) -> bool:
        stall = self.control / "stall"
        try:
            wanted = stall.read_text().strip() == where
        except FileNotFoundError:
            return False
        return wanted and not self.stalling

    async def _stall(self, envelope, where: str) -> bool:
        """Hold this message until the `stall` file goes. False if the client went away
        meanwhile (aiosmtpd cancels the handler on EOF)."""
        self.stalling = True
        (self.control / "stalled").write_text(json.dumps(
            {"to": list(envelope.rcpt_tos), "where": where}))
        try:
            while (self.control / "stall").exists():
                await asyncio.sleep(0.02)
            return True
        except asyncio.CancelledError:
            self.write(event=f"client-gone-at-{where}", to=list(envelope.rcpt_tos), at=time.time())
            raise
        finally:
            self.stalling = False

    async def handle_DATA(self, server, session, envelope):
        if self._stall_wanted("data"):
            await self._stall(envelope, "data")
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        self.write(event="delivered", to=list(envelope.rcpt_tos), subject=str(headers["Subject"]),
                   message_id=str(headers["Message-ID"]), at=time.time())
        session.delivered = list(envelope.rcpt_tos)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        if getattr(session, "delivered", None) and self._stall_wanted("quit"):
            envelope.rcpt_tos = session.delivered
            await self._stall(envelope, "quit")
        return "221 Bye"


def serve_smtp(port: int, log_path: Path, control: Path) -> None:
    from aiosmtpd.controller import Controller

    control.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(log_path, control), hostname="127.0.0.1", port=port)
    controller.start()
    (control / "ready").write_text(str(os.getpid()))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    smtp = sub.add_parser("smtp", help="the loopback SMTP sink")
    smtp.add_argument("--port", type=int, required=True)
    smtp.add_argument("--log", type=Path, required=True, help="JSON lines, one per message")
    smtp.add_argument("--control", type=Path, required=True, help="folder for stall/stalled")
    args = parser.parse_args(argv)
    serve_smtp(args.port, args.log, args.control)


if __name__ == "__main__":
    main()
