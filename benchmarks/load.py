"""Load the synthetic data into a database of its own, fast.

The database is dropped and created again, its schema made by the app's own migrations
(`flask_migrate.upgrade()`), then organisations and staff are inserted and complaints and
cases streamed in with COPY, in chunks of one transaction each, by one process per core
(the generated `search_vector` column makes the server's side of COPY the costly one, so
two backends are busier than one). The secondary indexes of
the two big tables are dropped for the load and created again afterwards from their own
definitions (`pg_get_indexdef`), which is much faster than maintaining them row by row and
leaves the same schema; primary keys, unique and foreign-key constraints stay in place and
are checked throughout. Columns of `cases` that copy the complaint's (same name) get its
values, as the migration that added them did. No audit events or clocks are written: the
queue does not read them.
"""

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from datetime import UTC, date, datetime

import psycopg
from psycopg import sql

from benchmarks.generate import CASE_COLUMNS, COMPLAINT_COLUMNS, ORGANISATIONS, Generator, users
from remedy.cases.domain import rights_mask

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/remedy_bench"
BIG_TABLES = ("complaints", "cases")


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_app(url: str):
    from remedy.app import create_app

    return create_app("production", {"DATABASE_URL": url, "SECRET_KEY": "x" * 64,
                                     "REDIS_URL": None, "RATELIMIT_ENABLED": False})


def loaded_rows(url: str) -> int | None:
    """How many complaints, each with its case, the database holds; None if there is no
    database or its schema is not at the migrations' head (the app's code moved on)."""
    try:
        with psycopg.connect(libpq_url(url)) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            complaints = conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
            cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return complaints if complaints == cases and version == migrations_head() else None


def migrations_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from remedy.app import ROOT

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def recreate_database(url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(libpq_url(url))
    name = info["dbname"]
    with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate(url: str) -> None:
    import flask_migrate

    from remedy.extensions import db

    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


def load(url: str = DEFAULT_URL, rows: int = 100_000, seed: int = 20261127,
         today: date | None = None, chunk: int = 50_000, jobs: int | None = None,
         log=print) -> dict[str, float]:
    """A fresh database with `rows` complaints and cases; the seconds each step took."""
    today = today or datetime.now(UTC).date()
    jobs = jobs or os.cpu_count() or 2
    timings = {}
    started = time.perf_counter()
    recreate_database(url)
    migrate(url)
    timings["create + migrate"] = time.perf_counter() - started

    with psycopg.connect(libpq_url(url)) as conn:
        _insert_organisations(conn)
        indexes = _drop_secondary_indexes(conn)
        mirrored = _mirrored_columns(conn)

    step = time.perf_counter()
    chunks = range(-(-rows // chunk))
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_load_chunk, url, seed, today, i, chunk, rows, mirrored) for i in chunks]
        for future in as_completed(futures):
            done += future.result()
            elapsed = time.perf_counter() - step
            log(f"  {done:>9,} / {rows:,} rows  {elapsed:6.1f} s  ({done / elapsed:,.0f} rows/s)")
    timings["generate + COPY"] = time.perf_counter() - step

    step = time.perf_counter()
    _create_indexes(url, indexes, jobs, log)
    timings["indexes"] = time.perf_counter() - step

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for table in ("organisations", "users", *BIG_TABLES):
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                                 "(SELECT max(id) FROM {i}))").format(
                t=sql.Literal(table), i=sql.Identifier(table)))
        step = time.perf_counter()
        # VACUUM as well as ANALYZE: sets the visibility map and hint bits, as autovacuum
        # would have on a database in use, so the first timed runs do not pay for it.
        conn.execute("VACUUM (ANALYZE) complaints, cases, organisations, users")
        timings["vacuum + analyze"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return timings


def _insert_organisations(conn) -> None:
    now = datetime.now(UTC)
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO organisations (id, slug, name, country, org_type, sectors, "
            "rights_dimensions, accepts_complaints, closure_needs_approval, clock_lengths, "
            "created_at) VALUES (%s, %s, %s, %s, %s, '[]', '[]', true, false, '{}', %s)",
            [(o.id, o.slug, o.name, o.country, o.org_type, now) for o in ORGANISATIONS])
        cur.executemany(
            "INSERT INTO users (id, organisation_id, email, name, role, active, totp_enabled, "
            "failed_logins, session_version, created_at) "
            "VALUES (%s, %s, %s, %s, %s, true, false, 0, 1, %s)",
            [(u["id"], u["organisation_id"], u["email"], u["name"], u["role"], now)
             for u in users()])
    conn.commit()


def _drop_secondary_indexes(conn) -> list[tuple[str, str]]:
    """Drop the indexes of the big tables that back no constraint; their definitions."""
    rows = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [list(BIG_TABLES)]).fetchall()
    for name, _ in rows:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    conn.commit()
    return rows


