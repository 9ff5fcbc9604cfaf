"""Group and session operations: create, edit, lock, rotate the join link and code, end."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core import attendance, audit, catalogue, live, roster
from core.extensions import db, socketio
from core.models import Facilitator, Group, GroupMember, GroupSession, Participant, utcnow
from core.security import new_join_code, new_token

default_agreements = catalogue.default_agreements  # the text a new group starts with


def create_group(owner: Facilitator, name: str, description: str, agreements: str, retention_days: int) -> Group:
    with db.transaction() as s:
        g = Group(name=name, description=description, agreements=agreements or default_agreements(),
                  retention_days=retention_days)
        s.add(g)
        s.flush()
        s.add(GroupMember(group_id=g.id, facilitator_id=owner.id, role="owner"))
        audit.record("group_create", actor="facilitator", actor_id=owner.id, group_id=g.id)
    return g


def update_group(group: Group, **fields) -> None:
    with db.transaction() as s:
        g = s.merge(group)
        for name, value in fields.items():
            setattr(g, name, value)


def facilitators_of(group: Group) -> list[tuple[Facilitator, str]]:
    rows = db.session.execute(
        select(Facilitator, GroupMember.role).join(GroupMember).where(GroupMember.group_id == group.id)
        .order_by(GroupMember.created_at)
    ).all()
    return [(f, role) for f, role in rows]


def groups_of(facilitator: Facilitator) -> list[Group]:
    """The groups they run (owner or co-facilitator)."""
    return list(db.session.execute(
        select(Group).join(GroupMember).where(GroupMember.facilitator_id == facilitator.id,
                                              GroupMember.role.in_(("owner", "co"))).order_by(Group.name)
    ).scalars())


def supervised_by(facilitator: Facilitator) -> list[Group]:
    """The groups they supervise: they read the record and co-sign notes, nothing live."""
    return list(db.session.execute(
        select(Group).join(GroupMember).where(GroupMember.facilitator_id == facilitator.id,
                                              GroupMember.role == "supervisor").order_by(Group.name)
    ).scalars())


def _unique_code() -> str:
    while True:
        code = new_join_code()
        if db.session.execute(select(GroupSession.id).where(GroupSession.join_code == code)).first() is None:
            return code


def create_session(group: Group, title: str, starts_at: datetime | None, video_url: str,
                   auto_admit: bool, actor: Facilitator) -> GroupSession:
    with db.transaction() as s:
        gs = GroupSession(group_id=group.id, public_id=new_token(12), title=title, starts_at=starts_at,
                          video_url=video_url, join_token=new_token(24), join_code=_unique_code(),
                          display_token=new_token(24), auto_admit=auto_admit)
        s.add(gs)
        s.flush()
        audit.record("session_create", session=gs, actor="facilitator", actor_id=actor.id)
    return gs


def sessions_of(group: Group) -> list[GroupSession]:
    return list(db.session.execute(
        select(GroupSession).where(GroupSession.group_id == group.id)
        .order_by(GroupSession.status == "ended", GroupSession.starts_at.desc(), GroupSession.id.desc())
    ).scalars())


def rotate(gs: GroupSession, actor: Facilitator) -> None:
    """New join link and code; the old ones stop working. People already in stay in."""
    with db.transaction() as s:
        gs = s.merge(gs)
        gs.join_token, gs.join_code = new_token(24), _unique_code()
        audit.record("rotate_link", session=gs, actor="facilitator", actor_id=actor.id)
    live.refresh(gs)


def set_display(gs: GroupSession, on: bool, actor: Facilitator) -> None:
    """A new room display link (on) or none at all (off). Either way the old link stops working and
    every display open with it is cut off at once, on every process."""
    with db.transaction() as s:
        gs = s.merge(gs)
        gs.display_token, gs.display_on = new_token(24), on
        audit.record("display_link_new" if on else "display_link_off", session=gs, actor="facilitator",
                     actor_id=actor.id)
    from core.sockets import disconnect_displays

    disconnect_displays(gs.id)


def set_lock(gs: GroupSession, locked: bool, actor: Facilitator) -> None:
    with db.transaction() as s:
        gs = s.merge(gs)
        gs.locked = locked
        audit.record("lock" if locked else "unlock", session=gs, actor="facilitator", actor_id=actor.id)
    roster.push(gs)


def set_auto_admit(gs: GroupSession, on: bool, actor: Facilitator) -> None:
    with db.transaction() as s:
        gs = s.merge(gs)
        gs.auto_admit = on
    roster.push(gs)
    if on and not gs.locked:
        admit_all(gs, actor)


def admit_all(gs: GroupSession, actor: Facilitator) -> int:
    waiting = list(db.session.execute(
        select(Participant).where(Participant.session_id == gs.id, Participant.status == "waiting")
    ).scalars())
    for p in waiting:
        roster.admit(gs, p, actor.id)
    return len(waiting)


def mark_live(gs: GroupSession) -> None:
    if gs.status == "planned":
        with db.transaction() as s:
            s.merge(gs).status = "live"


def end(gs: GroupSession, actor: Facilitator) -> None:
    """End the session: the live state says so, joining stops, people see a calm closing screen."""
    state, _ = live.load_state(gs.id)
    if state["phase"] != "ended":
        live.execute(gs, {"type": "set_phase", "to": "ended", "actor": {"role": "facilitator", "id": None}})
    with db.transaction() as s:
        gs = s.merge(gs)
        gs.status, gs.ended_at = "ended", utcnow()
        audit.record("session_end", session=gs, actor="facilitator", actor_id=actor.id)
    attendance.finalise(gs)
    from core import notes  # the drafts wait on the notes page; a failure there never blocks the ending

    notes.drafts_after_end(gs)
    socketio.emit("status", {"status": "ended"}, to=live.rooms(gs.id)["participants"])
    from facilitator.series import ensure_next  # a regular schedule makes its next session ready now

    ensure_next(gs.group)
