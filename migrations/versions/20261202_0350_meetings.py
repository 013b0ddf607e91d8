"""Meetings: round-tables proposed to networks, their candidate times, the co-ops' and people's
answers, the agenda and moved proposals; each co-op's working hours.

Revision ID: 60b6b6164976
Revises: 3bd31e694ce4
Create Date: 2026-12-02 02:16:16.307747

"""
import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = '60b6b6164976'
down_revision = '3bd31e694ce4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coop_working_hours',
    sa.Column('coop_id', sa.Integer(), nullable=False),
    sa.Column('start_hour', sa.Integer(), nullable=False),
    sa.Column('end_hour', sa.Integer(), nullable=False),
    sa.CheckConstraint('start_hour >= 0 AND start_hour < end_hour AND end_hour <= 24', name=op.f('ck_coop_working_hours_hours_in_a_day')),
    sa.ForeignKeyConstraint(['coop_id'], ['coops.id'], name=op.f('fk_coop_working_hours_coop_id_coops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coop_id', name=op.f('pk_coop_working_hours'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.Enum('business_development', 'learning', 'joint_ventures', 'general', name='meeting_topic', native_enum=False, length=32), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'confirmed', 'cancelled', name='meeting_state', native_enum=False, length=32), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('notes_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('notes_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('duration_minutes > 0 AND duration_minutes <= 480', name=op.f('ck_meetings_duration_in_range')),
    sa.ForeignKeyConstraint(['notes_by_id'], ['people.id'], name=op.f('fk_meetings_notes_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_meetings_proposed_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    op.create_table('meeting_agenda',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_agenda_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_meeting_agenda_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'proposal_id', name=op.f('pk_meeting_agenda'))
    )
    with op.batch_alter_table('meeting_agenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('meeting_moved',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_moved_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_meeting_moved_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'proposal_id', name=op.f('pk_meeting_moved'))
    )
    with op.batch_alter_table('meeting_moved', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_moved_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('meeting_networks',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_networks_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meeting_networks_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('meeting_id', 'network_id', name=op.f('pk_meeting_networks'))
    )
    with op.batch_alter_table('meeting_networks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_networks_network_id'), ['network_id'], unique=False)

    op.create_table('meeting_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('is_confirmed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_slots_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_slots')),
    sa.UniqueConstraint('meeting_id', 'starts_at', name=op.f('uq_meeting_slots_meeting_id_starts_at'))
    )
    with op.batch_alter_table('meeting_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_slots_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_coop_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('coop_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('yes', 'if_need_be', 'no', name='meeting_answer', native_enum=False, length=32), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', governance.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['people.id'], name=op.f('fk_meeting_coop_answers_answered_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['coop_id'], ['coops.id'], name=op.f('fk_meeting_coop_answers_coop_id_coops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['meeting_slots.id'], name=op.f('fk_meeting_coop_answers_slot_id_meeting_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_coop_answers')),
    sa.UniqueConstraint('slot_id', 'coop_id', name=op.f('uq_meeting_coop_answers_slot_id_coop_id'))
    )
    with op.batch_alter_table('meeting_coop_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_coop_answers_coop_id'), ['coop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_coop_answers_slot_id'), ['slot_id'], unique=False)

    op.create_table('meeting_person_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('yes', 'if_need_be', 'no', name='meeting_answer', native_enum=False, length=32), nullable=False),
    sa.Column('answered_at', governance.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_meeting_person_answers_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['meeting_slots.id'], name=op.f('fk_meeting_person_answers_slot_id_meeting_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_person_answers')),
    sa.UniqueConstraint('slot_id', 'person_id', name=op.f('uq_meeting_person_answers_slot_id_person_id'))
    )
    with op.batch_alter_table('meeting_person_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_person_answers_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_person_answers_slot_id'), ['slot_id'], unique=False)



def downgrade():
    with op.batch_alter_table('meeting_person_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_person_answers_slot_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_person_answers_person_id'))

    op.drop_table('meeting_person_answers')
    with op.batch_alter_table('meeting_coop_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_coop_answers_slot_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_coop_answers_coop_id'))

    op.drop_table('meeting_coop_answers')
    with op.batch_alter_table('meeting_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_slots_meeting_id'))

    op.drop_table('meeting_slots')
    with op.batch_alter_table('meeting_networks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_networks_network_id'))

    op.drop_table('meeting_networks')
    with op.batch_alter_table('meeting_moved', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_moved_proposal_id'))

    op.drop_table('meeting_moved')
    with op.batch_alter_table('meeting_agenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_agenda_proposal_id'))

    op.drop_table('meeting_agenda')
    op.drop_table('meetings')
    op.drop_table('coop_working_hours')
