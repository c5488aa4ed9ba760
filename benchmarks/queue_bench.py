"""How fast the caseworkers' queue and its full-text search are on a large database, through
the app's own code and against hand-written SQL that returns the same rows.

    python -m benchmarks.queue_bench --rows 100000
    python -m benchmarks.queue_bench --rows 1000000 --reuse

Each scenario is one first page (20 rows) of `remedy.cases.queries.queue` for a staff member
of the largest organisation. The raw baseline sends, with psycopg directly, the two queries
the app sends: the COUNT for the total and the page itself. Runs alternate app and raw after
a warm-up; times are wall-clock milliseconds (time.perf_counter) for both queries together.
"""

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from benchmarks.load import DEFAULT_URL, add_arguments, libpq_url, load_or_reuse, make_app
from remedy.cases.domain import RIGHTS_BITS

QUEUE_GOAL_MS = 100
SEARCH_GOAL_MS = 200
SEARCH_MAX_RATIO = 1.5

# (label, query-string arguments); "{country}" is the reader's organisation's country.
SCENARIOS = (
    ("open cases, by deadline (default)", {}),
    ("triage + employment, by deadline", {"state": "triage", "sector": "employment"}),
    ("assigned to me, by deadline", {"assignee": "me"}),
    ("overdue, by priority", {"overdue": "1", "sort": "priority"}),
    ("country + equality, newest first",
     {"country": "{country}", "rights_dimension": "equality_non_discrimination", "sort": "newest"}),
    ("received + unassigned, oldest first", {"state": "received", "assignee": "none", "sort": "age"}),
    ("search: common word 'décision'", {"q": "décision"}),
    ("search: system name 'TalentSift'", {"q": "TalentSift"}),
    ("search: rare marker 'kestrelmark'", {"q": "kestrelmark"}),
)

ORDERS = {
    "deadline": "cases.next_due_on NULLS LAST, cases.priority, cases.id",
    "age": "cases.opened_at, cases.id",
    "newest": "cases.opened_at DESC, cases.id DESC",
    "priority": "cases.priority, cases.next_due_on NULLS LAST, cases.id",
}
SEARCH_COUNT_CAP = 1000


@dataclass
class Result:
    label: str
    search: bool
    total: str  # as the queue shows it ("1,000+" when capped)
    same_rows: bool
    app: list[float]
    raw: list[float]
    raw_count: list[float]
    raw_page: list[float]

    def goal(self) -> tuple[str, bool]:
        p95 = percentile(self.app, 95)
        if self.search:
            return (f"p95<{SEARCH_GOAL_MS}, <={SEARCH_MAX_RATIO}x raw",
                    p95 < SEARCH_GOAL_MS and self.ratio() <= SEARCH_MAX_RATIO)
        return f"p95<{QUEUE_GOAL_MS}", p95 < QUEUE_GOAL_MS

    def ratio(self) -> float:
        return statistics.median(self.app) / statistics.median(self.raw)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- the hand-written baseline -------------------------------------------------------------


