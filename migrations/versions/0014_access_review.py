"""access review: break-glass access and clinical access grants

Audit events keep the user's reason apart from the summary, and the case
references a list page showed; clinical access given from the web waits for
a supervisor (access_requests, users.clinical_pending); break-glass grants.

Revision ID: 0014_access_review
Revises: 0013_sign_in_security
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_access_review'
down_revision = '0013_sign_in_security'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('cases_shown', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('cases_shown')
        batch_op.drop_column('reason')
