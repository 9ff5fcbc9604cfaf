"""clinical record: measure results, session notes and addenda; group note format, trends switch, safety procedure

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 11:00:00
"""
from alembic import op
import sqlalchemy as sa

import core.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

UTC = core.models.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_format', sa.String(length=8), nullable=False, server_default='dap'))
        batch_op.add_column(sa.Column('members_see_trends', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('safety_procedure', sa.Text(), nullable=False, server_default=''))

    op.create_table(
        'measure_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('instrument', sa.String(length=40), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('band', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('risk', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('source', sa.String(length=8), nullable=False),
        sa.Column('entered_by', sa.Integer(), nullable=True),
        sa.Column('answered_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['group_session.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entered_by'], ['facilitator.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'member_id', 'instrument'),
    )
    with op.batch_alter_table('measure_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_result_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_result_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_result_member_id'), ['member_id'], unique=False)

    op.create_table(
        'clinical_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('format', sa.String(length=8), nullable=False),
        sa.Column('sections', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('updated_at', UTC(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('signed_by', sa.Integer(), nullable=True),
        sa.Column('signed_name', sa.String(length=80), nullable=False, server_default=''),
        sa.Column('signed_at', UTC(), nullable=True),
        sa.Column('cosigned_by', sa.Integer(), nullable=True),
        sa.Column('cosigned_name', sa.String(length=80), nullable=False, server_default=''),
        sa.Column('cosigned_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['group_session.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by'], ['facilitator.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['signed_by'], ['facilitator.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['cosigned_by'], ['facilitator.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'subject'),
    )
    with op.batch_alter_table('clinical_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinical_note_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinical_note_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinical_note_member_id'), ['member_id'], unique=False)

    op.create_table(
        'note_addendum',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=80), nullable=False, server_default=''),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['clinical_note.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['facilitator.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('note_addendum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_addendum_note_id'), ['note_id'], unique=False)


def downgrade() -> None:
    op.drop_table('note_addendum')
    op.drop_table('clinical_note')
    op.drop_table('measure_result')
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_column('safety_procedure')
        batch_op.drop_column('members_see_trends')
        batch_op.drop_column('note_format')
