"""published narratives

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 07:20:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_narratives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('scrub_report', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('rights_dimensions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('filer_type', sa.String(length=32), nullable=True),
    sa.Column('prepared_by_id', sa.Integer(), nullable=True),
    sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('taken_down_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('take_down_reason', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_published_narratives_case_id_cases')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_published_narratives_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_published_narratives_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['users.id'], name=op.f('fk_published_narratives_prepared_by_id_users')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_published_narratives_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_narratives')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_published_narratives_complaint_id'))
    )
    with op.batch_alter_table('published_narratives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_narratives_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_narratives_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_published_narratives_public', ['state', 'published_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('published_narratives', schema=None) as batch_op:
        batch_op.drop_index('ix_published_narratives_public')
        batch_op.drop_index(batch_op.f('ix_published_narratives_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_published_narratives_case_id'))

    op.drop_table('published_narratives')
