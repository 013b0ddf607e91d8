"""Proposals: the proposal, its addressed networks, revisions, state changes, comments and interest signals.

Revision ID: 9db8375a9a3f
Revises: 567f8f1d4821
Create Date: 2026-11-25 14:55:32.166602

"""

import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = "9db8375a9a3f"
down_revision = "567f8f1d4821"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "discussion",
                "voting",
                "passed",
                "rejected",
                "failed_quorum",
                "pledging",
                "committed",
                "lapsed",
                "agreement",
                "signed",
                "withdrawn",
                name="proposal_state",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "shared_service",
                "joint_venture",
                "partnership",
                "learning",
                "policy",
                name="proposal_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("monthly_revenue_minor", sa.BigInteger(), nullable=True),
        sa.Column("monthly_costs_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("hours_per_month", sa.Integer(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("term_months", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("state_changed_at", governance.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("hours_per_month >= 0", name=op.f("ck_proposals_hours_not_negative")),
        sa.CheckConstraint("monthly_costs_minor >= 0", name=op.f("ck_proposals_costs_not_negative")),
        sa.CheckConstraint("monthly_revenue_minor >= 0", name=op.f("ck_proposals_revenue_not_negative")),
        sa.CheckConstraint("seats >= 0", name=op.f("ck_proposals_seats_not_negative")),
        sa.CheckConstraint("term_months >= 0", name=op.f("ck_proposals_term_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_proposals_created_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposals_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposals_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposals_state"), ["state"], unique=False)

    op.create_table(
        "proposal_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("edited_at", governance.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_proposal_comments_author_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["proposal_comments.id"],
            name=op.f("fk_proposal_comments_parent_id_proposal_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_comments_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_comments")),
    )
    with op.batch_alter_table("proposal_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_comments_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_comments_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_comments_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_interests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "interested",
                "not_interested",
                "undecided",
                name="interest_stance",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", governance.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_proposal_interests_coop_id_coops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_proposal_interests_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_interests_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_interests")),
        sa.UniqueConstraint("proposal_id", "coop_id", name=op.f("uq_proposal_interests_proposal_id_coop_id")),
    )
    with op.batch_alter_table("proposal_interests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_interests_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_interests_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_networks",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_proposal_networks_network_id_networks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_networks_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "network_id", name=op.f("pk_proposal_networks")),
    )
    with op.batch_alter_table("proposal_networks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_networks_network_id"), ["network_id"], unique=False)

    op.create_table(
        "proposal_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "shared_service",
                "joint_venture",
                "partnership",
                "learning",
                "policy",
                name="proposal_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", governance.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_proposal_revisions_author_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_revisions_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_revisions")),
        sa.UniqueConstraint("proposal_id", "number", name=op.f("uq_proposal_revisions_proposal_id_number")),
    )
    with op.batch_alter_table("proposal_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_revisions_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_revisions_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column(
            "transition",
            sa.Enum(
                "open_discussion",
                "open_vote",
                "pass",
                "reject",
                "fail_quorum",
                "open_pledging",
                "commit",
                "lapse",
                "prepare_agreement",
                "sign",
                "withdraw",
                name="proposal_transition",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "from_state",
            sa.Enum(
                "draft",
                "discussion",
                "voting",
                "passed",
                "rejected",
                "failed_quorum",
                "pledging",
                "committed",
                "lapsed",
                "agreement",
                "signed",
                "withdrawn",
                name="proposal_state",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "draft",
                "discussion",
                "voting",
                "passed",
                "rejected",
                "failed_quorum",
                "pledging",
                "committed",
                "lapsed",
                "agreement",
                "signed",
                "withdrawn",
                name="proposal_state",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["people.id"],
            name=op.f("fk_proposal_state_changes_actor_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_state_changes_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_state_changes")),
    )
    with op.batch_alter_table("proposal_state_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_state_changes_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_proposal_state_changes_proposal_id"), ["proposal_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("proposal_state_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_state_changes_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_state_changes_actor_id"))

    op.drop_table("proposal_state_changes")
    with op.batch_alter_table("proposal_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_revisions_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_revisions_author_id"))

    op.drop_table("proposal_revisions")
    with op.batch_alter_table("proposal_networks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_networks_network_id"))

    op.drop_table("proposal_networks")
    with op.batch_alter_table("proposal_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_interests_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_interests_coop_id"))

    op.drop_table("proposal_interests")
    with op.batch_alter_table("proposal_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_comments_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_comments_parent_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_comments_author_id"))

    op.drop_table("proposal_comments")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposals_state"))
        batch_op.drop_index(batch_op.f("ix_proposals_kind"))
        batch_op.drop_index(batch_op.f("ix_proposals_created_by_id"))

    op.drop_table("proposals")
