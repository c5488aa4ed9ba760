"""Drop collective_suggestions' index on complaint_id: the unique (complaint_id, target)
index already serves every lookup by complaint, and each insert paid for both.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 10:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collective_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collective_suggestions_complaint_id'))


def downgrade():
    with op.batch_alter_table('collective_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collective_suggestions_complaint_id'), ['complaint_id'], unique=False)
