"""rights dimensions as bits on cases, inside the queue's counting indexes

The rights filter was the last one that read complaints row by row (benchmarks/README.md);
as bits in the indexes, counts by rights are index-only. Bit values: remedy.cases.domain.
RIGHTS_BITS, copied here as they were.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BITS = {"privacy_data_protection": 1, "equality_non_discrimination": 2,
        "access_to_remedy": 4, "other": 8}
INDEXES = {
    "ix_cases_org_state": ["organisation_id", "state", "next_due_on"],
    "ix_cases_org_sector": ["organisation_id", "sector", "state"],
    "ix_cases_org_country": ["organisation_id", "complainant_country", "state"],
    "ix_cases_org_assignee": ["organisation_id", "assignee_id", "state"],
}


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rights_mask', sa.Integer(), nullable=False,
                                      server_default='0'))
        for name in INDEXES:
            batch_op.drop_index(name)
    for dimension, bit in BITS.items():
        op.execute(
            f"UPDATE cases SET rights_mask = rights_mask + {bit} FROM complaints AS c "
            f"WHERE c.id = cases.complaint_id "
            f"AND CAST(c.rights_dimensions AS TEXT) LIKE '%\"{dimension}\"%'"
        )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns + ["rights_mask"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaints_rights_gin")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_complaints_rights_gin ON complaints "
                   "USING GIN (rights_dimensions jsonb_path_ops)")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
        batch_op.drop_column('rights_mask')
