"""sign-in security: throttling and two-factor sign-in

Revision ID: 0013_sign_in_security
Revises: 0012_portal_check_ins
Create Date: 2026-11-23

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0013_sign_in_security'
down_revision = '0012_portal_check_ins'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
