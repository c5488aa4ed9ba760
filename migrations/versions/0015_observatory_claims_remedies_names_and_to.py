"""API token scopes; what the observatory counts of collective claims and remedies; organisations that publish names

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scopes', sa.String(length=32), server_default='read write', nullable=False))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publishes_names', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('observatory_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('rights_mask', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_observatory_tallies_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatory_tallies'))
    )
    with op.batch_alter_table('observatory_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_observatory_tallies_measure', ['measure', 'month'], unique=False)
        batch_op.create_index('ix_observatory_tallies_org_month', ['organisation_id', 'month'], unique=False)
    op.create_table('observatory_marginals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('filter', sa.String(length=24), nullable=False),
    sa.Column('value', sa.String(length=32), nullable=False),
    sa.Column('group_by', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatory_marginals'))
    )
    with op.batch_alter_table('observatory_marginals', schema=None) as batch_op:
        batch_op.create_index('ix_observatory_marginals_lookup', ['filter', 'value', 'group_by', 'month'], unique=False)
    with op.batch_alter_table('observatory_counts', schema=None) as batch_op:
        batch_op.create_index('ix_observatory_counts_country', ['country', 'sector', 'month'], unique=False)
        batch_op.create_index('ix_observatory_counts_sector', ['sector', 'month'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('claim_members', schema=None) as batch_op:
        batch_op.create_index('ix_claim_members_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('claim_members', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_members_updated_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_updated_at')
    with op.batch_alter_table('observatory_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_observatory_counts_sector')
        batch_op.drop_index('ix_observatory_counts_country')
    with op.batch_alter_table('observatory_marginals', schema=None) as batch_op:
        batch_op.drop_index('ix_observatory_marginals_lookup')
    op.drop_table('observatory_marginals')
    with op.batch_alter_table('observatory_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_observatory_tallies_org_month')
        batch_op.drop_index('ix_observatory_tallies_measure')
    op.drop_table('observatory_tallies')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('publishes_names')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('scopes')
