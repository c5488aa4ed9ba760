"""A first run on a bare machine: SQLite, in-process jobs, emails written to files."""

SECRET_KEY = "development-only-not-secret"
SESSION_COOKIE_SECURE = False
HSTS = False
# Without REMEDY_MAIL_SERVER, emails are built by Flask-Mail and saved in instance/mail/.
MAIL_SUPPRESS_SEND = True
MAIL_DUMP_DIR = "mail"
DEFAULT_ORGANISATION = "demo-nhri"
