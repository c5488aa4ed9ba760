"""The shape of the code: domain rules stay plain Python."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "remedy"
FORBIDDEN = ("flask", "sqlalchemy", "rq", "redis", "remedy.extensions", "flask_babel")


PURE = sorted(PACKAGE.rglob("domain.py")) + [PACKAGE / "intake" / "references.py",
                                             PACKAGE / "intake" / "routing.py",
                                             PACKAGE / "registry" / "names.py",
                                             PACKAGE / "collective" / "lexicon.py",
                                             PACKAGE / "referrals" / "routing.py",
                                             PACKAGE / "federation" / "crypto.py",
                                             PACKAGE / "observatory" / "suppression.py",
                                             PACKAGE / "observatory" / "regional.py",
                                             PACKAGE / "narratives" / "scrub.py",
                                             PACKAGE / "narratives" / "spans.py",
                                             PACKAGE / "narratives" / "names.py",
                                             PACKAGE / "narratives" / "patterns.py"]


@pytest.mark.parametrize("path", PURE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_domain_modules_do_not_import_frameworks(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    bad = {m for m in imported if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad


def test_only_services_and_jobs_commit():
    """Views and API resources never commit: one unit of work per service function."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("views.py", "api.py", "portal.py", "forms.py", "domain.py"):
            if "commit()" in path.read_text():
                offenders.append(str(path))
    assert not offenders
