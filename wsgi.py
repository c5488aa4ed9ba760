"""Entry point for gunicorn and `flask --app wsgi`."""

from remedy.app import create_app

app = create_app()
