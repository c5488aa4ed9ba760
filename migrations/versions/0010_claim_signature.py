"""a collective claim keeps its signature for matching; signatures keep the distinctive words of names

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 04:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy): computed again from the members when missing.
    op.add_column('collective_claims', sa.Column(
        'signature', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
        nullable=True))
    # Rows kept before have none: matching computes them from the names when missing.
    op.add_column('complaint_signatures', sa.Column('brands', sa.String(length=400), nullable=True))
    op.add_column('complaint_signatures', sa.Column('owner_brands', sa.String(length=400), nullable=True))


def downgrade():
    with op.batch_alter_table('complaint_signatures', schema=None) as batch_op:
        batch_op.drop_column('owner_brands')
        batch_op.drop_column('brands')
    with op.batch_alter_table('collective_claims', schema=None) as batch_op:
        batch_op.drop_column('signature')
