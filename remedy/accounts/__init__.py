"""Organisations that use Remedy, their staff accounts, sign-in and API tokens."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
