"""Federation: signed messages between Remedy installations, with no central server. Each
installation has Ed25519 keys; messages go through an outbox delivered by jobs; the
receiver refuses stale, replayed, tampered or unknown-key messages (docs/federation.md)."""

from flask import Blueprint

bp = Blueprint("federation", __name__, url_prefix="/federation/v1")
