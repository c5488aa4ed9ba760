"""The processes of one `load_faults` run: started, supervised, stopped.

`Processes` keeps every process the benchmark started (each in a session of its own) and
ends them, group by group, on the way out; supervised ones are started again a second after
they exit, as `Restart=always` would. `Stack` is one Remedy installation on a fresh database:
gunicorn, RQ workers, the scheduler and the SMTP sink, configured through REMEDY_* variables
as an operator does it. `PrivateRedis` is a redis-server of the benchmark's own, which it may
shut down without harming anyone else. Plus what the faults need to find a work horse by its
SMTP session, and CPU accounting from /proc.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load import recreate_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ORG_SLUG = "bench-nhri"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


def http_ok(port: int, path: str = "/") -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        return conn.getresponse().status < 500
    except OSError:
        return False


# --- processes -------------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict
    supervised: bool
    popen: subprocess.Popen | None = None
    restarts: int = 0
    log: Path | None = None


class Processes:
    """Every process the benchmark started. `stop_all` ends them (process group by process
    group, TERM then KILL); it runs on the way out whatever happened. Supervised ones are
    started again a second after they exit, as `Restart=always` would."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.procs: dict[str, Proc] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.watcher = threading.Thread(target=self._supervise, daemon=True)
        self.watcher.start()

    def start(self, name: str, argv: list[str], env: dict, supervised: bool = False) -> Proc:
        proc = self.procs.get(name) or Proc(name, argv, env, supervised,
                                            log=self.logdir / f"{name}.log")
        with self.lock:
            self.procs[name] = proc
            self._spawn(proc)
        return proc

    def _spawn(self, proc: Proc) -> None:
        with proc.log.open("ab") as log:
            proc.popen = subprocess.Popen(proc.argv, env=proc.env, cwd=ROOT, stdout=log,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)

    def _supervise(self) -> None:
        while not self.stopping.wait(0.25):
            with self.lock:
                exited = [p for p in self.procs.values()
                          if p.supervised and p.popen and p.popen.poll() is not None]
            for proc in exited:
                time.sleep(1)
                with self.lock:
                    if self.stopping.is_set() or proc.name not in self.procs:
                        return
                    proc.restarts += 1
                    self._spawn(proc)

    def stop(self, name: str, timeout: float = 10) -> None:
        with self.lock:
            proc = self.procs.pop(name, None)
        if proc and proc.popen and proc.popen.poll() is None:
            _signal_group(proc.popen.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait(5)
        if proc and proc.popen:
            _signal_group(proc.popen.pid, signal.SIGKILL)  # anything left in its group

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)

    def close(self) -> None:
        self.stopping.set()
        self.stop_all()

    def pid(self, name: str) -> int:
        return self.procs[name].popen.pid


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def children_of(pids: set[int]) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) in pids:
                found.append(int(entry))
    return found


def pids_connected_to(port: int, candidates: list[int]) -> list[int]:
    """Which of these processes hold an established TCP connection to 127.0.0.1:port."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if int(parts[2].split(":")[1], 16) == port and parts[3] == "01":
            inodes.add(f"socket:[{parts[9]}]")
    found = []
    for pid in candidates:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in fds):
                found.append(pid)
        except OSError:
            continue
    return found


def cpu_seconds_by_group(groups: dict[str, set[int]]) -> dict[str, float]:
    """CPU seconds (user + system, with reaped children such as RQ work horses) of the
    processes whose process group or command is named, from /proc; plus the whole machine."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys([*groups, "postgres (all databases)"], 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        pgid, used = int(fields[2]), sum(int(v) for v in fields[11:15]) / tick
        for label, pgids in groups.items():
            if pgid in pgids:
                totals[label] += used
        if name.startswith("postgres"):
            totals["postgres (all databases)"] += used
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    totals["machine (all processes)"] = (sum(map(int, cpu)) - int(cpu[3]) - int(cpu[4])) / tick
    return totals


def print_cpu(before: dict, after: dict, wall: float, client_cpu: float, out=print) -> None:
    parts = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    parts["load clients (this process)"] = client_cpu
    out("  CPU during the load, in cores (of " + str(os.cpu_count()) + "): " + ", ".join(
        f"{k} {v / wall:.2f}" for k, v in parts.items()))


# --- the stack -------------------------------------------------------------------------------


@dataclass
class Settings:
    submissions: int
    clients: int
    web_workers: int
    web_threads: int
    rq_workers: int
    outage: float
    kills: tuple[str, ...]
    stale_claim: int
    drain_timeout: float
    database_url: str
    baseline_url: str
    redis_port: int
    shared_redis_db: int
    logdir: Path


def gunicorn_argv(settings: Settings, port: int, target: str) -> list[str]:
    return [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
            "--workers", str(settings.web_workers), "--threads", str(settings.web_threads),
            "--worker-class", "gthread", "--keep-alive", "30", "--backlog", "2048",
            "--graceful-timeout", "5", "--log-level", "warning", target]


