"""What the abuse tests share: hostile values as Hypothesis strategies, the settings that
keep a run reproducible, and the count of generated cases (reported at the end of the run,
and checked against MIN_CASES by tests/abuse/test_zz_fuzz_count.py).

A run draws the same cases every time (derandomised). To search harder by hand, multiply
the examples with REMEDY_FUZZ_SCALE (`REMEDY_FUZZ_SCALE=10`) and draw other cases with
REMEDY_FUZZ_SEED (any integer), as for tests/api/test_schemathesis.py.
"""

import io
import os
import traceback
from collections import Counter

import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, seed, settings

from remedy.extensions import db
from tests.conftest import app_context
from tests.factories import CANARY_EMAIL, CANARY_NAME, CANARY_NARRATIVE, CANARY_PHONE

SCALE = float(os.environ.get("REMEDY_FUZZ_SCALE", "1"))
SEED = os.environ.get("REMEDY_FUZZ_SEED")
MIN_CASES = 2000  # forms and API bodies together, per run (tests/abuse/test_zz_fuzz_count.py)

CASES: Counter = Counter()  # "forms" / "api" -> generated cases sent in this session
PLANNED: Counter = Counter()  # what the tests that ran meant to send
RAN: set[str] = set()  # which of them ran ("forms:<group>", "api:bodies")


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


def fuzz(n: int):
    """Decorate a @given function: n examples (scaled), reproducible, no shrinking (every
    case is an HTTP request; the failure message shows what was sent)."""

    def decorate(test):
        configured = settings(
            max_examples=examples(n), derandomize=SEED is None, database=None, deadline=None,
            phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck))(test)
        return seed(int(SEED))(configured) if SEED is not None else configured

    return decorate


def run_collecting(label: str, run, failures: list) -> None:
    """Run one Hypothesis test; a failure is kept (with what Hypothesis says about it) so
    that every form or operation is tried and all failures are reported together."""
    try:
        run()
    except Exception as error:  # noqa: BLE001  (reported, with its traceback, below)
        text = "".join(traceback.format_exception(error, limit=-3))
        failures.append(f"--- {label}\n{text[-4000:]}")


# --- values -----------------------------------------------------------------------------------

SPECIAL = [
    "", " ", "\t", "\x00", "a\x00b", "\x00" * 8, "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "\u202eevil\u202c", "\u200b\u200d\ufeff", "😀👩‍👩‍👧‍👦", "e\u0301\u0301\u0301", "中文 العربية עברית",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1' --",
    "%s%s%s%n", "{{7*7}}{% raw %}", "${jndi:ldap://x}", "../../../../etc/passwd",
    "１２３", "³", "٣", "-1", "0", "-0", "2147483648", "9223372036854775808", "9" * 40,
    "1e308", "-1e308", "1e-400", "NaN", "Infinity", "None", "null", "true", "[]", "{}",
    "\r\n\r\nX-Injected: 1", "RMD-0000-0000", "RMD-\x00", "@", "a@b", "@@",
    "x" * 250 + "@example.org", "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01",
    "99999-01-01", "1970-01-01T00:00:00", "\\", "\\x00", "%00", "%", "+", "&", "=",
]
UNITS = ["a", "é", "中", "😀", "\x00", "\u0301", " ", "\n", "<", "9"]
# The values that broke something once (int() of 4,300 digits and more, NUL in PostgreSQL,
# digits that are not ASCII): drawn often, whatever the field.
NASTY = ["9" * 5000, "1" + "0" * 4400, "\x00", "a\x00", "٣", "³", "-1", "x" * 100_001,
         "\u202e", "1e999"]


def text_value() -> st.SearchStrategy[str]:
    """Any text a person or a script might send in one form field."""
    return st.one_of(
        st.sampled_from(SPECIAL),
        st.sampled_from(NASTY),
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
        st.builds(lambda unit, n: unit * n, st.sampled_from(UNITS),
                  st.sampled_from([201, 1001, 5001, 20_001, 100_001])),
        st.integers(min_value=-2**70, max_value=2**70).map(str),
        st.floats().map(repr),
    )


REALISTIC = {
    "text": ["Acme Logistics A/S", "HireScreen", "A short title", CANARY_NAME, "en", "DK"],
    "long": [f"A few plain words about this, long enough for every rule. {CANARY_NARRATIVE}",
             "Short.", "The employer's automatic tool rejected the application in a minute; "
             "nobody explained why and nobody answered my letters since then."],
    "email": [CANARY_EMAIL, "caseworker@example.org", "new.person@example.org", "a@b.c"],
    "phone": [CANARY_PHONE, "+45 12 34 56 78", "call me", "+" + "1" * 30],
    "password": ["correct horse battery staple", "short", "a long enough pass phrase 42"],
    "date": ["2026-01-15", "2026-02-30", "15/01/2026", "2026-W01", "2025-12-31", "today"],
    "number": ["1", "0", "3", "-5", "100000000000", "1.5", "12"],
    "bool": ["y", "", "n", "on", "true", "0"],
    "id": ["1", "2", "3", "0", "-1", "99999999999999999999", "abc"],
    "choice": [],
}


@st.composite
def upload(draw):
    """A file as a browser would send it: odd contents, odd names, odd types."""
    content = draw(st.one_of(
        st.sampled_from([
            b"", b"\x00" * 64, b"plain text evidence\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\njunk",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, b"GIF89a\x01\x00\x01\x00", b"MZ\x90\x00\x03",
            b"PK\x03\x04\x14\x00", b"<html><script>alert(1)</script></html>",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"#!/bin/sh\nrm -rf /\n",
            ("\ufeff" + CANARY_NARRATIVE).encode("utf-16"), b"a" * 300_000,
            b"[" * 50_000, b'[{"name": "x", "country": "NO", "type": [' + b"[" * 5000]),
        st.binary(max_size=512)))
    name = draw(st.sampled_from([
        "evidence.txt", "letter.pdf", "photo.png", "../../../etc/passwd", "a\x00.pdf", "CON",
        "x" * 300 + ".pdf", "évidence 中文.png", ".htaccess", "run.exe", "doc.pdf.exe",
        "<script>.png", "name with\nnewline.txt", " ", "😀.jpg"]))
    media_type = draw(st.sampled_from([
        None, "text/plain", "application/pdf", "image/png", "application/x-msdownload",
        "text/html", "application/octet-stream", "image/svg+xml", "x/\x00"]))
    return (io.BytesIO(content), name, media_type) if media_type else (io.BytesIO(content), name)


def row_counts(app) -> dict[str, int]:
    """How many rows each table holds: a submission that was refused must not change it."""
    import sqlalchemy as sa

    with app_context(app):
        tables = db.metadata.sorted_tables
        query = sa.select(*[sa.select(sa.func.count()).select_from(table).scalar_subquery()
                            .label(table.name) for table in tables])
        return dict(db.session.execute(query).one()._mapping)


def changed_tables(before: dict, after: dict) -> dict:
    return {name: (before[name], after[name]) for name in before if before[name] != after[name]}
