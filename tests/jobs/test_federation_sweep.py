"""The federation outbox's sweep, like the email outbox's (tests/notifications/test_sweep.py),
starts again only the messages whose job is gone."""

from datetime import timedelta

import redis

from remedy.core.db import utcnow
from remedy.federation import transport
from remedy.jobs import commit
from tests.conftest import REDIS_URL, app_context, free_port
from tests.jobs.conftest import needs_redis, queued

pytestmark = needs_redis


def test_a_message_whose_job_waits_is_not_queued_again_one_redis_lost_is(app, monkeypatch):
    with app_context(app):
        message = transport.send("ping", {"hello": "there"}, organisation_id=None,
                                 destination=f"http://127.0.0.1:{free_port()}")
        commit()
        job_id = f"federation-{message.id}"
    moment = utcnow() + timedelta(minutes=30)
    monkeypatch.setattr(transport, "utcnow", lambda: moment)

    def sweep():
        with app_context(app):
            return transport.sweep_federation_outbox()

    assert [job.id for job in queued(app)] == [job_id]
    assert sweep() == 0 and [job.id for job in queued(app)] == [job_id]
    redis.Redis.from_url(REDIS_URL).flushdb()  # a Redis restart loses the queued jobs
    assert sweep() == 1 and [job.id for job in queued(app)] == [job_id]
    assert sweep() == 0