def raw_sql(f, reader, today, open_states) -> tuple[str, str, dict]:
    """The count and page queries for filters `f`, written out, with their parameters.

    The same SQL the queue sends (remedy.cases.queries as of 0006): filters on the columns
    `cases` copies from the complaint (the rights as bits), complaints joined for the count
    only for the text search, a text search counted up to SEARCH_COUNT_CAP + 1, and the page with
    the complaint and the assignee."""
    from remedy.accounts.models import User
    from remedy.cases.models import Case
    from remedy.intake.models import Complaint

    where = ["cases.organisation_id = %(org)s"]
    params = {"org": reader.organisation_id}
    states = f.states or (open_states if f.open_only else ())
    if states:
        names = [f"s{i}" for i in range(len(states))]
        where.append("cases.state IN (" + ", ".join(f"%({n})s" for n in names) + ")")
        params.update(zip(names, states, strict=True))
    for column, value in (("sector", f.sector), ("complainant_country", f.country),
                          ("filer_type", f.filer_type)):
        if value:
            where.append(f"cases.{column} = %({column})s")
            params[column] = value
    if f.collective is not None:
        where.append(("" if f.collective else "NOT ")
                     + "cases.filer_type IN ('group', 'representative_org')")
    if f.assignee == "me":
        where.append("cases.assignee_id = %(me)s")
        params["me"] = reader.id
    elif f.assignee == "none":
        where.append("cases.assignee_id IS NULL")
    elif f.assignee:
        where.append("cases.assignee_id = %(assignee)s")
        params["assignee"] = int(f.assignee)
    if f.overdue:
        where.append("cases.next_due_on < %(today)s")
        params["today"] = today
    if f.rights_dimension:
        where.append("(cases.rights_mask & %(bit)s) != 0")
        params["bit"] = RIGHTS_BITS[f.rights_dimension]
    if f.q:
        where.append("complaints.organisation_id = %(org)s")
        where.append("complaints.search_vector @@ websearch_to_tsquery('simple', %(q)s)")
        params["q"] = f.q
    join = " JOIN complaints ON complaints.id = cases.complaint_id"
    condition = " WHERE " + " AND ".join(where)
    counted = "FROM cases" + (join if f.q else "") + condition
    if f.q:
        count = f"SELECT count(*) FROM (SELECT cases.id {counted} LIMIT {SEARCH_COUNT_CAP + 1}) AS c"
    else:
        count = f"SELECT count(*) {counted}"
    columns = ", ".join([f"cases.{c.name}" for c in Case.__table__.columns]
                        + [f"complaints.{c.name}" for c in Complaint.__table__.columns]
                        + [f"assignee.{c.name}" for c in User.__table__.columns])
    page = (f"SELECT {columns} FROM cases{join} "
            f"LEFT JOIN users AS assignee ON assignee.id = cases.assignee_id{condition} "
            f"ORDER BY {ORDERS[f.sort]} LIMIT {f.per_page} OFFSET {(f.page - 1) * f.per_page}")
    return count, page, params


# --- measuring -----------------------------------------------------------------------------


def pick_reader(conn):
    """A caseworker of the organisation with the most cases: the one with most open cases."""
    from remedy.cases.domain import OPEN
    from remedy.cases.queries import Reader

    org, country = conn.execute(
        "SELECT c.organisation_id, o.country FROM cases c JOIN organisations o "
        "ON o.id = c.organisation_id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1").fetchone()
    user = conn.execute(
        "SELECT u.id FROM users u JOIN cases c ON c.assignee_id = u.id AND c.state = ANY(%s) "
        "WHERE u.organisation_id = %s AND u.role = 'caseworker' "
        "GROUP BY u.id ORDER BY count(*) DESC LIMIT 1", [list(OPEN), org]).fetchone()[0]
    return Reader(id=user, organisation_id=org), country


def bench(url: str, repeat: int, warmup: int, explain_all: bool, out=print) -> list[Result]:
    from remedy.cases import queries
    from remedy.cases.domain import OPEN
    from remedy.core.db import utcnow

    app = make_app(url)
    results, plans = [], {}
    with app.app_context(), psycopg.connect(libpq_url(url)) as conn:
        reader, country = pick_reader(conn)
        conn.rollback()
        out(f"reader: user {reader.id} of organisation {reader.organisation_id} ({country})")
        for label, args in SCENARIOS:
            args = {k: v.format(country=country) for k, v in args.items()}
            f = queries.parse_filters({**args, "per_page": "20"})
            raw = raw_sql(f, reader, utcnow().date(), OPEN)
            for _ in range(warmup):
                run_app(reader, f)
                run_raw(conn, *raw)
            app_ms, raw_ms, count_ms, page_ms = [], [], [], []
            same = True
            for _ in range(repeat):
                ms, shown, app_ids = run_app(reader, f)
                app_total = int(shown.rstrip("+").replace(",", ""))
                app_ms.append(ms)
                ms, c_ms, p_ms, raw_total, raw_ids = run_raw(conn, *raw)
                raw_ms.append(ms)
                count_ms.append(c_ms)
                page_ms.append(p_ms)
                if f.q:
                    raw_total = min(raw_total, SEARCH_COUNT_CAP)
                same = same and app_total == raw_total and app_ids == raw_ids
            results.append(Result(label, bool(f.q), shown, same, app_ms, raw_ms, count_ms,
                                  page_ms))
            plans[label] = explain_app(reader, f)
            out(f"  measured: {label}")

    print_table(results, out)
    print_plans(results, plans, explain_all, out)
    return results


