"""timeline index: a case's story newest first, without reads, prints and exports

Revision ID: 0007_timeline_index
Revises: 0006_case_hub
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_timeline_index'
down_revision = '0006_case_hub'
branch_labels = None
depends_on = None

# The same filter as casework.audit.models.ON_TIMELINE (the timeline query's).
ON_TIMELINE = sa.text("action NOT IN ('view', 'access_denied', 'print', 'export')")


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(
            'ix_audit_events_case_timeline',
            ['case_id', sa.text('occurred_at DESC'), sa.text('id DESC')],
            unique=False,
            postgresql_where=ON_TIMELINE,
            sqlite_where=ON_TIMELINE,
        )


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_case_timeline')
