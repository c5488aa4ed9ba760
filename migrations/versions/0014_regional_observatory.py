"""regional observatory: the installations whose published statistics are combined, and the figures of their last good answer

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('observatory_regional_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_url', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('threshold', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatory_regional_sources')),
    sa.UniqueConstraint('base_url', name=op.f('uq_observatory_regional_sources_base_url'))
    )
    op.create_table('observatory_regional_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('group_by', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('suppressed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['observatory_regional_sources.id'], name=op.f('fk_observatory_regional_figures_source_id_observatory_regional_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatory_regional_figures')),
    sa.UniqueConstraint('source_id', 'group_by', 'key', name=op.f('uq_observatory_regional_figures_source_id'))
    )


def downgrade():
    op.drop_table('observatory_regional_figures')
    op.drop_table('observatory_regional_sources')
