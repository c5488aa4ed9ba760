# Remedy: `make run` (the app with demo data) and `make test` (the whole suite).
# Both do all set-up themselves on a fresh clone: virtualenv, packages, translations, database.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install translations extract-messages lint worker

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Remedy needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d remedy/translations

## The app on http://127.0.0.1:5000 with demo data (SQLite in instance/, jobs in-process).
run: install
	$(FLASK) db upgrade
	$(FLASK) remedy seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

## The whole test suite: SQLite with in-process jobs, then PostgreSQL with Redis and an RQ worker.
test: install
	scripts/test.sh

## After changing user-facing strings: refresh the catalogues, then translate the new entries.
extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k _l --ignore-dirs=".*" --no-location --sort-output --no-wrap \
		--project=Remedy -o remedy/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching --no-wrap --ignore-obsolete -i remedy/translations/messages.pot -d remedy/translations

lint: $(STAMP)
	$(VENV)/bin/ruff check remedy tests

worker: install
	$(FLASK) remedy worker
