"""Jobs deferred until the commit, and the condition a deferred call can carry."""

from sqlalchemy import select

from remedy.extensions import db
from remedy.jobs import commit, defer, defer_once


def test_a_condition_is_asked_after_the_commit_and_decides_whether_the_job_goes(make_app):
    in_process = make_app(REDIS_URL=None)
    ran, asked = [], []

    def ask(answer):
        def condition():
            asked.append(answer)
            return answer
        return condition

    no, yes = ask(False), ask(True)
    with in_process.app_context():
        defer(ran.append, "refused", when=no)
        defer_once(ran.append, "allowed", when=yes)
        defer_once(ran.append, "allowed", when=yes)  # the same call: once
        assert asked == []
        commit()
        db.session.remove()
    assert asked == [False, True] and ran == ["allowed"]


def test_a_rolled_back_transaction_never_asks(make_app):
    in_process = make_app(REDIS_URL=None)
    asked = []
    with in_process.app_context():
        db.session.execute(select(1))  # the work, in a transaction
        defer(print, "never", when=lambda: asked.append(1) or True)
        db.session.rollback()
        commit()
        db.session.remove()
    assert asked == []


def test_a_failing_condition_skips_the_job_and_not_the_request(make_app):
    in_process = make_app(REDIS_URL=None)
    ran = []

    def broken():
        raise ConnectionError("Redis is down")

    with in_process.app_context():
        defer(ran.append, "skipped", when=broken)
        defer(ran.append, "unconditional")
        commit()
        db.session.remove()
    assert ran == ["unconditional"]
