"""Production: everything secret comes from REMEDY_* environment variables."""

SESSION_COOKIE_SECURE = True
HSTS = True
