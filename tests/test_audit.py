"""The audit log is append-only and hash-chained: any change or removal is found."""

import pytest
import sqlalchemy as sa

from remedy.core.audit import AuditEvent, verify_chain
from remedy.extensions import db
from tests.conftest import app_context
from tests.factories import complaint_payload

pytestmark = pytest.mark.usefixtures("org")


def run(app, *args):
    return app.test_cli_runner().invoke(args=["remedy", *args])


def file_some(client, n=3):
    for _ in range(n):
        assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 201


def test_a_clean_chain_verifies(app, client):
    file_some(client)
    result = run(app, "audit-verify")
    assert result.exit_code == 0
    with app_context(app):
        total = db.session.query(AuditEvent).count()
    assert result.output.strip() == f"ok {total} entries" and total >= 4


@pytest.mark.parametrize("tamper", ["change", "delete_middle", "delete_last"])
def test_tampering_is_found(app, client, tamper):
    file_some(client)
    with app_context(app):
        entries = db.session.query(AuditEvent).order_by(AuditEvent.seq).all()
        target = entries[1] if tamper != "delete_last" else entries[-1]
        with db.engine.begin() as connection:
            if tamper == "change":
                connection.execute(sa.update(AuditEvent).where(AuditEvent.id == target.id)
                                   .values(actor="someone-else"))
            else:
                connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == target.id))
        db.session.expire_all()
        checked, broken = verify_chain()
        assert broken is not None
    result = run(app, "audit-verify")
    assert result.exit_code == 1 and "broken at entry" in result.output


def test_a_rolled_back_change_leaves_no_entry(app):
    from remedy.core import audit

    with app_context(app):
        before = db.session.query(AuditEvent).count()
        audit.record("test.nothing", actor="system", subject_type="test", subject_id=1)
        db.session.rollback()
        db.session.commit()
        assert db.session.query(AuditEvent).count() == before
