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

    # Accounts that exist are confirmed: they were made before any request.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('clinical_pending', sa.Boolean(), nullable=False, server_default=sa.false())
        )

    op.create_table('access_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('also_supervisor', sa.Boolean(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_access_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_access_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_requests'))
    )
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_requests_decision'), ['decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_user_id'), ['user_id'], unique=False)

    op.create_table('break_glass_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_break_glass_grants_case_id_cases')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_break_glass_grants_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_break_glass_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_break_glass_grants'))
    )
    with op.batch_alter_table('break_glass_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_break_glass_grants_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_break_glass_grants_reviewed_at'), ['reviewed_at'], unique=False)
        batch_op.create_index('ix_break_glass_grants_user_id_expires_at', ['user_id', 'expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('break_glass_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_break_glass_grants_user_id_expires_at')
        batch_op.drop_index(batch_op.f('ix_break_glass_grants_reviewed_at'))
        batch_op.drop_index(batch_op.f('ix_break_glass_grants_case_id'))

    op.drop_table('break_glass_grants')

    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_requests_decision'))

    op.drop_table('access_requests')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('clinical_pending')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('cases_shown')
        batch_op.drop_column('reason')
