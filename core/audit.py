"""The audit log: who did what and when, never what anyone said or wrote."""
from __future__ import annotations

from core.extensions import db
from core.models import AuditEvent, GroupSession


def record(action: str, *, actor: str, actor_id: int | None = None, session: GroupSession | None = None,
           group_id: int | None = None, target: str = "") -> None:
    """Add an audit row to the current unit of work (the caller commits)."""
    db.session.add(AuditEvent(
        group_id=session.group_id if session is not None else group_id,
        session_id=session.id if session is not None else None,
        actor=f"{actor}:{actor_id}" if actor_id is not None else actor,
        action=action,
        target=target,
    ))
