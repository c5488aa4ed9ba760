"""The load: simulated filers, each a thread with a keep-alive HTTP connection, half through
the API and half through the form, and the summary of what they got back."""

import http.client
import json
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.generate import DEPLOYERS, SECTORS, SYSTEMS
from benchmarks.queue_bench import percentile

COUNTRIES = ("DK", "FR", "DE", "ES", "SE", "NL", "PL", "IT")


def api_payload(run: str, n: int) -> dict:
    name, variants, sectors = SYSTEMS[n % len(SYSTEMS)]
    deployers, deployer_country = DEPLOYERS[n % len(DEPLOYERS)]
    return {
        "filer_type": "individual",
        "title": f"{name} decided against me ({n})",
        "narrative": (f"I was assessed by {variants[n % len(variants)]}, used by "
                      f"{deployers[0]}, and it refused me without any explanation. Nobody "
                      f"reviewed the decision. Submission {n} of the load benchmark."),
        "complainant_country": COUNTRIES[n % len(COUNTRIES)],
        "ai_system": variants[n % len(variants)],
        "deployer": deployers[n % len(deployers)],
        "sector": sectors[n % len(sectors)] if sectors[0] in SECTORS else "other",
        "rights_dimensions": ["equality_non_discrimination", "access_to_remedy"][: 1 + n % 2],
        "contact": {"name": f"Filer {n}", "email": recipient(run, n)},
    }


def recipient(run: str, n: int) -> str:
    return f"filer-{run}-{n}@example.org"


def form_fields(payload: dict) -> list[tuple[str, str]]:
    fields = [(k, payload[k]) for k in ("filer_type", "title", "narrative",
                                        "complainant_country", "ai_system", "deployer", "sector")]
    fields += [("rights_dimensions", r) for r in payload["rights_dimensions"]]
    fields += [("contact_name", payload["contact"]["name"]),
               ("contact_email", payload["contact"]["email"])]
    return fields


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body a browser sends for the form, with the empty file input it always includes."""
    boundary = "----remedybench" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n")
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
                 f'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')
_SUBMISSION_TOKEN = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"|'
                               r'type="hidden" name="submission_token" value="([^"]+)"|'
                               r'name="submission_token" value="([^"]+)"')
_REFERENCE = re.compile(r'id="reference">\s*(RMD-[0-9A-Z]{4}-[0-9A-Z]{4})')


def _first(match) -> str | None:
    return next((g for g in match.groups() if g), None) if match else None


@dataclass
class Outcome:
    channel: str
    n: int
    started: float
    seconds: float
    status: int | None
    reference: str | None = None
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.reference is not None


class Client:
    """One simulated client: a keep-alive connection, opened again after an error."""

    def __init__(self, port: int):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response, data

    def file_by_api(self, payload: dict) -> tuple[int, str | None]:
        response, data = self.request(
            "POST", "/api/v1/complaints", json.dumps(payload).encode(),
            {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
        reference = json.loads(data).get("reference") if response.status == 201 else None
        return response.status, reference

    def file_by_form(self, payload: dict) -> tuple[int, str | None]:
        response, data = self.request("GET", "/complaints/new")
        if response.status != 200:
            return response.status, None
        html = data.decode()
        cookie = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])
        fields = [("csrf_token", _first(_CSRF.search(html))),
                  ("submission_token", _first(_SUBMISSION_TOKEN.search(html))),
                  *form_fields(payload)]
        body, content_type = multipart(fields)
        response, data = self.request("POST", "/complaints/new", body,
                                      {"Content-Type": content_type, "Cookie": cookie})
        reference = _first(_REFERENCE.search(data.decode())) if response.status == 200 else None
        return response.status, reference


@dataclass
class Load:
    """N submissions by C clients; submission n goes by API if n is even, by form if odd
    (`channels` changes that for the baseline)."""

    port: int
    total: int
    clients: int
    run: str
    baseline: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    next_n: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def done(self) -> int:
        return len(self.outcomes)

    def _take(self) -> int | None:
        with self.lock:
            if self.next_n >= self.total:
                return None
            self.next_n += 1
            return self.next_n - 1

    def _client(self) -> None:
        client = Client(self.port)
        while (n := self._take()) is not None:
            payload = api_payload(self.run, n)
            channel = "baseline" if self.baseline else ("api" if n % 2 == 0 else "form")
            started, clock = time.monotonic(), time.perf_counter()
            status, reference, error = None, None, None
            try:
                if channel == "baseline":
                    response, data = client.request(
                        "POST", "/rows", json.dumps({"title": payload["title"], "narrative":
                                                     payload["narrative"]}).encode(),
                        {"Content-Type": "application/json"})
                    status, reference = response.status, str(json.loads(data).get("id"))
                elif channel == "api":
                    status, reference = client.file_by_api(payload)
                else:
                    status, reference = client.file_by_form(payload)
            except Exception as exc:  # noqa: BLE001  (counted as an error, not raised)
                error = type(exc).__name__
            outcome = Outcome(channel, n, started, time.perf_counter() - clock, status,
                              reference, error)
            with self.lock:
                self.outcomes.append(outcome)

    def run_all(self, progress=None) -> tuple[float, float]:
        """Wall seconds and this process's CPU seconds."""
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        wall, cpu = time.perf_counter(), time.process_time()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            threads[0].join(1) if threads[0].is_alive() else time.sleep(1)
            if progress:
                progress(self)
        return time.perf_counter() - wall, time.process_time() - cpu


# --- report ----------------------------------------------------------------------------------


def summarise(outcomes: list[Outcome], wall: float) -> dict:
    ok = [o for o in outcomes if o.accepted]
    ms = [o.seconds * 1000 for o in ok]
    statuses = Counter(o.error or o.status for o in outcomes if not o.accepted)
    return {
        "n": len(outcomes), "ok": len(ok), "errors": len(outcomes) - len(ok),
        "error_rate": (len(outcomes) - len(ok)) / len(outcomes) if outcomes else 0.0,
        "throughput": len(ok) / wall if wall else 0.0,
        "p50": percentile(ms, 50) if ms else float("nan"),
        "p95": percentile(ms, 95) if ms else float("nan"),
        "p99": percentile(ms, 99) if ms else float("nan"),
        "failures": dict(statuses),
    }


def print_load_table(label: str, load: Load, wall: float, cpu: float, out=print) -> dict:
    rows = {}
    channels = sorted({o.channel for o in load.outcomes})
    for channel in channels:
        rows[channel] = summarise([o for o in load.outcomes if o.channel == channel], wall)
    if len(channels) > 1:
        rows["all"] = summarise(load.outcomes, wall)
    out(f"\n{label}: {load.total:,} submissions, {load.clients} clients, {wall:.1f} s; "
        f"client CPU {cpu:.1f} s = {cpu / wall:.2f} cores")
    out(f"  {'channel':<9} {'sent':>7} {'2xx':>7} {'errors':>7} {'err %':>6} {'per s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  failures")
    for channel, s in rows.items():
        out(f"  {channel:<9} {s['n']:>7,} {s['ok']:>7,} {s['errors']:>7,} "
            f"{100 * s['error_rate']:>5.2f}% {s['throughput']:>8.1f} {s['p50']:>8.1f} "
            f"{s['p95']:>8.1f} {s['p99']:>8.1f}  {s['failures'] or ''}")
    return rows
