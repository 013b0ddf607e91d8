"""Pledge campaigns: a proposal's campaign, its fixed exchange rates, the co-ops' pledges (history kept)
and, once it commits, each party's fixed contribution.

The database holds at most one current pledge per co-op and campaign (a partial unique index, on SQLite
and PostgreSQL alike), one campaign per proposal and one contribution per co-op and campaign.

Revision ID: 04c02fb3395d
Revises: daa5cda7e8aa
Create Date: 2026-12-02 02:15:59.567770

"""
import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = '04c02fb3395d'
down_revision = 'daa5cda7e8aa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'committed', 'lapsed', name='campaign_state', native_enum=False, length=32), nullable=False),
    sa.Column('base_currency', sa.String(length=3), nullable=False),
    sa.Column('target_money_minor', sa.BigInteger(), nullable=True),
    sa.Column('target_hours', sa.Integer(), nullable=True),
    sa.Column('target_seats', sa.JSON(), nullable=False),
    sa.Column('min_coops', sa.Integer(), nullable=True),
    sa.Column('min_networks', sa.Integer(), nullable=True),
    sa.Column('min_countries', sa.Integer(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('deadline_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('is_during_vote', sa.Boolean(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('first_deadline_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('extended_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('extended_by_id', sa.Integer(), nullable=True),
    sa.Column('extension_reason', sa.String(length=1000), nullable=False),
    sa.Column('settled_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('committed_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('lapsed_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.CheckConstraint('min_coops IS NULL OR min_coops > 0', name=op.f('ck_campaigns_min_coops_positive')),
    sa.CheckConstraint('min_countries IS NULL OR min_countries > 0', name=op.f('ck_campaigns_min_countries_positive')),
    sa.CheckConstraint('min_networks IS NULL OR min_networks > 0', name=op.f('ck_campaigns_min_networks_positive')),
    sa.CheckConstraint('notice_days >= 0', name=op.f('ck_campaigns_notice_not_negative')),
    sa.CheckConstraint('target_hours IS NULL OR target_hours > 0', name=op.f('ck_campaigns_hours_target_positive')),
    sa.CheckConstraint('target_money_minor IS NULL OR target_money_minor > 0', name=op.f('ck_campaigns_money_target_positive')),
    sa.CheckConstraint('term_months > 0', name=op.f('ck_campaigns_term_positive')),
    sa.ForeignKeyConstraint(['extended_by_id'], ['people.id'], name=op.f('fk_campaigns_extended_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['people.id'], name=op.f('fk_campaigns_opened_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_campaigns_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['settled_by_id'], ['people.id'], name=op.f('fk_campaigns_settled_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_campaigns_proposal_id'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_state'), ['state'], unique=False)

    op.create_table('campaign_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate_text', sa.String(length=40), nullable=False),
    sa.Column('as_of', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_rates_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_rates')),
    sa.UniqueConstraint('campaign_id', 'currency', name=op.f('uq_campaign_rates_campaign_id_currency'))
    )
    with op.batch_alter_table('campaign_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_rates_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('coop_id', sa.Integer(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('money_minor', sa.BigInteger(), nullable=False),
    sa.Column('base_minor', sa.BigInteger(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('seats', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('min_coops', sa.Integer(), nullable=True),
    sa.Column('min_money_minor', sa.BigInteger(), nullable=True),
    sa.Column('made_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('ended_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.Enum('replaced', 'withdrawn', name='pledge_end', native_enum=False, length=32), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('base_minor >= 0', name=op.f('ck_pledges_base_not_negative')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_pledges_hours_not_negative')),
    sa.CheckConstraint('min_coops IS NULL OR min_coops > 0', name=op.f('ck_pledges_condition_coops_positive')),
    sa.CheckConstraint('min_money_minor IS NULL OR min_money_minor > 0', name=op.f('ck_pledges_condition_money_positive')),
    sa.CheckConstraint('money_minor >= 0', name=op.f('ck_pledges_money_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_pledges_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coop_id'], ['coops.id'], name=op.f('fk_pledges_coop_id_coops'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['people.id'], name=op.f('fk_pledges_ended_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['made_by_id'], ['people.id'], name=op.f('fk_pledges_made_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledges'))
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_coop_id'), ['coop_id'], unique=False)
        batch_op.create_index('uq_pledges_one_current_per_coop', ['campaign_id', 'coop_id'], unique=True, sqlite_where=sa.text('is_current = 1'), postgresql_where=sa.text('is_current'))

    op.create_table('campaign_contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('coop_id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('money_minor', sa.BigInteger(), nullable=False),
    sa.Column('base_minor', sa.BigInteger(), nullable=False),
    sa.Column('rate_text', sa.String(length=40), nullable=False),
    sa.Column('rate_as_of', sa.String(length=10), nullable=False),
    sa.Column('rate_source', sa.String(length=300), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('seats', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('fixed_at', governance.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('base_minor >= 0', name=op.f('ck_campaign_contributions_base_not_negative')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_campaign_contributions_hours_not_negative')),
    sa.CheckConstraint('money_minor >= 0', name=op.f('ck_campaign_contributions_money_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_contributions_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coop_id'], ['coops.id'], name=op.f('fk_campaign_contributions_coop_id_coops'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_campaign_contributions_pledge_id_pledges'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_contributions')),
    sa.UniqueConstraint('campaign_id', 'coop_id', name=op.f('uq_campaign_contributions_campaign_id_coop_id'))
    )
    with op.batch_alter_table('campaign_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_contributions_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_contributions_coop_id'), ['coop_id'], unique=False)



def downgrade():
    with op.batch_alter_table('campaign_contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_contributions_coop_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_contributions_campaign_id'))

    op.drop_table('campaign_contributions')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index('uq_pledges_one_current_per_coop', sqlite_where=sa.text('is_current = 1'), postgresql_where=sa.text('is_current'))
        batch_op.drop_index(batch_op.f('ix_pledges_coop_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_campaign_id'))

    op.drop_table('pledges')
    with op.batch_alter_table('campaign_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_rates_campaign_id'))

    op.drop_table('campaign_rates')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_state'))
        batch_op.drop_index(batch_op.f('ix_campaigns_deadline_at'))

    op.drop_table('campaigns')
