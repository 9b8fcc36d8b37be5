"""kept forms: what a user posted after their session ended, until they sign in again

Revision ID: 0008_kept_forms
Revises: 0007_timeline_index
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_kept_forms'
down_revision = '0007_timeline_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('kept_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_forms_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_forms')),
    sa.UniqueConstraint('user_id', 'path', name=op.f('uq_kept_forms_user_id'))
    )
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_forms_kept_at'), ['kept_at'], unique=False)


def downgrade():
    with op.batch_alter_table('kept_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_forms_kept_at'))

    op.drop_table('kept_forms')
