"""Organisations that use Remedy (and, later, their staff accounts)."""