def _mirrored_columns(conn) -> tuple[str, ...]:
    """Columns of `cases` that copy the complaint's column of the same name (the queue
    filters on them without a join), in the order of COMPLAINT_COLUMNS."""
    names = {row[0] for row in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases'")}
    return tuple(c for c in COMPLAINT_COLUMNS if c in names and c not in ("id", "organisation_id"))


def _has_rights_mask(url: str) -> bool:
    """Whether `cases` has the rights as bits (migration 0006), filled from the complaint."""
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute("SELECT 1 FROM information_schema.columns WHERE "
                            "table_name = 'cases' AND column_name = 'rights_mask'").fetchone() is not None


def _load_chunk(url: str, seed: int, today: date, index: int, size: int, total: int,
                mirrored: tuple[str, ...]) -> int:
    """One chunk of complaints and their cases, in one transaction; the rows written."""
    complaint_copy = sql.SQL("COPY complaints ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, COMPLAINT_COLUMNS)))
    with_mask = ("rights_mask",) if _has_rights_mask(url) else ()
    case_copy = sql.SQL("COPY cases ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, CASE_COLUMNS + mirrored + with_mask)))
    positions = [COMPLAINT_COLUMNS.index(c) for c in mirrored]
    rights_at = COMPLAINT_COLUMNS.index("rights_dimensions")
    cases = []
    with psycopg.connect(libpq_url(url)) as conn, conn.cursor() as cur:
        # Complaints are generated while COPY streams them to the server.
        with cur.copy(complaint_copy) as copy:
            for complaint, case in Generator(seed=seed, today=today).chunk(index, size, total):
                copy.write_row(complaint)
                mask = ((rights_mask(json.loads(complaint[rights_at])),) if with_mask else ())
                cases.append(case + tuple(complaint[i] for i in positions) + mask)
        with cur.copy(case_copy) as copy:
            for case in cases:
                copy.write_row(case)
    return len(cases)


def _create_indexes(url: str, indexes: list[tuple[str, str]], jobs: int, log) -> None:
    """The dropped indexes again, the full-text one first, on `jobs` connections at once."""
    def create(name, definition):
        started = time.perf_counter()
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute(definition)
        return name, time.perf_counter() - started

    ordered = sorted(indexes, key=lambda item: " USING gin " not in item[1])
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in as_completed([pool.submit(create, *item) for item in ordered]):
            name, seconds = future.result()
            log(f"  index {name}: {seconds:.1f} s")


def add_arguments(parser, default_url: str) -> None:
    """The options every benchmark on `load`'s data takes."""
    parser.add_argument("--rows", type=int, default=100_000, help="complaints (and cases) to load")
    parser.add_argument("--reuse", action="store_true",
                        help="skip loading if the database already holds exactly --rows rows")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per scenario first")
    parser.add_argument("--database-url", default=default_url,
                        help="the benchmark's own database: it is dropped and created again")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--jobs", type=int, default=None, help="loading processes (default: cores)")


def load_or_reuse(args, out=print) -> None:
    """Load the data, unless --reuse finds exactly --rows rows at the migrations' head."""
    if args.reuse and loaded_rows(args.database_url) == args.rows:
        out(f"reusing {args.rows:,} rows in {args.database_url}")
        return
    out(f"loading {args.rows:,} rows into {args.database_url}")
    timings = load(args.database_url, args.rows, seed=args.seed, jobs=args.jobs)
    out("load: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
