"""The thin shared core: model base, clock, errors, text hygiene, idempotency."""
