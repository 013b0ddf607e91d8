"""Agreements: versions, one counterpart per party co-op, the delegates' signatures, and the stored PDFs.

An issued file's SHA-256 is unique, so /verify finds its version from the file alone.

Revision ID: c116c3a175bc
Revises: 03ef8c443125
Create Date: 2026-12-02 02:20:32.004178

"""
import sqlalchemy as sa
from alembic import op

import governance.types

# revision identifiers, used by Alembic.
revision = 'c116c3a175bc'
down_revision = '03ef8c443125'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_agreements_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_agreements_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_agreements_proposal_id'))
    )
    op.create_table('agreement_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('signing', 'issuing', 'issued', 'superseded', name='agreement_version_state', native_enum=False, length=32), nullable=False),
    sa.Column('terms_data', sa.JSON(), nullable=False),
    sa.Column('terms_sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('draft_state', sa.Enum('queued', 'running', 'done', 'failed', name='agreement_task_state', native_enum=False, length=32), nullable=False),
    sa.Column('draft_attempts', sa.Integer(), nullable=False),
    sa.Column('draft_error', sa.Text(), nullable=False),
    sa.Column('draft_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('issue_state', sa.Enum('queued', 'running', 'done', 'failed', name='agreement_task_state', native_enum=False, length=32), nullable=True),
    sa.Column('issue_attempts', sa.Integer(), nullable=False),
    sa.Column('issue_error', sa.Text(), nullable=False),
    sa.Column('issued_at', governance.types.UTCDateTime(), nullable=True),
    sa.Column('data_json', sa.Text(), nullable=True),
    sa.Column('data_sha256', sa.String(length=64), nullable=True),
    sa.Column('audit_seq', sa.Integer(), nullable=True),
    sa.Column('audit_hash', sa.String(length=64), nullable=True),
    sa.Column('final_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('final_sha256', sa.String(length=64), nullable=True),
    sa.Column('superseded_at', governance.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_versions_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_agreement_versions_created_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_versions')),
    sa.UniqueConstraint('agreement_id', 'number', name=op.f('uq_agreement_versions_agreement_id_number')),
    sa.UniqueConstraint('final_sha256', name=op.f('uq_agreement_versions_final_sha256'))
    )
    with op.batch_alter_table('agreement_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_versions_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('agreement_counterparts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('coop_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['coop_id'], ['coops.id'], name=op.f('fk_agreement_counterparts_coop_id_coops'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_versions.id'], name=op.f('fk_agreement_counterparts_version_id_agreement_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_counterparts')),
    sa.UniqueConstraint('version_id', 'coop_id', name=op.f('uq_agreement_counterparts_version_id_coop_id'))
    )
    with op.batch_alter_table('agreement_counterparts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_counterparts_coop_id'), ['coop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_counterparts_version_id'), ['version_id'], unique=False)

    op.create_table('agreement_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('coop_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('typed_name', sa.String(length=200), nullable=False),
    sa.Column('account_label', sa.String(length=500), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('signed_at', governance.types.UTCDateTime(), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['coop_id'], ['coops.id'], name=op.f('fk_agreement_signatures_coop_id_coops'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_agreement_signatures_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_versions.id'], name=op.f('fk_agreement_signatures_version_id_agreement_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_signatures')),
    sa.UniqueConstraint('version_id', 'coop_id', name=op.f('uq_agreement_signatures_version_id_coop_id'))
    )
    with op.batch_alter_table('agreement_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_signatures_coop_id'), ['coop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_signatures_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_signatures_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agreement_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_signatures_version_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_signatures_person_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_signatures_coop_id'))

    op.drop_table('agreement_signatures')
    with op.batch_alter_table('agreement_counterparts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_counterparts_version_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_counterparts_coop_id'))

    op.drop_table('agreement_counterparts')
    with op.batch_alter_table('agreement_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_versions_agreement_id'))

    op.drop_table('agreement_versions')
    op.drop_table('agreements')
