#!/usr/bin/env bash
# The whole suite, twice: the embedded default (SQLite, jobs in-process), then production's
# parts (PostgreSQL, Redis, RQ workers). Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=".venv/bin/python -m pytest"

scripts/browser.sh  # Chromium and axe-core for tests/browser (they skip, saying why, without)

echo "=== 1/2: SQLite, in-process jobs ==="
env -u REMEDY_TEST_DATABASE_URL -u REMEDY_TEST_REDIS_URL $PYTEST "$@"
sqlite_status=$?

echo "=== 2/2: PostgreSQL, Redis, RQ worker ==="
scripts/services.sh || exit 1
REMEDY_TEST_DATABASE_URL="${REMEDY_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/remedy_test}" \
REMEDY_TEST_REDIS_URL="${REMEDY_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}" \
  $PYTEST "$@"
postgres_status=$?

echo "SQLite run exit ${sqlite_status}; PostgreSQL run exit ${postgres_status}"
[ "$sqlite_status" = 0 ] && [ "$postgres_status" = 0 ]
