"""The public observatory: anonymised statistics of complaints about AI systems, from
rollups kept by jobs, published so that no one can be singled out."""

from flask import Blueprint

bp = Blueprint("observatory", __name__)