def remedy_env(settings: Settings, redis_url: str, smtp_port: int, web_port: int,
               instance: Path) -> dict:
    """The installation's configuration, through REMEDY_* variables as an operator sets it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMEDY_")}
    env.update({
        "REMEDY_ENV": "production",
        "REMEDY_DATABASE_URL": settings.database_url,
        "REMEDY_REDIS_URL": redis_url,
        "REMEDY_SECRET_KEY": "load-faults-benchmark-" + "k" * 42,
        "REMEDY_BASE_URL": f"http://127.0.0.1:{web_port}",
        "REMEDY_INSTANCE_PATH": str(instance),
        "REMEDY_MAIL_SERVER": "127.0.0.1",
        "REMEDY_MAIL_PORT": str(smtp_port),
        "REMEDY_DEFAULT_ORGANISATION": ORG_SLUG,
        # 10,000 filings from one address: the filing limits would refuse nearly all.
        "REMEDY_RATELIMIT_ENABLED": "false",
        # A killed worker's email is sent again within the run, not after 10 minutes.
        "REMEDY_MAIL_STALE_CLAIM_SECONDS": str(settings.stale_claim),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def flask(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Stack:
    """Remedy's processes for one run, on a fresh database."""

    def __init__(self, settings: Settings, procs: Processes, run: str, redis_url: str):
        self.settings, self.procs, self.run = settings, procs, run
        self.redis_url = redis_url
        self.instance = Path(tempfile.mkdtemp(prefix=f"remedy-bench-{run}-"))
        self.smtp_port, self.web_port = free_port(), free_port()
        self.sink_log = settings.logdir / f"{run}-smtp.jsonl"
        self.control = self.instance / "smtp-control"
        self.env = remedy_env(settings, redis_url, self.smtp_port, self.web_port, self.instance)

    def start(self, out=print) -> None:
        recreate_database(self.settings.database_url)
        flask(self.env, "db", "upgrade")
        flask(self.env, "remedy", "create-org", "--name", "Benchmark Institute for Human Rights",
              "--slug", ORG_SLUG, "--country", "DK", "--type", "nhri")
        self.sink_log.unlink(missing_ok=True)
        self.procs.start(f"{self.run}-smtp", [sys.executable, "-m", "benchmarks.sidecars", "smtp",
                                              "--port", str(self.smtp_port), "--log",
                                              str(self.sink_log), "--control", str(self.control)],
                         self.env)
        wait_for(lambda: (self.control / "ready").exists(), 30, "SMTP sink")
        self.procs.start(f"{self.run}-web", gunicorn_argv(self.settings, self.web_port,
                                                          "wsgi:app"), self.env)
        for i in range(self.settings.rq_workers):
            self.procs.start(f"{self.run}-worker-{i + 1}",
                             [str(BIN / "flask"), "--app", "wsgi", "remedy", "worker"],
                             self.env, supervised=True)
        self.procs.start(f"{self.run}-scheduler",
                         [str(BIN / "flask"), "--app", "wsgi", "remedy", "scheduler"],
                         self.env, supervised=True)
        wait_for(lambda: http_ok(self.web_port, "/complaints/new"), 60, "gunicorn")
        out(f"  {self.run}: gunicorn :{self.web_port} ({self.settings.web_workers} workers x "
            f"{self.settings.web_threads} threads, gthread), {self.settings.rq_workers} RQ "
            f"workers + scheduler on {self.redis_url}, SMTP sink :{self.smtp_port}, "
            f"logs in {self.settings.logdir}")

    def cpu_groups(self) -> dict[str, set[int]]:
        groups: dict[str, set[int]] = {}
        for name, proc in self.procs.procs.items():
            if name.startswith(self.run + "-") and proc.popen:
                role = name.removeprefix(self.run + "-").rstrip("-0123456789")
                groups.setdefault({"web": "gunicorn", "worker": "RQ workers",
                                   "scheduler": "scheduler", "smtp": "SMTP sink"}[role],
                                  set()).add(proc.popen.pid)
        return groups

    def worker_names(self) -> list[str]:
        return [f"{self.run}-worker-{i + 1}" for i in range(self.settings.rq_workers)]

    def restarts(self) -> dict[str, int]:
        return {name.removeprefix(self.run + "-"): p.restarts
                for name, p in self.procs.procs.items() if name.startswith(self.run) and p.restarts}

    def stop(self) -> None:
        for name in [n for n in self.procs.procs if n.startswith(self.run + "-")][::-1]:
            self.procs.stop(name)
        shutil.rmtree(self.instance, ignore_errors=True)


class PrivateRedis:
    """A redis-server of the benchmark's own, so that stopping it harms no one else."""

    def __init__(self, procs: Processes, port: int):
        self.procs, self.port = procs, port
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.procs.start("redis", ["redis-server", "--port", str(self.port), "--bind",
                                   "127.0.0.1", "--save", "", "--appendonly", "no"], os.environ)
        wait_for(self.ping, 10, f"redis-server on port {self.port}")

    def ping(self) -> bool:
        return subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG"

    def shutdown(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
                       capture_output=True)
        wait_for(lambda: not self.ping(), 10, "redis shutdown")
        self.procs.stop("redis")
