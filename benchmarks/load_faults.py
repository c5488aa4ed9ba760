"""Load and faults: Remedy as it runs in production, filing complaints at 50 clients at once.

The whole stack is started here (`stack.py`), each part in a process of its own: PostgreSQL
database `remedy_bench_load` (dropped and created again, `flask db upgrade`, one organisation
made with `flask remedy create-org`), gunicorn serving `wsgi:app`, two RQ workers and the
periodic scheduler (`flask remedy worker` / `flask remedy scheduler`, started again when they
exit, as a supervisor such as systemd would), and a loopback SMTP sink (`sidecars.py`).
Clients are threads in this process (`clients.py`): half of the submissions go through
`POST /api/v1/complaints`, half through the form (`GET /complaints/new` for the session
cookie and CSRF token, then the multipart POST). Every submission gives an email address,
so every complaint in the database must lead to exactly one confirmation email.

Runs (`--runs`, default both):
- normal: first the baseline, a bare Flask + SQLAlchemy app inserting one row per request
  (`sidecars.baseline_app`, same gunicorn settings, same clients, database
  `remedy_bench_baseline`), then Remedy on Redis DB 5 of the shared server (flushed first).
- fault: Remedy on a Redis server of its own (port 6390); a quarter of the way through the
  load that Redis is shut down (`shutdown nosave`: its queued jobs are lost) for 30 s and
  started again; later an RQ worker (and its work horse, if forking) is SIGKILLed in the middle of
  delivering an email, once before the SMTP server has accepted the message and once after
  (the sink holds the message at that point until the kill). The killed worker is started
  again by the supervisor.

After the load each run waits until the outbox is drained, then counts: submissions,
accepted (2xx), refused, complaints in the database, accepted but missing, emails expected,
delivered, duplicates and missing. The command exits 1 if an invariant fails; every process
it started is stopped on the way out, on an error or on Ctrl-C.
"""

import argparse
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

from benchmarks.clients import Load, print_load_table, summarise
from benchmarks.load import libpq_url, recreate_database
from benchmarks.sidecars import BASELINE_TABLE
from benchmarks.stack import (
    PrivateRedis,
    Processes,
    Settings,
    Stack,
    children_of,
    cpu_seconds_by_group,
    free_port,
    gunicorn_argv,
    http_ok,
    pids_connected_to,
    print_cpu,
    wait_for,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/remedy_bench_load"
BASELINE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/remedy_bench_baseline"
GOAL_RATIO = 0.5


# --- after the load: drain, count, check -----------------------------------------------------


def sink_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def outbox_state(url: str) -> dict:
    with psycopg.connect(libpq_url(url)) as conn:
        statuses = dict(conn.execute(
            "SELECT status, count(*) FROM outbox_emails WHERE template = 'complaint_received' "
            "GROUP BY status").fetchall())
        with_email = conn.execute(
            "SELECT count(*) FROM complaints WHERE contact_email IS NOT NULL").fetchone()[0]
    return {"statuses": statuses, "expected": with_email}


def queue_lengths(redis_url: str) -> dict:
    import redis

    try:
        connection = redis.Redis.from_url(redis_url, socket_timeout=2)
        return {q: connection.llen(f"rq:queue:{q}") for q in ("emails", "default")}
    except redis.RedisError:
        return {}


def drain(stack: Stack, timeout: float, out=print) -> float | None:
    """Wait until every complaint's email is marked sent and the emails queue is empty; the
    monotonic time it happened, or None after `timeout` seconds. (The default queue's
    matching and rollup jobs are not waited for: they take far longer than the emails.)"""
    started = last_print = time.monotonic()
    while time.monotonic() - started < timeout:
        state = outbox_state(stack.settings.database_url)
        queues = queue_lengths(stack.redis_url)
        sent = state["statuses"].get("sent", 0)
        if sent == state["expected"] and sum(state["statuses"].values()) == sent \
                and queues and not queues["emails"]:
            out(f"  drained: outbox {state['statuses']}, queues {queues}")
            return time.monotonic()
        if time.monotonic() - last_print > 15:
            out(f"  draining: outbox {state['statuses']} of {state['expected']}, "
                f"queues {queues}, {time.monotonic() - started:.0f} s")
            last_print = time.monotonic()
        time.sleep(1)
    return None


@dataclass
class Kill:
    where: str
    at: float
    recipient: str
    outbox_id: int | None
    status_at_kill: str | None
    horse: int
    worker: int


def verify(load: Load, stack: Stack, kills: list[Kill], out=print) -> tuple[dict, bool]:
    accepted = {o.reference for o in load.outcomes if o.accepted}
    with psycopg.connect(libpq_url(stack.settings.database_url)) as conn:
        complaints = dict(conn.execute(
            "SELECT reference, contact_email FROM complaints").fetchall())
        unsigned = conn.execute(
            "SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM "
            "complaint_signatures s WHERE s.complaint_id = c.id)").fetchone()[0]
        delays = conn.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - "
            "created_at)), max(extract(epoch FROM sent_at - created_at)) FROM outbox_emails "
            "WHERE status = 'sent'").fetchone()
        swept = conn.execute(
            "SELECT count(*) FROM outbox_emails WHERE status = 'sent' AND attempts = 0 AND "
            "sent_at - created_at > interval '60 seconds'").fetchone()[0]
    records = sink_records(stack.sink_log)
    expected = {email: ref for ref, email in complaints.items() if email}
    delivered = Counter(to for r in records if r["event"] == "delivered" for to in r["to"])
    wrong = sum(1 for r in records if r["event"] == "delivered"
                for to in r["to"] if to in expected and expected[to] not in r["subject"])
    counts = {
        "submissions attempted": len(load.outcomes),
        "accepted (2xx with a reference)": len(accepted),
        "refused or failed": len(load.outcomes) - len(accepted),
        "complaints in the database": len(complaints),
        "accepted but missing from the database": len(accepted - set(complaints)),
        "in the database but not acknowledged": len(set(complaints) - accepted),
        "confirmation emails expected": len(expected),
        "delivered (distinct recipients)": sum(1 for e in expected if delivered[e]),
        "duplicates": sum(max(0, delivered[e] - 1) for e in expected),
        "missing": sum(1 for e in expected if not delivered[e]),
        "to an unknown recipient or with a wrong reference":
            sum(c for to, c in delivered.items() if to not in expected) + wrong,
        "SMTP sessions cut by a killed worker": sum(1 for r in records
                                                    if r["event"].startswith("client-gone")),
    }
    invariants = ("accepted but missing from the database", "duplicates", "missing",
                  "to an unknown recipient or with a wrong reference")
    ok = all(counts[k] == 0 for k in invariants) and counts["confirmation emails expected"] == \
        counts["complaints in the database"]
    width = max(map(len, counts))
    for key, value in counts.items():
        mark = ("  <- must be 0" + ("" if value == 0 else "  FAILED")) if key in invariants else ""
        out(f"  {key:<{width}} {value:>8,}{mark}")
    median, longest = delays
    out(f"  email delay, filing -> sent: median {median or 0:.1f} s, max {longest or 0:.1f} s; "
        f"{swept:,} sent more than 60 s after filing at their first attempt (job lost or "
        f"queued behind the backlog; re-enqueued by the sweep)")
    out(f"  complaints not yet matched (collective signature; default queue still working or "
        f"job lost): {unsigned:,}")
    for kill in kills:
        out(f"  worker killed at {kill.where.upper()}: outbox #{kill.outbox_id} "
            f"({kill.status_at_kill} at the kill) -> delivered {delivered[kill.recipient]} time(s)")
    return counts, ok


