"""plan item: this session's own wording for a round's prompt or a form's first question

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prompt', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_column('prompt')
