"""The test suite. Tests pass their own overrides (database, Redis, SMTP) to create_app."""

TESTING = True
SECRET_KEY = "testing-only-not-secret"
SESSION_COOKIE_SECURE = False
HSTS = False
MAIL_SUPPRESS_SEND = True
RATELIMIT_ENABLED = False
BASE_URL = "http://remedy.test"
ARGON2_TIME_COST = 1
ARGON2_MEMORY_COST = 8192
# The suite runs workers inside its own (large, long-lived) process.
WORKER_MAX_MEMORY_MB = 0
