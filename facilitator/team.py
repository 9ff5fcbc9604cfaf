"""A group's team: one owner and co-facilitators. Who may do what, and the changes to the team.

The owner alone erases the group, sets retention, invites and removes facilitators and hands the
ownership on; a group always has exactly one owner, so the owner leaves only after a transfer.
A removed (or departing) facilitator loses the group's pages (404) and their open sockets at once.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import delete, select

from core import audit
from core.auth import group_or_404, membership
from core.extensions import db, socketio
from core.models import Connection, Facilitator, Group, GroupMember, GroupSession, OneTimeToken


class TeamError(ValueError):
    """A human-readable reason a team change was refused."""


def is_owner(group: Group, facilitator_id: int) -> bool:
    m = membership(facilitator_id, group.id)
    return m is not None and m.role == "owner"


def owned_group_or_403(group_id: int) -> Group:
    """The group, if the current facilitator owns it: 404 for strangers (as everywhere), 403 for its
    co-facilitators (they know the group exists; this one thing is the owner's)."""
    group = group_or_404(group_id)
    if not is_owner(group, current_user.id):
        abort(403)
    return group


def disconnect_from_group(facilitator_id: int, group_id: int) -> int:
    """Cut a facilitator's open sockets in this group's sessions (every process, via the queue);
    their other groups' consoles stay open. Returns how many were cut."""
    with db.transaction() as s:
        in_group = select(GroupSession.id).where(GroupSession.group_id == group_id)
        mine = (Connection.facilitator_id == facilitator_id, Connection.session_id.in_(in_group))
        sids = list(s.execute(select(Connection.sid).where(*mine)).scalars())
        s.execute(delete(Connection).where(*mine))
    for sid in sids:
        # "refused" makes an open console reload, which then answers 404: no frozen console left behind.
        socketio.emit("status", {"status": "refused"}, to=sid)
        socketio.server.disconnect(sid, namespace="/")
    return len(sids)


def _drop_member(s, group: Group, facilitator_id: int) -> None:
    s.execute(delete(GroupMember).where(GroupMember.group_id == group.id,
                                        GroupMember.facilitator_id == facilitator_id))
    # Invitation links they made and nobody used die with their place in the team.
    s.execute(delete(OneTimeToken).where(OneTimeToken.group_id == group.id, OneTimeToken.purpose.in_(("invite", "invite_sup")),
                                         OneTimeToken.created_by == facilitator_id,
                                         OneTimeToken.used_at.is_(None)))


def remove_facilitator(group: Group, owner: Facilitator, facilitator_id: int) -> None:
    """The owner takes a co-facilitator off the team."""
    m = membership(facilitator_id, group.id)
    if m is None:
        abort(404)
    if m.role == "owner":
        raise TeamError("You are this group's owner. Hand the ownership to a co-facilitator first.")
    with db.transaction() as s:
        audit.record("facilitator_remove", actor="facilitator", actor_id=owner.id, group_id=group.id,
                     target=f"facilitator:{facilitator_id}")
        _drop_member(s, group, facilitator_id)
    disconnect_from_group(facilitator_id, group.id)


def leave(group: Group, facilitator: Facilitator) -> None:
    """A co-facilitator leaves the group of their own accord."""
    if is_owner(group, facilitator.id):
        raise TeamError("You are this group's owner. Hand the ownership to a co-facilitator before you leave.")
    with db.transaction() as s:
        audit.record("facilitator_leave", actor="facilitator", actor_id=facilitator.id, group_id=group.id)
        _drop_member(s, group, facilitator.id)
    disconnect_from_group(facilitator.id, group.id)


def transfer(group: Group, owner: Facilitator, facilitator_id: int) -> None:
    """The owner hands the group to a co-facilitator and stays on as a co-facilitator."""
    if facilitator_id == owner.id:
        raise TeamError("You already own this group.")
    with db.transaction() as s:
        new = s.get(GroupMember, (group.id, facilitator_id))
        old = s.get(GroupMember, (group.id, owner.id))
        if new is None or old is None or old.role != "owner" or new.role != "co":
            raise TeamError("Choose one of this group's co-facilitators.")
        old.role, new.role = "co", "owner"
        audit.record("ownership_transfer", actor="facilitator", actor_id=owner.id, group_id=group.id,
                     target=f"facilitator:{facilitator_id}")


def record_retention_change(group: Group, actor: Facilitator, before: int, after: int, unit: str = "days") -> None:
    """Either clock: answers ("days") or the attendance record ("years")."""
    if before != after:
        with db.transaction():
            audit.record("retention_change", actor="facilitator", actor_id=actor.id, group_id=group.id,
                         target=f"{before} to {after} {unit}")

