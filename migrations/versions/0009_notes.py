"""notes: session and contact notes, addenda, supervision rounds, headings;
draft saves leave the case timeline (its partial index is rebuilt)

Revision ID: 0009_notes
Revises: 0008_kept_forms
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_notes'
down_revision = '0008_kept_forms'
branch_labels = None
depends_on = None


# The same filters as casework.audit.models.ON_TIMELINE, before and after.
OLD_TIMELINE = sa.text("action NOT IN ('view', 'access_denied', 'print', 'export')")
NEW_TIMELINE = sa.text("action NOT IN ('view', 'access_denied', 'print', 'export', 'save_draft')")


def _timeline_index(where):
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_case_timeline')
        batch_op.create_index(
            'ix_audit_events_case_timeline',
            ['case_id', sa.text('occurred_at DESC'), sa.text('id DESC')],
            unique=False,
            postgresql_where=where,
            sqlite_where=where,
        )


def upgrade():
    op.create_table('note_headings',
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('headings', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('group', name=op.f('pk_note_headings'))
    )
    op.create_table('note_supervision',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_note_supervision_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_note_supervision'))
    )
    op.create_table('notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('collateral_name', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('draft_saved_at', sa.DateTime(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('cosigned_by_id', sa.Integer(), nullable=True),
    sa.Column('cosigned_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('returned_comment', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notes_case_id_cases')),
    sa.ForeignKeyConstraint(['cosigned_by_id'], ['users.id'], name=op.f('fk_notes_cosigned_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_notes_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['case_sessions.id'], name=op.f('fk_notes_session_id_case_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes')),
    sa.UniqueConstraint('session_id', name=op.f('uq_notes_session_id'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_author_status', ['author_id', 'status'], unique=False)
        batch_op.create_index('ix_notes_case_occurred', ['case_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_notes_status', ['status'], unique=False)

    op.create_table('note_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_note_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_note_addenda_note_id_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_addenda'))
    )
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_addenda_note_id'), ['note_id'], unique=False)

    op.create_table('note_contacts',
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_note_contacts_contact_id_contacts')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_note_contacts_note_id_notes')),
    sa.PrimaryKeyConstraint('note_id', 'contact_id', name=op.f('pk_note_contacts'))
    )
    op.create_table('note_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_note_rounds_actor_id_users')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_note_rounds_note_id_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_rounds'))
    )
    with op.batch_alter_table('note_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_rounds_note_id'), ['note_id'], unique=False)

    op.create_table('note_staff',
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_note_staff_note_id_notes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_note_staff_user_id_users')),
    sa.PrimaryKeyConstraint('note_id', 'user_id', name=op.f('pk_note_staff'))
    )
    _timeline_index(NEW_TIMELINE)


def downgrade():
    _timeline_index(OLD_TIMELINE)
    op.drop_table('note_staff')
    with op.batch_alter_table('note_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_rounds_note_id'))

    op.drop_table('note_rounds')
    op.drop_table('note_contacts')
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_addenda_note_id'))

    op.drop_table('note_addenda')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_status')
        batch_op.drop_index('ix_notes_case_occurred')
        batch_op.drop_index('ix_notes_author_status')

    op.drop_table('notes')
    op.drop_table('note_supervision')
    op.drop_table('note_headings')
