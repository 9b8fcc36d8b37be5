"""calendar feeds stored hashed, version checks on assignment

Revision ID: 0015_feeds_and_versions
Revises: 0014_access_review
Create Date: 2026-11-23

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0015_feeds_and_versions'
down_revision = '0014_access_review'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
