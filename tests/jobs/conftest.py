"""Running the worker command in this process, on the test Redis."""

import pytest
from rq import Queue

from tests.conftest import REDIS_URL

needs_redis = pytest.mark.skipif(REDIS_URL is None, reason="an RQ worker needs Redis")


def run_worker(app, *options):
    """`flask remedy worker --burst`, as an operator runs it; returns the CLI result."""
    result = app.test_cli_runner().invoke(args=["remedy", "worker", "--burst", *options])
    assert result.exit_code == 0, result.output
    return result


def queued(app, name: str = "default") -> list:
    """The jobs waiting in one queue."""
    from remedy.jobs import get_redis

    with app.app_context():
        return Queue(name, connection=get_redis()).get_jobs()
