"""audit events outlive their group and session; facilitators' names stored with each event

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# 0001 created these foreign keys without names: PostgreSQL named them itself, SQLite keeps none, so
# batch mode gets these names through a naming convention.
CONVENTION = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
FKS = (('group_id', 'group'), ('session_id', 'group_session'))


def _fk_names() -> dict[str, str]:
    names = {}
    for fk in sa.inspect(op.get_bind()).get_foreign_keys('audit_event'):
        column = fk['constrained_columns'][0]
        names[column] = fk['name'] or f"fk_audit_event_{column}_{fk['referred_table']}"
    return names


def upgrade() -> None:
    names = _fk_names()
    with op.batch_alter_table('audit_event', schema=None, naming_convention=CONVENTION) as batch_op:
        for column, _table in FKS:
            if column in names:
                batch_op.drop_constraint(names[column], type_='foreignkey')
        batch_op.add_column(sa.Column('actor_name', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('target_name', sa.String(length=80), nullable=False, server_default=''))
    # Events written before this revision read right too: facilitators' names as they are now.
    op.execute(sa.text(
        "UPDATE audit_event SET actor_name = COALESCE((SELECT f.name FROM facilitator f "
        "WHERE audit_event.actor = 'facilitator:' || CAST(f.id AS VARCHAR(20))), '') "
        "WHERE actor LIKE 'facilitator:%'"
    ))
    # A group always has exactly one owner: a group left without one gets its earliest facilitator.
    bind = op.get_bind()
    orphans = bind.execute(sa.text(
        "SELECT DISTINCT group_id FROM group_member WHERE group_id NOT IN "
        "(SELECT group_id FROM group_member WHERE role = 'owner')"
    )).scalars().all()
    for group_id in orphans:
        first = bind.execute(sa.text(
            "SELECT facilitator_id FROM group_member WHERE group_id = :g ORDER BY created_at, facilitator_id"
        ), {"g": group_id}).scalars().first()
        bind.execute(sa.text("UPDATE group_member SET role = 'owner' WHERE group_id = :g AND facilitator_id = :f"),
                     {"g": group_id, "f": first})


def downgrade() -> None:
    # Tombstones have no group or session to point at any more: they go, as they did before 0005.
    op.execute(sa.text('DELETE FROM audit_event WHERE group_id IS NOT NULL AND group_id NOT IN (SELECT id FROM "group")'))
    op.execute(sa.text("UPDATE audit_event SET session_id = NULL WHERE session_id IS NOT NULL "
                       "AND session_id NOT IN (SELECT id FROM group_session)"))
    with op.batch_alter_table('audit_event', schema=None, naming_convention=CONVENTION) as batch_op:
        batch_op.drop_column('target_name')
        batch_op.drop_column('actor_name')
        batch_op.create_foreign_key('fk_audit_event_group_id_group', 'group', ['group_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_audit_event_session_id_group_session', 'group_session', ['session_id'],
                                    ['id'], ondelete='SET NULL')
