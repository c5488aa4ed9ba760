"""The observatory uses the staff of tests/cases/conftest.py."""

from tests.cases.conftest import as_role, staff, token  # noqa: F401  (fixtures)