# --- faults ----------------------------------------------------------------------------------


class Faults(threading.Thread):
    """Redis down for `outage` seconds from 25% of the load; then each kill from 60%."""

    def __init__(self, stack: Stack, redis: "PrivateRedis", load: Load, out=print):
        super().__init__(daemon=True)
        self.stack, self.redis, self.load, self.out = stack, redis, load, out
        self.kills: list[Kill] = []
        self.redis_down = self.redis_up = None
        self.error: BaseException | None = None

    def _at(self, fraction: float) -> None:
        wait_for(lambda: self.load.done() >= fraction * self.load.total, 3600,
                 f"{fraction:.0%} of the load", every=0.2)

    def run(self) -> None:
        try:
            self._at(0.25)
            self.redis.shutdown()
            self.redis_down = time.monotonic()
            self.out(f"  FAULT: Redis shut down (nosave) at {self.load.done():,} submissions")
            time.sleep(self.stack.settings.outage)
            self.redis.start()
            self.redis_up = time.monotonic()
            self.out(f"  FAULT: Redis back after {self.redis_up - self.redis_down:.1f} s, at "
                     f"{self.load.done():,} submissions")
            for i, where in enumerate(self.stack.settings.kills):
                self._at(min(0.6 + 0.1 * i, 0.95))
                self.kills.append(self.kill_mid_delivery(where))
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            self.error = exc

    def kill_mid_delivery(self, where: str) -> Kill:
        """Hold one email in the SMTP sink at `where` (data: before the server accepts it;
        quit: after), find the worker (or its work horse) holding that SMTP session, SIGKILL
        them, then let the sink go. The supervisor starts the worker again."""
        control, stack = self.stack.control, self.stack
        (control / "stalled").unlink(missing_ok=True)
        (control / "stall").write_text(where)
        wait_for(lambda: (control / "stalled").exists(), 300, f"an email held at {where}")
        held = json.loads((control / "stalled").read_text())
        workers = {stack.procs.pid(name) for name in stack.worker_names()}
        # The held session stays open; another worker's is gone within milliseconds.
        holders = None
        for _ in range(10):
            # A worker sends itself (the default) or from a forked work horse (--fork).
            now = set(pids_connected_to(stack.smtp_port, workers | set(children_of(workers))))
            holders = now if holders is None else holders & now
            time.sleep(0.05)
        if len(holders) != 1:
            raise RuntimeError(f"cannot tell which work horse holds the email: {holders}")
        horse = holders.pop()
        worker = horse if horse in workers else int(
            Path(f"/proc/{horse}/stat").read_text().rsplit(")", 1)[1].split()[1])
        with psycopg.connect(libpq_url(stack.settings.database_url)) as conn:
            # (the recipient column is erased once sent: find the email by its reference)
            row = conn.execute(
                "SELECT o.id, o.status FROM outbox_emails o JOIN complaints c ON "
                "o.context ->> 'reference' = c.reference WHERE c.contact_email = %s",
                [held["to"][0]]).fetchone()
        for pid in {horse, worker}:
            os.kill(pid, signal.SIGKILL)
        at = time.monotonic()
        # Let go of the sink only once it has seen the session end (else it could still
        # answer the held message as if the client were there).
        wait_for(lambda: any(r["event"] == f"client-gone-at-{where}" and r["to"] == held["to"]
                             for r in sink_records(stack.sink_log)), 30,
                 "the sink to see the killed session end")
        (control / "stall").unlink()
        who = f"worker {worker}" if horse == worker else f"work horse {horse} and worker {worker}"
        self.out(f"  FAULT: SIGKILL {who} holding outbox "
                 f"#{row[0] if row else '?'} ({row[1] if row else '?'}) at SMTP {where.upper()}, "
                 f"at {self.load.done():,} submissions")
        return Kill(where, at, held["to"][0], row[0] if row else None, row[1] if row else None,
                    horse, worker)


