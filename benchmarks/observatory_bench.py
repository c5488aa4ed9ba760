"""How fast the public statistics are on a large database: `GET /api/v1/observatory/stats`
through the whole app (routing, parsing, the rollups, suppression, JSON) against the same
figures computed by a raw SQL aggregation over the complaints, as the observatory would
have to without its rollups.

    python -m benchmarks.observatory_bench --rows 100000
    python -m benchmarks.observatory_bench --rows 1000000            # loads in about 4 minutes
    python -m benchmarks.observatory_bench --rows 1000000 --reuse

The data is `load.py`'s (complaints and their cases), plus one remedy carried out for every
twentieth case. The rollups are built with the app's own `rollups.rebuild()` (timed). Each
scenario is then requested through the Flask test client, alternating with the raw query
(psycopg) after a warm-up; the script checks that the endpoint publishes exactly what the
suppression rules make of the raw counts. Goal: p95 < 50 ms at 1M complaints.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from benchmarks.load import add_arguments, libpq_url, load_or_reuse, make_app
from benchmarks.queue_bench import percentile

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/remedy_bench_observatory"
GOAL_MS = 50.0
_FROM = "FROM cases c JOIN complaints p ON p.id = c.complaint_id"
_MONTH = "to_char(date_trunc('month', p.received_at AT TIME ZONE 'UTC'), 'YYYY-MM')"


@dataclass
class Scenario:
    name: str
    query: str  # the endpoint's query string
    raw: str  # the same counts by hand: (key, count) rows
    params: dict


def scenarios(year: int) -> list[Scenario]:
    last_year = {"start": f"{year - 1}-01-01", "end": f"{year}-01-01"}
    return [
        Scenario("by month, everything", "group_by=month",
                 f"SELECT {_MONTH}, count(*) {_FROM} GROUP BY 1", {}),
        Scenario("by area, one country", "group_by=sector&country=FR",
                 f"SELECT coalesce(c.sector, ''), count(*) {_FROM} "
                 "WHERE p.complainant_country = %(country)s GROUP BY 1", {"country": "FR"}),
        Scenario("by country, a year", f"group_by=country&from={year - 1}-01&to={year - 1}-12",
                 f"SELECT coalesce(p.complainant_country, ''), count(*) {_FROM} "
                 "WHERE p.received_at >= %(start)s AND p.received_at < %(end)s GROUP BY 1",
                 last_year),
        Scenario("by rights, one area", "group_by=rights_dimension&sector=employment",
                 "SELECT r, count(*) FROM (SELECT jsonb_array_elements_text("
                 f"to_jsonb(p.rights_dimensions)) AS r {_FROM} "
                 "WHERE c.sector = %(sector)s) x GROUP BY 1", {"sector": "employment"}),
        Scenario("by outcome", "group_by=outcome",
                 "SELECT CASE WHEN EXISTS (SELECT 1 FROM remedies m WHERE m.case_id = c.id "
                 "AND m.status = 'implemented') THEN 'remedy_obtained' "
                 "WHEN c.state = 'inadmissible' THEN 'inadmissible' "
                 "WHEN c.state = 'withdrawn' THEN 'withdrawn' "
                 "WHEN c.state = 'closed' THEN 'closed_without_remedy' ELSE 'open' END, "
                 f"count(*) {_FROM} GROUP BY 1", {}),
        Scenario("by state, country + area", "group_by=state&country=FR&sector=employment",
                 f"SELECT c.state, count(*) {_FROM} WHERE p.complainant_country = %(country)s "
                 "AND c.sector = %(sector)s GROUP BY 1", {"country": "FR", "sector": "employment"}),
        Scenario("remedies by kind", "group_by=remedy_type",
                 "SELECT m.remedy_type, count(*) FROM remedies m JOIN cases c ON c.id = m.case_id "
                 "WHERE m.status = 'implemented' GROUP BY 1", {}),
    ]


def add_remedies(url: str) -> int:
    """One remedy carried out for every twentieth case (the loader writes none)."""
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("DELETE FROM remedies")
        conn.execute(
            "INSERT INTO remedies (case_id, remedy_type, status, offered_by, created_at, "
            "updated_at) SELECT id, (ARRAY['explanation','human_review','correction',"
            "'compensation','apology'])[1 + id % 5], 'implemented', 'staff', now(), now() "
            "FROM cases WHERE id % 20 = 0")
        return conn.execute("SELECT count(*) FROM remedies").fetchone()[0]


def run_endpoint(client, query: str) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(f"/api/v1/observatory/stats?{query}")
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return elapsed, response.get_json()


def run_raw(conn, scenario: Scenario) -> tuple[float, dict]:
    started = time.perf_counter()
    rows = conn.execute(scenario.raw, scenario.params).fetchall()
    elapsed = (time.perf_counter() - started) * 1000
    conn.rollback()
    return elapsed, {key: count for key, count in rows if count}


def published_from(raw: dict, threshold: int) -> list[dict]:
    from remedy.observatory import suppression

    cells, _ = suppression.publish(raw, threshold)
    return [{"key": c.key, "count": c.count, "suppressed": c.suppressed} for c in cells]


def bench(url: str, repeat: int, warmup: int, rebuild: bool = True, out=print) -> bool:
    app = make_app(url)
    with app.app_context():
        from remedy.observatory import rollups

        if rebuild:
            started = time.perf_counter()
            rows = rollups.rebuild()
            out(f"rollups rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    threshold = app.config["OBSERVATORY_THRESHOLD"]
    ok = True
    out(f"{'scenario':<24} {'app p50':>8} {'app p95':>8} {'raw p50':>9} {'raw p95':>9} "
        f"{'raw/app p95':>12}  goal p95 < {GOAL_MS:.0f} ms")
    with psycopg.connect(libpq_url(url)) as conn:
        for scenario in scenarios(datetime.now(UTC).year):
            app_ms, raw_ms = [], []
            for i in range(warmup + repeat):
                a, body = run_endpoint(client, scenario.query)
                r, raw = run_raw(conn, scenario)
                if i >= warmup:
                    app_ms.append(a)
                    raw_ms.append(r)
            expected = published_from(raw, threshold)
            got = sorted(body["items"], key=lambda item: item["key"])
            same = got == sorted(expected, key=lambda item: item["key"])
            p95 = percentile(app_ms, 95)
            met = p95 < GOAL_MS and same
            ok &= met
            out(f"{scenario.name:<24} {percentile(app_ms, 50):8.1f} {p95:8.1f} "
                f"{percentile(raw_ms, 50):9.1f} {percentile(raw_ms, 95):9.1f} "
                f"{percentile(raw_ms, 95) / p95:11.0f}x  {'met' if met else 'MISSED'}"
                f"{'' if same else ' (published figures differ from the raw counts!)'}")
    with app.app_context():
        from sqlalchemy import text

        from remedy.extensions import db
        from remedy.observatory import rollups

        # What a working day changes: cases of recent months (here 1,000 of this month's).
        db.session.execute(text(
            "UPDATE cases SET updated_at = now() WHERE id IN (SELECT c.id FROM cases c JOIN "
            "complaints p ON p.id = c.complaint_id WHERE p.received_at >= date_trunc('month', "
            "now()) ORDER BY c.id LIMIT 1000)"))
        db.session.commit()
        started = time.perf_counter()
        rows = rollups.refresh_changed()
        out(f"refresh after 1,000 of this month's cases changed (the job): {rows:,} rows in "
            f"{time.perf_counter() - started:.1f} s")
        rollups.refresh_changed()  # runs overlap by 5 s: this one still sees those changes
        started = time.perf_counter()
        rollups.refresh_changed()
        out(f"refresh with nothing changed: {(time.perf_counter() - started) * 1000:.1f} ms")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.observatory_bench",
                                     description="Benchmark the public statistics endpoint.")
    add_arguments(parser, DEFAULT_URL)
    parser.add_argument("--keep-rollups", action="store_true",
                        help="with --reuse: do not rebuild the rollups (they are up to date)")
    args = parser.parse_args(argv)
    load_or_reuse(args)
    if not args.keep_rollups:
        print(f"remedies carried out: {add_remedies(args.database_url):,}")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; repeat {args.repeat}, warm-up {args.warmup}")
    return 0 if bench(args.database_url, args.repeat, args.warmup,
                      rebuild=not args.keep_rollups) else 1


if __name__ == "__main__":
    sys.exit(main())
