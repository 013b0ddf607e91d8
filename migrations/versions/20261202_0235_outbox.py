"""The outbox: mail and jobs written in the transaction of the change, handed to Huey after the commit.

Revision ID: 20261202_outbox
Revises: 04c02fb3395d
Create Date: 2026-12-02 02:35:28.968406

"""

import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = "20261202_outbox"
down_revision = "04c02fb3395d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handler", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("created_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", governance.types.UTCDateTime(), nullable=True),
        sa.Column("done_at", governance.types.UTCDateTime(), nullable=True),
        sa.Column("failed_at", governance.types.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_done_at"), ["done_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_next_attempt_at"), ["next_attempt_at"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_done_at"))

    op.drop_table("outbox")
