"""ongoing groups: members, attendance, schedule, practice log, shared review lines

Existing participants stay as they are and so become guests of their session (member_id is NULL).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:30:00
"""
from alembic import op
import sqlalchemy as sa

import core.models


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = core.models.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreements_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('members_straight_in', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('record_retention_years', sa.Integer(), nullable=False, server_default='7'))

    op.create_table(
        'member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('display_name', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('link_hash', sa.String(length=64), nullable=True),
        sa.Column('link_issued_at', UTC(), nullable=True),
        sa.Column('agreements_version', sa.Integer(), nullable=True),
        sa.Column('privacy_version', sa.String(length=16), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('link_hash'),
        sa.UniqueConstraint('public_id'),
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_group_id'), ['group_id'], unique=False)

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_member_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_participant_member_id'), ['member_id'], unique=False)
        batch_op.create_foreign_key('fk_participant_member_id_member', 'member', ['member_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_participant_claimed_member_id_member', 'member', ['claimed_member_id'],
                                    ['id'], ondelete='SET NULL')

    op.create_table(
        'attendance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('joined_at', UTC(), nullable=True),
        sa.Column('left_at', UTC(), nullable=True),
        sa.Column('edited_by', sa.Integer(), nullable=True),
        sa.Column('edited_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['edited_by'], ['facilitator.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['group_session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'member_id'),
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_session_id'), ['session_id'], unique=False)

    op.create_table(
        'group_schedule',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('every_weeks', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('time_of_day', sa.String(length=5), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('first_date', sa.Date(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('feed_hash', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('group_id'),
        sa.UniqueConstraint('feed_hash'),
    )

    op.create_table(
        'practice_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('client_key', sa.String(length=40), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id', 'client_key'),
    )
    with op.batch_alter_table('practice_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_entry_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_entry_created_at'), ['created_at'], unique=False)

    op.create_table(
        'review_share',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('audience', sa.String(length=12), nullable=False),
        sa.Column('shown', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('created_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['group_session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('review_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_share_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_share_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table('review_share')
    op.drop_table('practice_entry')
    op.drop_table('group_schedule')
    op.drop_table('attendance')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint('fk_participant_claimed_member_id_member', type_='foreignkey')
        batch_op.drop_constraint('fk_participant_member_id_member', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_participant_member_id'))
        batch_op.drop_column('claimed_member_id')
        batch_op.drop_column('member_id')
    op.drop_table('member')
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_column('record_retention_years')
        batch_op.drop_column('members_straight_in')
        batch_op.drop_column('agreements_version')
