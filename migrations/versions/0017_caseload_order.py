"""caseload ordering

Revision ID: 0017_caseload_order
Revises: 0016_consent
Create Date: 2026-11-23

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0017_caseload_order'
down_revision = '0016_consent'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
