"""Who is in a session: joining, the waiting room, admitting, removing, presence on the console."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from core import attendance, audit, live, lookalikes
from core.extensions import db, socketio
from core.models import Connection, GroupSession, Participant, utcnow
from core.roster_pace import ROSTER_PACE
from core.security import new_token, token_hash

PRESENCE_FRESH = timedelta(seconds=75)  # clients ping every 25 s; three missed pings means offline


def join(session: GroupSession, display_name: str, *, member_id: int | None = None,
         claimed_member_id: int | None = None) -> tuple[Participant, str]:
    """Create a participant who has accepted the agreements; returns them and their secret credential.

    `member_id`: a roster member who came through their standing link (admitted at once when the group
    lets members come straight in). `claimed_member_id`: a guest who says they are that member, on a new
    device; a facilitator confirms it in the waiting room."""
    secret = new_token(32)
    with db.transaction() as s:
        p = Participant(session_id=session.id, display_name=display_name, credential_hash=token_hash(secret),
                        consent_at=utcnow(), status="waiting", member_id=member_id,
                        claimed_member_id=claimed_member_id)
        s.add(p)
        s.flush()
        audit.record("join", session=session, actor="participant", actor_id=p.id)
    straight_in = member_id is not None and session.group.members_straight_in
    if (session.auto_admit or straight_in) and not session.locked:
        admit(session, p, facilitator_id=None)
    else:
        push(session)
    return p, secret


def holder_of(session: GroupSession, secret: str | None) -> Participant | None:
    """Whoever this credential belongs to in this session, including someone removed."""
    if not secret or len(secret) > 100:
        return None
    p = db.session.execute(
        select(Participant).where(Participant.credential_hash == token_hash(secret))
    ).scalar_one_or_none()
    return p if p is not None and p.session_id == session.id else None


def participant_by_secret(session: GroupSession, secret: str | None) -> Participant | None:
    """The participant this credential admits, or None: a removed participant's credential is dead."""
    p = holder_of(session, secret)
    return None if p is None or p.status in ("removed", "left") else p


def admit(session: GroupSession, p: Participant, facilitator_id: int | None) -> None:
    if p.status != "waiting":
        return
    with db.transaction():
        p = db.session.merge(p)
        p.status, p.admitted_at = "admitted", utcnow()
        audit.record("admit", session=session, actor="facilitator" if facilitator_id else "system",
                     actor_id=facilitator_id, target=f"participant:{p.id}")
    # Where they are: with no video call everyone is in the room; in a hybrid session a phone starts as
    # remote and its owner can say they are in the room (activities/frame.set_place).
    live.system(session, {"type": "member_join",
                          "member_info": {"id": p.engine_id, "name": p.display_name, "in_room": p.in_room,
                                          "remote": bool(session.video_url) and not p.in_room}})
    attendance.arrived(session, p)
    socketio.emit("status", {"status": "admitted"}, to=live.participant_room(p.id))
    push(session)


def add_in_room(session: GroupSession, name: str, facilitator_id: int) -> Participant:
    """A member in the room without a device: the facilitator acts for them."""
    with db.transaction() as s:
        p = Participant(session_id=session.id, display_name=name, in_room=True, status="waiting")
        s.add(p)
        s.flush()
    admit(session, p, facilitator_id)
    return p


def remove(session: GroupSession, p: Participant, facilitator_id: int | None, *,
           status_word: str = "removed") -> None:
    """Revoke at once: the credential stops working (its hash is kept only to recognise and refuse it),
    sockets are cut, views stop. With no facilitator, the system does it (a member's link was revoked,
    or they left the group)."""
    with db.transaction() as s:
        p = s.merge(p)
        p.status, p.removed_at = "removed", utcnow()
        sids = list(s.execute(select(Connection.sid).where(Connection.participant_id == p.id)).scalars())
        s.execute(delete(Connection).where(Connection.participant_id == p.id))
        audit.record("remove", session=session, actor="facilitator" if facilitator_id else "system",
                     actor_id=facilitator_id, target=f"participant:{p.id}")
    _cut(session, p, sids, status_word)


