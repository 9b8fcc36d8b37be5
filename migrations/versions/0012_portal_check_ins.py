"""portal check-ins: the family member's own words about the loved one, and
one check-in per member per follow-up

Revision ID: 0012_portal_check_ins
Revises: 0011_aftercare
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_portal_check_ins'
down_revision = '0011_aftercare'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('loved_one_words', sa.String(length=500), nullable=True))
        batch_op.create_index(
            'uq_check_ins_reported_by_due', ['reported_by_contact_id', 'due_on'], unique=True
        )


def downgrade():
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('uq_check_ins_reported_by_due')
        batch_op.drop_column('loved_one_words')
