"""Referrals use the staff of tests/cases/conftest.py: an organisation in Denmark and one in
Sweden, on this one installation."""

from tests.cases.conftest import as_role, staff, token  # noqa: F401  (fixtures)