# --- runs ------------------------------------------------------------------------------------


def progress_printer(out, every: float = 15):
    state = {"at": time.monotonic(), "done": 0}

    def progress(load: Load) -> None:
        now = time.monotonic()
        if now - state["at"] >= every:
            done = load.done()
            rate = (done - state["done"]) / (now - state["at"])
            out(f"  {done:>7,} / {load.total:,}  ({rate:.1f}/s)")
            state.update(at=now, done=done)

    return progress


def run_baseline(settings: Settings, procs: Processes, out=print) -> dict:
    recreate_database(settings.baseline_url)
    with psycopg.connect(libpq_url(settings.baseline_url), autocommit=True) as conn:
        conn.execute(BASELINE_TABLE)
    port = free_port()
    env = {**os.environ, "BENCH_BASELINE_DATABASE_URL": settings.baseline_url}
    procs.start("baseline-web", gunicorn_argv(settings, port, "benchmarks.sidecars:baseline_app()"),
                env)
    try:
        wait_for(lambda: http_ok(port), 60, "baseline gunicorn")
        load = Load(port, settings.submissions, settings.clients, "baseline", baseline=True)
        groups = {"gunicorn": {procs.pid("baseline-web")}}
        cpu_before = cpu_seconds_by_group(groups)
        wall, cpu = load.run_all(progress_printer(out))
        cpu_after = cpu_seconds_by_group(groups)
    finally:
        procs.stop("baseline-web")
    with psycopg.connect(libpq_url(settings.baseline_url)) as conn:
        rows = conn.execute("SELECT count(*) FROM bench_rows").fetchone()[0]
    table = print_load_table("Baseline: bare Flask + SQLAlchemy, one INSERT per request", load,
                             wall, cpu, out)
    out(f"  rows in bench_rows: {rows:,} (2xx: {table['baseline']['ok']:,})")
    print_cpu(cpu_before, cpu_after, wall, cpu, out)
    return table["baseline"]


