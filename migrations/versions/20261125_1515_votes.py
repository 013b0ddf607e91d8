"""Votes: the vote on a proposal, its frozen electorate, the co-ops' ballots (history kept) and proxies.

The database holds at most one current ballot per co-op and vote, and one active proxy per co-op and
vote: partial unique indexes, on SQLite and on PostgreSQL alike.

Revision ID: 40daf9243329
Revises: 9db8375a9a3f
Create Date: 2026-11-25 15:15:16.535141

"""

import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = "40daf9243329"
down_revision = "9db8375a9a3f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                "consent",
                "yes_no",
                "irv",
                "stv",
                "meek",
                "approval",
                "score",
                name="vote_method",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("opens_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("closes_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("quorum_percent", sa.Integer(), nullable=True),
        sa.Column(
            "quorum_by",
            sa.Enum("count", "weight", name="vote_quorum_by", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "threshold",
            sa.Enum(
                "majority",
                "two_thirds",
                "three_quarters",
                name="vote_threshold",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "base",
            sa.Enum(
                "cast", "cast_with_abstentions", "electorate", name="vote_base", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "secrecy",
            sa.Enum("open", "secret", name="vote_secrecy", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "results_shown",
            sa.Enum("live", "after_close", name="vote_results_shown", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "tie_kind",
            sa.Enum(
                "earlier_rounds_then_random", "casting", name="vote_tie_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("tie_seed", sa.String(length=64), nullable=False),
        sa.Column("casting_order", sa.JSON(), nullable=False),
        sa.Column(
            "yes_no_tie",
            sa.Enum("fail", "pass", "casting", name="vote_yes_no_tie", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column(
            "yes_no_casting",
            sa.Enum("yes", "no", "abstain", name="vote_yes_no_casting", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("score_max", sa.Integer(), nullable=False),
        sa.Column(
            "weighting",
            sa.Enum(
                "equal", "worker_members", "set_by_admin", name="vote_weighting", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("closed_at", governance.types.UTCDateTime(), nullable=True),
        sa.Column("counted_at", governance.types.UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_votes_closes_after_opening")),
        sa.CheckConstraint(
            "quorum_percent IS NULL OR (quorum_percent > 0 AND quorum_percent <= 100)",
            name=op.f("ck_votes_quorum_is_a_percentage"),
        ),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_votes_at_least_one_seat")),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_votes_opened_by_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_votes_proposal_id_proposals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["proposal_revisions.id"],
            name=op.f("fk_votes_revision_id_proposal_revisions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_votes_proposal_id")),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_votes_closes_at"), ["closes_at"], unique=False)

    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=True),
        sa.Column("proxy_coop_id", sa.Integer(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("choice", sa.JSON(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column("cast_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("replaced_at", governance.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cast_by_id"], ["people.id"], name=op.f("fk_ballots_cast_by_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_ballots_coop_id_coops"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["proxy_coop_id"], ["coops.id"], name=op.f("fk_ballots_proxy_coop_id_coops"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["proposal_revisions.id"],
            name=op.f("fk_ballots_revision_id_proposal_revisions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["votes.id"], name=op.f("fk_ballots_vote_id_votes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint("receipt", name=op.f("uq_ballots_receipt")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballots_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ballots_vote_id"), ["vote_id"], unique=False)
        batch_op.create_index(
            "uq_ballots_one_current_per_coop",
            ["vote_id", "coop_id"],
            unique=True,
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        )

    op.create_table(
        "vote_electors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.CheckConstraint("weight > 0", name=op.f("ck_vote_electors_weight_positive")),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_vote_electors_coop_id_coops"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["votes.id"], name=op.f("fk_vote_electors_vote_id_votes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_electors")),
        sa.UniqueConstraint("vote_id", "coop_id", name=op.f("uq_vote_electors_vote_id_coop_id")),
    )
    with op.batch_alter_table("vote_electors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_electors_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_electors_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "vote_proxies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("coop_id", sa.Integer(), nullable=False),
        sa.Column("proxy_coop_id", sa.Integer(), nullable=False),
        sa.Column("named_by_id", sa.Integer(), nullable=True),
        sa.Column("named_at", governance.types.UTCDateTime(), nullable=False),
        sa.Column("ended_at", governance.types.UTCDateTime(), nullable=True),
        sa.Column(
            "end_reason",
            sa.Enum("revoked", "voided", "replaced", name="vote_proxy_end", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("coop_id <> proxy_coop_id", name=op.f("ck_vote_proxies_not_its_own_proxy")),
        sa.ForeignKeyConstraint(
            ["coop_id"], ["coops.id"], name=op.f("fk_vote_proxies_coop_id_coops"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["people.id"],
            name=op.f("fk_vote_proxies_ended_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["named_by_id"],
            ["people.id"],
            name=op.f("fk_vote_proxies_named_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proxy_coop_id"],
            ["coops.id"],
            name=op.f("fk_vote_proxies_proxy_coop_id_coops"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["votes.id"], name=op.f("fk_vote_proxies_vote_id_votes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_proxies")),
    )
    with op.batch_alter_table("vote_proxies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_proxies_coop_id"), ["coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_proxies_proxy_coop_id"), ["proxy_coop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vote_proxies_vote_id"), ["vote_id"], unique=False)
        batch_op.create_index(
            "uq_vote_proxies_one_active_per_coop",
            ["vote_id", "coop_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("vote_proxies", schema=None) as batch_op:
        batch_op.drop_index("uq_vote_proxies_one_active_per_coop")
        batch_op.drop_index(batch_op.f("ix_vote_proxies_vote_id"))
        batch_op.drop_index(batch_op.f("ix_vote_proxies_proxy_coop_id"))
        batch_op.drop_index(batch_op.f("ix_vote_proxies_coop_id"))

    op.drop_table("vote_proxies")
    with op.batch_alter_table("vote_electors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_electors_vote_id"))
        batch_op.drop_index(batch_op.f("ix_vote_electors_coop_id"))

    op.drop_table("vote_electors")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index("uq_ballots_one_current_per_coop")
        batch_op.drop_index(batch_op.f("ix_ballots_vote_id"))
        batch_op.drop_index(batch_op.f("ix_ballots_coop_id"))

    op.drop_table("ballots")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_closes_at"))

    op.drop_table("votes")
