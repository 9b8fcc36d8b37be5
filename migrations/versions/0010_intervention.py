"""intervention: the plan and ARISE escalations, the family team, letters and their history,
bottom lines, enabling commitments, placements, the rehearsal checklist and its ticks

Revision ID: 0010_intervention
Revises: 0009_notes
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_intervention'
down_revision = '0009_notes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rehearsal_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rehearsal_items'))
    )
    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('facility', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('bed_held_until', sa.DateTime(), nullable=True),
    sa.Column('insurance_verified_by', sa.String(length=120), nullable=True),
    sa.Column('insurance_verified_on', sa.DateTime(), nullable=True),
    sa.Column('payer', sa.String(length=120), nullable=True),
    sa.Column('authorization_number', sa.String(length=60), nullable=True),
    sa.Column('expected_cost', sa.String(length=120), nullable=True),
    sa.Column('admission_at', sa.DateTime(), nullable=True),
    sa.Column('transport_driver', sa.String(length=120), nullable=True),
    sa.Column('transport_route', sa.String(length=300), nullable=True),
    sa.Column('transport_companion', sa.String(length=120), nullable=True),
    sa.Column('what_to_pack', sa.Text(), nullable=True),
    sa.Column('financial_relationship', sa.String(length=20), nullable=False),
    sa.Column('financial_text', sa.String(length=500), nullable=True),
    sa.Column('chosen', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_placements_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_case_id'), ['case_id'], unique=False)

    op.create_table('rehearsal_ticks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_rehearsal_ticks_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rehearsal_ticks_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['rehearsal_items.id'], name=op.f('fk_rehearsal_ticks_item_id_rehearsal_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rehearsal_ticks')),
    sa.UniqueConstraint('case_id', 'item_id', name=op.f('uq_rehearsal_ticks_case_id'))
    )
    with op.batch_alter_table('rehearsal_ticks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rehearsal_ticks_case_id'), ['case_id'], unique=False)

    op.create_table('team_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('relationship_to_loved_one', sa.String(length=60), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('reading_order', sa.Integer(), nullable=True),
    sa.Column('seat', sa.Integer(), nullable=True),
    sa.Column('attends_rehearsal', sa.Boolean(), nullable=False),
    sa.Column('attends_day', sa.Boolean(), nullable=False),
    sa.Column('staff_notes', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_team_members_case_id_cases')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_team_members_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_members'))
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_case_id'), ['case_id'], unique=False)

    op.create_table('bottom_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['team_members.id'], name=op.f('fk_bottom_lines_member_id_team_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bottom_lines')),
    sa.UniqueConstraint('member_id', name=op.f('uq_bottom_lines_member_id'))
    )
    op.create_table('enabling_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('behaviour', sa.String(length=30), nullable=False),
    sa.Column('own_words', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['team_members.id'], name=op.f('fk_enabling_commitments_member_id_team_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enabling_commitments'))
    )
    with op.batch_alter_table('enabling_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enabling_commitments_member_id'), ['member_id'], unique=False)

    op.create_table('intervention_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('approach', sa.String(length=20), nullable=False),
    sa.Column('approach_other', sa.String(length=200), nullable=True),
    sa.Column('arise_level', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('chair_user_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_at', sa.DateTime(), nullable=True),
    sa.Column('outcome_detail', sa.String(length=500), nullable=True),
    sa.Column('outcome_early_reason', sa.String(length=500), nullable=True),
    sa.Column('admitted_at', sa.DateTime(), nullable=True),
    sa.Column('outcome_placement_id', sa.Integer(), nullable=True),
    sa.Column('outcome_note_id', sa.Integer(), nullable=True),
    sa.Column('pathway', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_intervention_plans_case_id_cases')),
    sa.ForeignKeyConstraint(['chair_user_id'], ['users.id'], name=op.f('fk_intervention_plans_chair_user_id_users')),
    sa.ForeignKeyConstraint(['outcome_note_id'], ['notes.id'], name=op.f('fk_intervention_plans_outcome_note_id_notes')),
    sa.ForeignKeyConstraint(['outcome_placement_id'], ['placements.id'], name=op.f('fk_intervention_plans_outcome_placement_id_placements')),
    sa.ForeignKeyConstraint(['session_id'], ['case_sessions.id'], name=op.f('fk_intervention_plans_session_id_case_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention_plans')),
    sa.UniqueConstraint('case_id', name=op.f('uq_intervention_plans_case_id'))
    )
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('finalized_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['team_members.id'], name=op.f('fk_letters_member_id_team_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    sa.UniqueConstraint('member_id', name=op.f('uq_letters_member_id'))
    )
    op.create_table('arise_escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('from_level', sa.Integer(), nullable=True),
    sa.Column('to_level', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_arise_escalations_by_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['intervention_plans.id'], name=op.f('fk_arise_escalations_plan_id_intervention_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arise_escalations'))
    )
    with op.batch_alter_table('arise_escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arise_escalations_plan_id'), ['plan_id'], unique=False)

    op.create_table('letter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_letter_events_actor_id_users')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_events_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_events'))
    )
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_events_letter_id'), ['letter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_events_letter_id'))

    op.drop_table('letter_events')
    with op.batch_alter_table('arise_escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arise_escalations_plan_id'))

    op.drop_table('arise_escalations')
    op.drop_table('letters')
    op.drop_table('intervention_plans')
    with op.batch_alter_table('enabling_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enabling_commitments_member_id'))

    op.drop_table('enabling_commitments')
    op.drop_table('bottom_lines')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_case_id'))

    op.drop_table('team_members')
    with op.batch_alter_table('rehearsal_ticks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rehearsal_ticks_case_id'))

    op.drop_table('rehearsal_ticks')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_case_id'))

    op.drop_table('placements')
    op.drop_table('rehearsal_items')
