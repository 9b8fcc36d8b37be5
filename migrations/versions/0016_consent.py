"""consent to disclose (42 CFR Part 2): kinds, consents with their
recipients, and the accounting of disclosures

Revision ID: 0016_consent
Revises: 0015_feeds_and_versions
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_consent'
down_revision = '0015_feeds_and_versions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consent_kinds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('default_purpose', sa.Text(), nullable=False),
        sa.Column('default_scopes', sa.JSON(), nullable=False),
        sa.Column('archived_at', sa.DateTime(), nullable=True),
        sa.Column('archive_reason', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_table(
        'consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind_id', sa.Integer(), nullable=False),
        sa.Column('subject_contact_id', sa.Integer(), nullable=True),
        sa.Column('discloser', sa.String(length=200), nullable=False),
        sa.Column('recipient_class', sa.String(length=200), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('information', sa.Text(), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('expiry_event', sa.String(length=200), nullable=False),
        sa.Column('event_occurred_on', sa.Date(), nullable=True),
        sa.Column('revocation_statement', sa.Text(), nullable=False),
        sa.Column('signed_via', sa.String(length=10), nullable=True),
        sa.Column('signed_name', sa.String(length=120), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('signed_from', sa.String(length=64), nullable=True),
        sa.Column('scan_received_on', sa.Date(), nullable=True),
        sa.Column('signed_recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_user_id', sa.Integer(), nullable=True),
        sa.Column('revocation_note', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['kind_id'], ['consent_kinds.id']),
        sa.ForeignKeyConstraint(['subject_contact_id'], ['contacts.id']),
        sa.ForeignKeyConstraint(['signed_recorded_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['revoked_by_user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_consents_case_subject', 'consents', ['case_id', 'subject_contact_id'])
    op.create_table(
        'consent_recipients',
        sa.Column('consent_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['consent_id'], ['consents.id']),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id']),
        sa.PrimaryKeyConstraint('consent_id', 'contact_id'),
    )
    op.create_table(
        'disclosures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('consent_id', sa.Integer(), nullable=True),
        sa.Column('recipient_contact_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('what', sa.String(length=200), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('by_user_id', sa.Integer(), nullable=True),
        sa.Column('disclosed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['consent_id'], ['consents.id']),
        sa.ForeignKeyConstraint(['recipient_contact_id'], ['contacts.id']),
        sa.ForeignKeyConstraint(['by_user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_disclosures_case_when', 'disclosures', ['case_id', 'disclosed_at'])


def downgrade():
    op.drop_index('ix_disclosures_case_when', table_name='disclosures')
    op.drop_table('disclosures')
    op.drop_table('consent_recipients')
    op.drop_index('ix_consents_case_subject', table_name='consents')
    op.drop_table('consents')
    op.drop_table('consent_kinds')
