"""access review: break-glass access and clinical access grants

Revision ID: 0014_access_review
Revises: 0013_sign_in_security
Create Date: 2026-11-23

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0014_access_review'
down_revision = '0013_sign_in_security'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
