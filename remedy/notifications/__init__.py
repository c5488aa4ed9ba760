"""Email: an outbox row written in the transaction of the change that causes the email,
delivered by a background job through Flask-Mail."""

from pathlib import Path

from flask_mail import email_dispatched


def init_app(app) -> None:
    dump_dir = app.config.get("MAIL_DUMP_DIR")
    if app.config.get("MAIL_SUPPRESS_SEND") and dump_dir:
        folder = Path(app.instance_path) / dump_dir
        email_dispatched.connect(_writer(folder), sender=app, weak=False)


def _writer(folder: Path):
    """Development without a mail server: keep each email as an .eml file to open."""

    def write(app, message):
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{message.date:.0f}-{abs(hash(message.msgId)) % 10**8:08d}.eml"
        (folder / name).write_bytes(message.as_bytes())

    return write