def run_remedy(settings: Settings, procs: Processes, run: str, redis_url: str,
               redis: "PrivateRedis | None" = None, out=print) -> tuple[dict, bool]:
    stack = Stack(settings, procs, run, redis_url)
    try:
        stack.start(out)
        load = Load(stack.web_port, settings.submissions, settings.clients, run)
        faults = Faults(stack, redis, load, out) if redis else None
        if faults:
            faults.start()
        groups = stack.cpu_groups()
        cpu_before = cpu_seconds_by_group(groups)
        wall, cpu = load.run_all(progress_printer(out))
        cpu_after = cpu_seconds_by_group(groups | stack.cpu_groups())
        load_end = time.monotonic()
        if faults:
            faults.join()
            if faults.error:
                raise faults.error
        table = print_load_table(f"Remedy ({run} run)", load, wall, cpu, out)
        if faults:
            during = [o for o in load.outcomes if faults.redis_down <= o.started < faults.redis_up]
            s = summarise(during, faults.redis_up - faults.redis_down)
            out(f"  started while Redis was down: {s['n']:,}, {s['ok']:,} accepted, "
                f"{s['errors']:,} failed {s['failures'] or ''}; p50 {s['p50']:.1f} ms, "
                f"p95 {s['p95']:.1f} ms, p99 {s['p99']:.1f} ms")
        out(f"  HTTP requests/s (a form submission is a GET and a POST): "
            f"{sum(2 if o.channel == 'form' else 1 for o in load.outcomes) / wall:.1f}")
        print_cpu(cpu_before, cpu_after, wall, cpu, out)
        drained = drain(stack, settings.drain_timeout, out)
        out(f"\nCounts after the {run} run"
            + ("" if drained else f" (NOT drained after {settings.drain_timeout:.0f} s)") + ":")
        counts, ok = verify(load, stack, faults.kills if faults else [], out)
        if drained:
            out(f"  outbox drained {drained - load_end:.1f} s after the last submission")
            if faults:
                last_fault = max([faults.redis_up] + [k.at for k in faults.kills])
                out(f"  time to recovery (last fault over -> every email delivered): "
                    f"{drained - last_fault:.1f} s")
        if restarts := stack.restarts():
            out(f"  processes started again by the supervisor: {restarts}")
        return table, ok and drained is not None
    finally:
        stack.stop()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--quick", action="store_true",
                        help="development: 600 submissions, 20 clients, Redis down 10 s")
    parser.add_argument("--runs", default="normal,fault", help="normal, fault or both")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--outage", type=float, default=30, help="seconds Redis stays down")
    parser.add_argument("--kill-at", default="data,quit",
                        help="where in an email's delivery to kill a worker (data, quit)")
    parser.add_argument("--stale-claim", type=int, default=30,
                        help="REMEDY_MAIL_STALE_CLAIM_SECONDS for the run")
    parser.add_argument("--drain-timeout", type=float, default=1800)
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="Remedy's database: dropped and created again")
    parser.add_argument("--baseline-url", default=BASELINE_URL,
                        help="the baseline's database: dropped and created again")
    parser.add_argument("--redis-port", type=int, default=6390,
                        help="port of the fault run's own redis-server")
    parser.add_argument("--redis-db", type=int, default=5,
                        help="database of the shared Redis (127.0.0.1:6379) for the normal run")
    parser.add_argument("--logdir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.submissions, args.clients, args.outage = 600, 20, 10
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    logdir = args.logdir or Path(tempfile.mkdtemp(prefix="remedy-load-faults-"))
    logdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(args.submissions, args.clients, args.web_workers, args.web_threads,
                        args.rq_workers, args.outage,
                        tuple(k for k in args.kill_at.split(",") if k), args.stale_claim,
                        args.drain_timeout, args.database_url, args.baseline_url, args.redis_port,
                        args.redis_db, logdir)
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]

    def out(line=""):
        print(line, flush=True)

    # One run at a time: a second one would drop this one's database and flush its Redis.
    lock = (Path(tempfile.gettempdir()) / "remedy-load-faults.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another load_faults run is going on (it owns the databases and Redis)")
        return 2

    def interrupted(*_):
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    procs = Processes(logdir)
    ok = True
    try:
        out(f"load and faults: {settings.submissions:,} submissions, {settings.clients} clients, "
            f"{os.cpu_count()} cores; logs in {logdir}")
        if "normal" in runs:
            baseline = run_baseline(settings, procs, out)
            subprocess.run(["redis-cli", "-n", str(settings.shared_redis_db), "flushdb"],
                           check=True, capture_output=True)
            table, run_ok = run_remedy(settings, procs, "normal",
                                       f"redis://127.0.0.1:6379/{settings.shared_redis_db}",
                                       out=out)
            ratio = table["all"]["throughput"] / baseline["throughput"]
            out(f"\nThroughput ratio Remedy / baseline: {table['all']['throughput']:.1f} / "
                f"{baseline['throughput']:.1f} = {ratio:.3f} (goal >= {GOAL_RATIO}: "
                f"{'met' if ratio >= GOAL_RATIO else 'MISSED'})")
            ok &= run_ok
        if "fault" in runs:
            if PrivateRedis(procs, settings.redis_port).ping():
                raise RuntimeError(f"something already answers on port {settings.redis_port}")
            redis = PrivateRedis(procs, settings.redis_port)
            redis.start()
            _table, run_ok = run_remedy(settings, procs, "fault", redis.url, redis, out)
            ok &= run_ok
    except KeyboardInterrupt:
        out("interrupted: stopping every process started")
        ok = False
    finally:
        procs.close()
    out(f"\n{'all invariants hold' if ok else 'FAILED: see above'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
