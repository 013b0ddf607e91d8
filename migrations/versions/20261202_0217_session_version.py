"""People's session version: part of every session's id, raised to end every session signed in before
(signing out, a password change or reset). Everybody starts at 1, so sessions from before (whose ids
carry no version) end once, at the upgrade.

Revision ID: daa5cda7e8aa
Revises: 40daf9243329
Create Date: 2026-12-02 02:17:05.448475

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'daa5cda7e8aa'
down_revision = '40daf9243329'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("people", sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    # A plain DROP COLUMN (SQLite has it since 3.35): a batch copy of the table would lose the
    # expression index on lower(email), which SQLite cannot reflect.
    op.drop_column("people", "session_version")
