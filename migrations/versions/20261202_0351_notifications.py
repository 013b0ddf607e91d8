"""Notifications: what each person was told (one row per person and key, so nothing is sent twice),
their choices per kind, the digests sent, secret calendar feeds, and networks' chat connections with
the messages queued for them.

Revision ID: 03ef8c443125
Revises: 60b6b6164976
Create Date: 2026-12-02 02:27:28.372422

"""
import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = '03ef8c443125'
down_revision = '60b6b6164976'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('last_read_at', governance.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_calendar_feeds_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_person_id'), ['person_id'], unique=False)

    op.create_table('chat_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('url_encrypted', sa.Text(), nullable=False),
    sa.Column('url_hint', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('removed_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('last_ok_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('failing_since', governance.types.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_chat_connections_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_chat_connections_network_id_networks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_connections'))
    )
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_connections_network_id'), ['network_id'], unique=False)

    op.create_table('notification_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('sent_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_notification_digests_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digests')),
    sa.UniqueConstraint('person_id', 'local_date', name=op.f('uq_notification_digests_person_id_local_date'))
    )
    with op.batch_alter_table('notification_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_digests_person_id'), ['person_id'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('proposal_discussion', 'vote_opened', 'vote_closing', 'vote_reminder', 'vote_extended', 'vote_result', 'campaign_opened', 'campaign_closing', 'campaign_committed', 'campaign_lapsed', 'agreement_to_sign', 'agreement_reminder', 'agreement_issued', 'meeting_proposed', 'meeting_confirmed', 'meeting_soon', 'meeting_cancelled', 'meeting_notes', name='notification_kind', native_enum=False, length=32), nullable=False),
    sa.Column('delivery', sa.Enum('immediate', 'digest', 'off', name='notification_delivery', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_notification_preferences_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('person_id', 'kind', name=op.f('uq_notification_preferences_person_id_kind'))
    )
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preferences_person_id'), ['person_id'], unique=False)

    op.create_table('chat_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='chat_status', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', governance.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['chat_connections.id'], name=op.f('fk_chat_deliveries_connection_id_chat_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_deliveries')),
    sa.UniqueConstraint('connection_id', 'key', name=op.f('uq_chat_deliveries_connection_id_key'))
    )
    with op.batch_alter_table('chat_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_deliveries_connection_id'), ['connection_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('proposal_discussion', 'vote_opened', 'vote_closing', 'vote_reminder', 'vote_extended', 'vote_result', 'campaign_opened', 'campaign_closing', 'campaign_committed', 'campaign_lapsed', 'agreement_to_sign', 'agreement_reminder', 'agreement_issued', 'meeting_proposed', 'meeting_confirmed', 'meeting_soon', 'meeting_cancelled', 'meeting_notes', name='notification_kind', native_enum=False, length=32), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('headline', sa.String(length=300), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('delivery', sa.Enum('immediate', 'digest', 'off', name='notification_delivery', native_enum=False, length=32), nullable=False),
    sa.Column('emailed_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('read_at', governance.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_notifications_event_id_audit_events'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_notifications_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('person_id', 'key', name=op.f('uq_notifications_person_id_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_person_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_created_at'))

    op.drop_table('notifications')
    with op.batch_alter_table('chat_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_deliveries_connection_id'))

    op.drop_table('chat_deliveries')
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preferences_person_id'))

    op.drop_table('notification_preferences')
    with op.batch_alter_table('notification_digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_digests_person_id'))

    op.drop_table('notification_digests')
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_connections_network_id'))

    op.drop_table('chat_connections')
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_person_id'))

    op.drop_table('calendar_feeds')
