"""The events that change who may cast a co-op's ballot (a delegate added, a role changed, an invitation
accepted) get an index of their own times: a vote's page lists those since the vote opened, and the planner,
reading every event since then by time, went through a scale world's 130,000 ballots to find none (58 ms;
with this index, a fraction of one).

Revision ID: 3b7d2f9e4a18
Revises: 5e0c8a7d61f2
Create Date: 2026-12-04 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '3b7d2f9e4a18'
down_revision = '5e0c8a7d61f2'
branch_labels = None
depends_on = None

DELEGATE_CHANGES = "action IN ('coop.role_changed', 'coop.member_added', 'invitation.accepted')"


def upgrade():
    # A plain index operation, not a batch: on SQLite a batch may copy the table, and the copy would lose
    # the triggers that keep the log append-only.
    op.create_index(
        'ix_audit_events_delegate_changes_at',
        'audit_events',
        ['at'],
        unique=False,
        postgresql_where=sa.text(DELEGATE_CHANGES),
        sqlite_where=sa.text(DELEGATE_CHANGES),
    )


def downgrade():
    op.drop_index('ix_audit_events_delegate_changes_at', table_name='audit_events')
