"""case hub: stored caseload order (phase and urgency ranks, safety alert), safety reviews

Revision ID: 0006_case_hub
Revises: 0005_education
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_case_hub'
down_revision = '0005_education'
branch_labels = None
depends_on = None

QUEUE = ['status', 'phase_rank', 'urgency_rank', 'phase_entered_at', 'id']


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety_alert', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('phase_rank', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('urgency_rank', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('search_key', sa.String(length=240), nullable=False, server_default=''))
    # Fill the ranks of the cases already there (the ORM keeps them from now on).
    op.execute(
        "UPDATE cases SET phase_rank = CASE phase WHEN 'scheduling' THEN 0 WHEN 'assessment' THEN 1 "
        "WHEN 'education' THEN 2 WHEN 'intervention' THEN 3 WHEN 'aftercare' THEN 4 ELSE 5 END, "
        "urgency_rank = CASE urgency WHEN 'urgent' THEN 1 WHEN 'soon' THEN 2 ELSE 3 END, "
        "search_key = lower(loved_one_name || coalesce(' ' || nullif(preferred_name, ''), '') "
        "|| ' ' || reference)"
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('safety_alert', server_default=None)
        batch_op.alter_column('phase_rank', server_default=None)
        batch_op.alter_column('urgency_rank', server_default=None)
        batch_op.alter_column('search_key', server_default=None)
        batch_op.drop_index('ix_cases_interventionist_id_status')
        batch_op.create_index('ix_cases_queue', QUEUE, unique=False)
        batch_op.create_index('ix_cases_lead_queue', ['interventionist_id', *QUEUE], unique=False)
        batch_op.create_index('ix_cases_co_queue', ['co_interventionist_id', *QUEUE], unique=False)
        batch_op.create_index(
            'ix_cases_safety_queue', ['status', 'safety_alert', *QUEUE[1:]], unique=False
        )
    if op.get_bind().dialect.name == 'postgresql':
        # Caseload search matches anywhere in a name: a trigram index answers it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index(
            'ix_cases_search_key_trgm', 'cases', ['search_key'], unique=False,
            postgresql_using='gin', postgresql_ops={'search_key': 'gin_trgm_ops'},
        )
    op.create_table('safety_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_safety_reviews_case_id_cases')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_safety_reviews_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_reviews'))
    )
    with op.batch_alter_table('safety_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_reviews_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('safety_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_reviews_case_id'))
    op.drop_table('safety_reviews')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cases_search_key_trgm', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_safety_queue')
        batch_op.drop_index('ix_cases_co_queue')
        batch_op.drop_index('ix_cases_lead_queue')
        batch_op.drop_index('ix_cases_queue')
        batch_op.create_index('ix_cases_interventionist_id_status', ['interventionist_id', 'status'], unique=False)
        batch_op.drop_column('search_key')
        batch_op.drop_column('urgency_rank')
        batch_op.drop_column('phase_rank')
        batch_op.drop_column('safety_alert')