def clear_waiting(session: GroupSession, facilitator_id: int) -> int:
    """Turn away everyone in the waiting room at once (a join flood): each credential dies as in
    `remove`, one audit event carries the count, and nobody admitted is touched. Returns the count."""
    with db.transaction() as s:
        waiting = list(s.execute(select(Participant).where(Participant.session_id == session.id,
                                                           Participant.status == "waiting")).scalars())
        if not waiting:
            return 0
        now, ids = utcnow(), [p.id for p in waiting]
        for p in waiting:
            p.status, p.removed_at = "removed", now
        sids = list(s.execute(select(Connection.sid).where(Connection.participant_id.in_(ids))).scalars())
        s.execute(delete(Connection).where(Connection.participant_id.in_(ids)))
        audit.record("clear_waiting", session=session, actor="facilitator", actor_id=facilitator_id,
                     target=f"waiting:{len(ids)}")
    for pid in ids:  # never admitted, so never members of the live state: no member_leave to send
        room = live.participant_room(pid)
        socketio.emit("status", {"status": "not_admitted"}, to=room)
        socketio.close_room(room)
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    push(session)
    return len(ids)


def leave(session: GroupSession, p: Participant) -> None:
    """The participant leaves for good on this device; like a removal, but their own choice."""
    with db.transaction() as s:
        p = s.merge(p)
        p.status = "left"
        sids = list(s.execute(select(Connection.sid).where(Connection.participant_id == p.id)).scalars())
        s.execute(delete(Connection).where(Connection.participant_id == p.id))
        audit.record("leave", session=session, actor="participant", actor_id=p.id)
    _cut(session, p, sids, "left")


def _cut(session: GroupSession, p: Participant, sids: list[str], status: str) -> None:
    if p.admitted_at is not None:
        attendance.departed(session, p)
    room = live.participant_room(p.id)
    socketio.emit("status", {"status": status}, to=room)
    socketio.close_room(room)
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    live.system(session, {"type": "member_leave", "member": p.engine_id})
    push(session)


def presence(session: GroupSession) -> dict[int, str]:
    """participant id -> "here" | "away" for everyone with a fresh connection."""
    fresh = utcnow() - PRESENCE_FRESH
    rows = db.session.execute(
        select(Connection.participant_id, Connection.presence)
        .where(Connection.session_id == session.id, Connection.participant_id.is_not(None),
               Connection.seen_at >= fresh)
    ).all()
    result: dict[int, str] = {}
    for pid, state in rows:
        if result.get(pid) != "here":
            result[pid] = state
    return result


def payload(session: GroupSession) -> dict:
    """The console's roster: facilitators only (so are its "flags": names that look like someone else's)."""
    seen = presence(session)
    people = db.session.execute(
        select(Participant).where(Participant.session_id == session.id,
                                  Participant.status.in_(("waiting", "admitted")))
        .order_by(Participant.created_at, Participant.id)
    ).scalars()
    claims = _claimed_names(session)
    rows = [{"id": p.id, "name": p.display_name, "status": p.status, "in_room": p.in_room,
             "presence": "room" if p.in_room else seen.get(p.id, "offline"), "member": p.member_id is not None,
             "claim": claims.get(p.claimed_member_id)} for p in people]
    flagged = lookalikes.flags(rows)
    for r in rows:
        r["flags"] = flagged.get(r["id"], [])
    return {"participants": rows, "locked": session.locked, "auto_admit": session.auto_admit,
            "waiting": sum(1 for r in rows if r["status"] == "waiting")}


def _claimed_names(session: GroupSession) -> dict[int, str]:
    """Members that guests of this session say they are: member id -> name (facilitators only)."""
    from core.member_models import Member

    return dict(db.session.execute(
        select(Member.id, Member.display_name).join(Participant, Participant.claimed_member_id == Member.id)
        .where(Participant.session_id == session.id)
    ).all())


def push(session: GroupSession) -> None:
    """The roster to the session's facilitators (paced in a big session: core/roster_pace.py)."""
    ROSTER_PACE.push(session.id, session.public_id, _send)


def _send(session_id: int) -> int:
    session = db.session.get(GroupSession, session_id)
    if session is None:
        return 0
    roster = payload(session)
    socketio.emit("roster", roster, to=live.rooms(session_id)["facilitators"])
    return len(roster["participants"])
