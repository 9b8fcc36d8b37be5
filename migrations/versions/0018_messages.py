"""secure messages between a family member and staff

Revision ID: 0018_messages
Revises: 0017_caseload_order
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op

revision = '0018_messages'
down_revision = '0017_caseload_order'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_threads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_message_threads_case_id_cases')),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_message_threads_contact_id_contacts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads')),
        sa.UniqueConstraint('contact_id', name=op.f('uq_message_threads_contact_id')),
    )
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_threads_case_id'), ['case_id'], unique=False)

    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('from_family', sa.Boolean(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_messages_case_id_cases')),
        sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'], name=op.f('fk_messages_thread_id_message_threads')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index('ix_messages_unread', ['case_id', 'from_family', 'read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_unread')
        batch_op.drop_index(batch_op.f('ix_messages_thread_id'))
    op.drop_table('messages')
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_threads_case_id'))
    op.drop_table('message_threads')
