"""aftercare: follow-up pathways and their changes, check-ins and how each family member was,
family supports, and risk flags raised outside the assessment

Revision ID: 0011_aftercare
Revises: 0010_intervention
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_aftercare'
down_revision = '0010_intervention'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pathway_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('pathway', sa.String(length=30), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_pathway_changes_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_pathway_changes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_changes'))
    )
    with op.batch_alter_table('pathway_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pathway_changes_case_id'), ['case_id'], unique=False)

    op.create_table('raised_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_raised_flags_case_id_cases')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_raised_flags_raised_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raised_flags'))
    )
    with op.batch_alter_table('raised_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raised_flags_case_id'), ['case_id'], unique=False)

    op.create_table('family_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_family_supports_case_id_cases')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_family_supports_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_supports'))
    )
    with op.batch_alter_table('family_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_supports_case_id'), ['case_id'], unique=False)

    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reached', sa.JSON(), nullable=False),
    sa.Column('loved_one_status', sa.String(length=30), nullable=True),
    sa.Column('days_since_use', sa.Integer(), nullable=True),
    sa.Column('returned_to_use', sa.Boolean(), nullable=False),
    sa.Column('return_detail', sa.String(length=1000), nullable=True),
    sa.Column('medication', sa.String(length=300), nullable=True),
    sa.Column('meetings', sa.String(length=300), nullable=True),
    sa.Column('work_and_housing', sa.String(length=500), nullable=True),
    sa.Column('new_safety_concern', sa.String(length=30), nullable=True),
    sa.Column('note_id', sa.Integer(), nullable=True),
    sa.Column('family_reported', sa.Boolean(), nullable=False),
    sa.Column('family_needs', sa.Text(), nullable=True),
    sa.Column('reported_by_contact_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_check_ins_case_id_cases')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_check_ins_note_id_notes')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_check_ins_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['reported_by_contact_id'], ['contacts.id'], name=op.f('fk_check_ins_reported_by_contact_id_contacts')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_check_ins_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_check_ins_case_held', ['case_id', 'held_on'], unique=False)

    op.create_table('member_check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_in_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('wellbeing', sa.String(length=500), nullable=True),
    sa.Column('commitments', sa.String(length=10), nullable=True),
    sa.Column('supports_attended', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['check_in_id'], ['check_ins.id'], name=op.f('fk_member_check_ins_check_in_id_check_ins')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_member_check_ins_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_check_ins'))
    )
    with op.batch_alter_table('member_check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_check_ins_check_in_id'), ['check_in_id'], unique=False)



def downgrade():
    with op.batch_alter_table('member_check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_check_ins_check_in_id'))

    op.drop_table('member_check_ins')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_case_held')

    op.drop_table('check_ins')
    with op.batch_alter_table('family_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_supports_case_id'))

    op.drop_table('family_supports')
    with op.batch_alter_table('raised_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raised_flags_case_id'))

    op.drop_table('raised_flags')
    with op.batch_alter_table('pathway_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pathway_changes_case_id'))

    op.drop_table('pathway_changes')
