"""The voting loop: a ballot's reason, a vote's extensions, last reminder and outcome statement, a deleted
comment's mark, a cancelled invitation's mark. Plain added columns (no table rebuild on SQLite).

Revision ID: 7c1e5a9d0b42
Revises: c116c3a175bc
Create Date: 2026-12-02 02:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = '7c1e5a9d0b42'
down_revision = 'c116c3a175bc'
branch_labels = None
depends_on = None

COLUMNS = [  # (table, column, type), each nullable
    ('ballots', 'reason', lambda: sa.String(length=1000)),
    ('votes', 'extensions', sa.JSON),
    ('votes', 'reminded_at', governance.types.UTCDateTime),
    ('votes', 'outcome_statement', sa.Text),
    ('votes', 'outcome_written_at', governance.types.UTCDateTime),
    ('votes', 'outcome_written_by', lambda: sa.String(length=200)),
    ('proposal_comments', 'deleted_at', governance.types.UTCDateTime),
    ('invitations', 'cancelled_at', governance.types.UTCDateTime),
]


def upgrade():
    for table, name, kind in COLUMNS:
        op.add_column(table, sa.Column(name, kind(), nullable=True))


def downgrade():
    for table, name, _ in reversed(COLUMNS):
        op.drop_column(table, name)