def run_app(reader, f) -> tuple[float, str, list[int]]:
    """One first page through the app: milliseconds, total as shown, case ids."""
    from remedy.cases import queries
    from remedy.extensions import db

    started = time.perf_counter()
    page = queries.queue(reader, f)
    elapsed = time.perf_counter() - started
    ids = [case.id for case in page.items]
    # A fresh session for the next run, as for the next request.
    db.session.rollback()
    db.session.expunge_all()
    total = f"{page.total:,}+" if getattr(page, "total_capped", False) else f"{page.total:,}"
    return elapsed * 1000, total, ids


def run_raw(conn, count_sql, page_sql, params) -> tuple[float, float, float, int, list[int]]:
    """The same page by hand: milliseconds (both, count, page), total, case ids."""
    started = time.perf_counter()
    total = conn.execute(count_sql, params).fetchone()[0]
    middle = time.perf_counter()
    rows = conn.execute(page_sql, params).fetchall()
    ended = time.perf_counter()
    conn.rollback()
    return ((ended - started) * 1000, (middle - started) * 1000, (ended - middle) * 1000,
            total, [row[0] for row in rows])


def explain_app(reader, f) -> list[tuple[str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements the app sends for `f`, as sent."""
    from sqlalchemy import event

    from remedy.cases import queries
    from remedy.extensions import db

    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        queries.queue(reader, f)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    db.session.rollback()
    plans = []
    for statement, parameters in sent:
        rows = db.session.connection().exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        plans.append(("count" if statement.lstrip().startswith("SELECT count") else "page",
                      "\n".join(row[0] for row in rows)))
    db.session.rollback()
    return plans


def summarise_plan(plan: str) -> str:
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    indexes = sorted(set(re.findall(r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)"
                                    r"(?: Backward)? (?:using|on) (\w+)", plan)))
    seq = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)))
    sort = re.search(r"Sort Method: (.+?)\s{2}", plan)
    parts = [f"{float(execution.group(1)):.1f} ms" if execution else "?"]
    if indexes:
        parts.append("indexes " + ", ".join(indexes))
    if seq:
        parts.append("seq scan " + ", ".join(seq))
    if sort:
        parts.append("sort " + sort.group(1).strip())
    return "; ".join(parts)


# --- output --------------------------------------------------------------------------------


def print_table(results: list[Result], out) -> None:
    header = (f"{'scenario':<38} {'matches':>8} {'app med':>8} {'app p95':>8} {'raw med':>8} "
              f"{'raw p95':>8} {'app/raw':>7} {'raw cnt':>8} {'raw page':>8}  goal")
    out("")
    out("times in ms, first page of 20; raw = COUNT + page via psycopg; "
        "raw cnt / raw page = medians of the two raw queries")
    out(header)
    out("-" * len(header))
    for r in results:
        text, ok = r.goal()
        check = "" if r.same_rows else "  (ROWS DIFFER)"
        out(f"{r.label:<38} {r.total:>8} {statistics.median(r.app):>8.1f} "
            f"{percentile(r.app, 95):>8.1f} {statistics.median(r.raw):>8.1f} "
            f"{percentile(r.raw, 95):>8.1f} {r.ratio():>6.2f}x "
            f"{statistics.median(r.raw_count):>8.1f} {statistics.median(r.raw_page):>8.1f}  "
            f"{'PASS' if ok else 'FAIL'} ({text}){check}")


def print_plans(results, plans, explain_all: bool, out) -> None:
    out("")
    out("EXPLAIN (ANALYZE, BUFFERS) of the app's queries, run once after timing:")
    for r in results:
        summary = "  |  ".join(f"{kind}: {summarise_plan(plan)}" for kind, plan in plans[r.label])
        out(f"  {r.label:<38} {summary}")
    failed = [r for r in results if not r.goal()[1]]
    for r in results:
        if explain_all or r in failed:
            out("")
            out(f"=== {r.label}: {'goal missed' if r in failed else 'plans'}")
            for kind, plan in plans[r.label]:
                out(f"--- {kind} query")
                out(plan)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.queue_bench",
        description="Benchmark the caseworkers' queue and full-text search on synthetic data.")
    add_arguments(parser, DEFAULT_URL)
    parser.add_argument("--explain-all", action="store_true",
                        help="print every plan in full, not only those of missed goals")
    args = parser.parse_args(argv)

    load_or_reuse(args)
    with psycopg.connect(libpq_url(args.database_url)) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    print(f"database size {size}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}; repeat {args.repeat}, warm-up {args.warmup}")
    results = bench(args.database_url, args.repeat, args.warmup, args.explain_all)
    return 0 if all(r.goal()[1] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
