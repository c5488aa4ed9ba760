"""Load the synthetic data into a database of its own, fast.

The database is dropped and created again, its schema made by the app's own migrations
(`flask_migrate.upgrade()`), then organisations and staff are inserted and complaints and
cases streamed in with COPY, in batches of one transaction each. The secondary indexes of
the two big tables are dropped for the load and created again afterwards from their own
definitions (`pg_get_indexdef`), which is much faster than maintaining them row by row and
leaves the same schema; primary keys, unique and foreign-key constraints stay in place and
are checked throughout. No audit events or clocks are written: the queue does not read them.
"""

import time
from datetime import UTC, date, datetime

import psycopg
from psycopg import sql

from benchmarks.generate import CASE_COLUMNS, COMPLAINT_COLUMNS, ORGANISATIONS, Generator, users

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
    """How many complaints that each have a case the database holds (None: no database)."""
    try:
        with psycopg.connect(libpq_url(url)) as conn:
            complaints = conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
            cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return complaints if complaints == cases else None


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
         today: date | None = None, batch: int = 50_000, log=print) -> dict[str, float]:
    """A fresh database with `rows` complaints and cases; the seconds each step took."""
    timings = {}
    started = time.perf_counter()
    recreate_database(url)
    migrate(url)
    timings["create + migrate"] = time.perf_counter() - started

    with psycopg.connect(libpq_url(url)) as conn:
        _insert_organisations(conn)
        indexes = _drop_secondary_indexes(conn)
        step = time.perf_counter()
        generator = Generator(seed=seed, today=today)
        _copy_rows(conn, generator.rows(rows), rows, batch, log)
        timings["generate + COPY"] = time.perf_counter() - step

        step = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            one = time.perf_counter()
            conn.execute(definition)
            conn.commit()
            log(f"  index {name}: {time.perf_counter() - one:.1f} s")
        timings["indexes"] = time.perf_counter() - step

        for table in ("organisations", "users", *BIG_TABLES):
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                                 "(SELECT max(id) FROM {i}))").format(
                t=sql.Literal(table), i=sql.Identifier(table)))
        conn.commit()

        step = time.perf_counter()
        conn.autocommit = True
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


def _copy_rows(conn, rows, total: int, batch: int, log) -> None:
    complaint_copy = sql.SQL("COPY complaints ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, COMPLAINT_COLUMNS)))
    case_copy = sql.SQL("COPY cases ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, CASE_COLUMNS)))
    started, done = time.perf_counter(), 0
    rows = iter(rows)
    with conn.cursor() as cur:
        while done < total:
            size = min(batch, total - done)
            cases = []
            with conn.transaction():
                # Complaints are generated while COPY streams them: Python and the server
                # backend work on the two cores at once.
                with cur.copy(complaint_copy) as copy:
                    for _ in range(size):
                        complaint, case = next(rows)
                        copy.write_row(complaint)
                        cases.append(case)
                with cur.copy(case_copy) as copy:
                    for case in cases:
                        copy.write_row(case)
            done += size
            elapsed = time.perf_counter() - started
            log(f"  {done:>9,} / {total:,} rows  {elapsed:6.1f} s  ({done / elapsed:,.0f} rows/s)")
