"""consent to disclose (42 CFR Part 2)

Revision ID: 0016_consent
Revises: 0015_feeds_and_versions
Create Date: 2026-11-23

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0016_consent'
down_revision = '0015_feeds_and_versions'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
