"""Every configuration key Remedy reads, each with a safe default.

Environment variables prefixed with REMEDY_ override these (REMEDY_DATABASE_URL sets
DATABASE_URL); the file for the environment (development, testing, production) is read
between the two.
"""

# Where the data lives. Absent = SQLite in the instance folder.
DATABASE_URL = None
# Redis for background jobs and rate limits. Absent = jobs run in-process after commit.
REDIS_URL = None
# Signs sessions, CSRF tokens and upload receipts. Required outside development.
SECRET_KEY = None
# How other installations and emails reach this one (no trailing slash).
BASE_URL = "http://127.0.0.1:5000"

# Outgoing email (Flask-Mail). Sent only by background jobs.
MAIL_SERVER = "localhost"
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Remedy <no-reply@remedy.invalid>"
# True = emails are built but not sent (they are written to MAIL_DUMP_DIR if set).
MAIL_SUPPRESS_SEND = False
MAIL_DUMP_DIR = None
# Delivery attempts before an outbox email is marked failed.
MAIL_MAX_ATTEMPTS = 8
# Seconds after which an email still marked as being sent is taken to belong to a worker
# that died mid-job, and is sent again by the periodic sweep.
MAIL_STALE_CLAIM_SECONDS = 600
# An RQ worker (`remedy worker`) whose process grew past this stops after its job, for its
# supervisor to start afresh (0: never).
WORKER_MAX_MEMORY_MB = 1024

# Evidence uploads: size of one file, total per complaint, number of files per complaint.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_TOTAL_BYTES = 50 * 1024 * 1024
UPLOAD_MAX_FILES = 10
# Where evidence and respondents' documents are kept: "filesystem" (EVIDENCE_DIR, one
# machine's disk) or "database" (the stored_files table; see docs/operators.md).
EVIDENCE_STORAGE = "filesystem"
# Where evidence files are stored with "filesystem" (absent = <instance>/evidence).
EVIDENCE_DIR = None

# Slug of the organisation that handles complaints no other organisation's remit covers.
DEFAULT_ORGANISATION = None

# Rate limits (Flask-Limiter syntax). Storage: memory in-process, Redis when REDIS_URL is set.
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = None
RATELIMIT_FILING = "20 per hour; 5 per minute"
RATELIMIT_TRACKING = "30 per hour; 10 per minute"
RATELIMIT_COMPLAINANT_WRITE = "60 per hour"
# Every JSON API call, per bearer token (or per address without one).
RATELIMIT_API = "300 per minute; 5000 per hour"
RATELIMIT_HEADERS_ENABLED = True
# A dead Redis must not stop people filing: fall back to per-process limits meanwhile.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True
# Fixed windows: the tracking budget gives an attempt back by a negative hit (intake.limits).
RATELIMIT_STRATEGY = "fixed-window"

# How long a successful tracking look-up stays open in the browser, in minutes.
TRACKING_SESSION_MINUTES = 30
# How long an Idempotency-Key (or a form's submission token) is remembered, in hours.
IDEMPOTENCY_TTL_HOURS = 24

# Languages of the interface. The first is the fallback.
LANGUAGES = ["en", "fr", "zh_Hans"]
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "UTC"

# Cookies and CSRF.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "remedy_session"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30
WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
WTF_CSRF_ENABLED = True
# Checked by remedy.core.security.require_csrf, which lets the filing form keep a person's
# answers when their token has expired.
WTF_CSRF_CHECK_DEFAULT = False
# Send HSTS (only behind HTTPS).
HSTS = True
# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
PROXY_COUNT = 0

# Largest request body accepted; forms keep up to MAX_FORM_MEMORY_SIZE in memory so an
# over-long text can be refused with a message beside the field instead of a 413.
MAX_CONTENT_LENGTH = 64 * 1024 * 1024
MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024

SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# Staff accounts. Argon2id cost (OWASP's minimum is time 2 with 19 MiB; these are stronger).
ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST = 65536
# Failed logins before an account is locked, and for how long (minutes).
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_MINUTES = 15
RATELIMIT_LOGIN = "20 per hour; 5 per minute"
# How long invitation and password-reset links stay valid (hours).
INVITE_VALID_HOURS = 72
RESET_VALID_HOURS = 2

# Days after a case is closed (closed, inadmissible, withdrawn) before the complainant's data
# is anonymised by the daily retention job. None keeps everything.
RETENTION_DAYS = 730

# Respondents: a reminder goes out this many days before an answer is due; an access link
# keeps working this many days after the final answer was due (late answers still count).
RESPONDENT_REMINDER_DAYS = 3
RESPONDENT_LINK_DAYS_AFTER_DEADLINE = 30

# Cross-border referrals and federation between installations.
# Days the receiving authority has to reply to a referral (as for GDPR mutual assistance).
REFERRAL_REPLY_DAYS = 30
# Countries in which the one-stop-shop logic applies (EU and EEA): a respondent whose main
# establishment is elsewhere is handled where the people are harmed.
REFERRAL_REGION = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR",
                   "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK",
                   "SI", "ES", "SE", "IS", "LI", "NO"]
# Delivery to other installations: seconds before the first retry (doubling each time, at
# most 6 hours), attempts before a message is marked failed, seconds to wait for an answer.
FEDERATION_RETRY_SECONDS = 30
FEDERATION_MAX_ATTEMPTS = 12
FEDERATION_TIMEOUT_SECONDS = 10
# After `remedy federation-keys --rotate`, days the previous key stays valid.
FEDERATION_KEY_OVERLAP_DAYS = 7

# The public observatory: counts below this are suppressed, and every published count is
# rounded to a multiple of it.
OBSERVATORY_THRESHOLD = 5
# After a change, the observatory counts again at most once per this many seconds.
OBSERVATORY_REFRESH_SECONDS = 10
# The regional observatory (/observatory/regional): add up the published statistics of the
# other installations of the directory (the operator's imported entries with a key).
OBSERVATORY_REGIONAL = False
# Seconds between two fetches of one installation's statistics (the job looks every 5 minutes).
OBSERVATORY_REGIONAL_REFRESH_SECONDS = 3600
# Hours after which an installation's figures are shown as stale.
OBSERVATORY_REGIONAL_STALE_HOURS = 48
