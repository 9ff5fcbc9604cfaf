"""room display link can be turned off

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_on', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.drop_column('display_on')
