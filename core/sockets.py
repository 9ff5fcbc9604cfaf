"""Socket.IO plumbing shared by every audience: authenticate on connect, re-check on every event.

Identity is set over HTTP (login cookie, participant cookie, display link); here we only read and
check it. Each event handler is wrapped by `live_event`, which rate-limits, re-identifies the caller
from the database, checks the role, validates the payload, and turns errors into acks.

Abuse limits: every connection has an event budget, and so has every person across all their
connections (a member flooding from five tabs is cut, and the flood cannot slow other sessions);
a person may hold only a few connections at once (MAX_CONNECTIONS), and each event is size-capped.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room
from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, select

from activities.engine import Rejected
from core import auth, live, roster
from core.extensions import db, socketio
from core.models import Connection, Facilitator, GroupSession, Participant, utcnow
from core.ratelimit import TokenBucket
from core.security import equal

log = logging.getLogger(__name__)
MAX_EVENT_BYTES = 8 * 1024
events_per_connection = TokenBucket(rate=10, burst=30)
# A flood is refused event by event, but logged a few lines per connection and then one a minute: a
# signed-in flood cannot fill the log either.
refusals_logged = TokenBucket(rate=1 / 60, burst=3)
# Budgets per person, across all their connections: (events a second, burst). Kept per app (each
# serving process has one app), so one person's flood is cut wherever their tabs are.
PERSON_BUDGETS = {"participant": (15, 45), "facilitator": (30, 90)}
# Simultaneous connections: per participant, per facilitator, per session's room display.
MAX_CONNECTIONS = {"participant": 5, "facilitator": 10, "display": 10}
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,99}")  # public ids and tokens (secrets.token_urlsafe)


def participant_cookie(public_id: str) -> str:
    return f"sbp_{public_id}"


@dataclass
class Caller:
    role: str  # facilitator | participant (admitted) | waiting | display
    session: GroupSession
    sid: str
    participant: Participant | None = None
    facilitator: Facilitator | None = None

    @property
    def member_id(self) -> str | None:
        return self.participant.engine_id if self.participant else None

    def actor(self) -> dict:
        if self.role == "facilitator":
            return {"role": "facilitator", "id": f"f{self.facilitator.id}"}
        return {"role": "participant", "id": self.member_id}


def error(message: str) -> dict:
    return {"ok": False, "error": message}


def _token_like(value) -> bool:
    """Public ids and tokens are short URL-safe strings; anything else (a lone surrogate, a NUL byte that
    PostgreSQL refuses in a query) is refused before it reaches a hash or a query."""
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None


def _identify(auth_data) -> Caller:
    """Who is connecting, from the cookies and the auth payload; refuse anything unclear."""
    if not isinstance(auth_data, dict) or not _token_like(auth_data.get("session")):
        raise ConnectionRefusedError("unauthorized")
    gs = auth.session_by_public_id(auth_data["session"])
    role = auth_data.get("as")
    if gs is not None and role == "facilitator":
        if current_user.is_authenticated and auth.runs_group(current_user.id, gs.group_id):
            return Caller("facilitator", gs, request.sid, facilitator=current_user._get_current_object())
    elif gs is not None and role == "participant":
        p = roster.participant_by_secret(gs, request.cookies.get(participant_cookie(gs.public_id)))
        if p is not None:
            return Caller("participant" if p.status == "admitted" else "waiting", gs, request.sid, participant=p)
    elif gs is not None and role == "display":
        token = auth_data.get("display")
        if gs.display_on and _token_like(token) and equal(token, gs.display_token):
            return Caller("display", gs, request.sid)
    raise ConnectionRefusedError("unauthorized")


def current_caller() -> Caller | None:
    """Re-identify the caller for an event from its connection row: removals and logouts take effect at once."""
    conn = db.session.get(Connection, request.sid)
    if conn is None:
        return None
    gs = db.session.get(GroupSession, conn.session_id)
    if conn.role == "facilitator":
        ok = (current_user.is_authenticated and current_user.id == conn.facilitator_id
              and auth.runs_group(conn.facilitator_id, gs.group_id) is not None)
        return Caller("facilitator", gs, request.sid, facilitator=current_user._get_current_object()) if ok else None
    if conn.role == "participant":
        p = db.session.get(Participant, conn.participant_id)
        if p is None or p.status == "removed":
            return None
        return Caller("participant" if p.status == "admitted" else "waiting", gs, request.sid, participant=p)
    return Caller("display", gs, request.sid) if gs.display_on else None


def enter_rooms(caller: Caller) -> None:
    r = live.rooms(caller.session.id)
    if caller.role == "facilitator":
        join_room(r["facilitators"])
    elif caller.role == "display":
        join_room(r["display"])
    else:
        join_room(live.participant_room(caller.participant.id))
        if caller.role == "participant":
            join_room(r["participants"])


def snapshot_for(caller: Caller) -> dict:
    if caller.role == "waiting":
        return {"status": "waiting"}
    if caller.role == "facilitator":
        return {"status": "ok", "view": live.snapshot(caller.session, "facilitator"),
                "roster": roster.payload(caller.session)}
    if caller.role == "display":
        return {"status": "ok", "view": live.snapshot(caller.session, "display")}
    return {"status": "ok", **live.snapshot(caller.session, caller.role, caller.member_id)}  # shared, mine


def _kind(caller: Caller) -> str:
    return "participant" if caller.participant is not None else caller.role


def _connections_of(caller: Caller) -> int:
    """Open connections of the same person (or the same session's display). A row counts if this
    process holds that connection; rows of other processes (with a message queue) count while their
    presence is fresh. So rows left behind by a crashed process never lock anyone out (with a queue,
    not for longer than PRESENCE_FRESH)."""
    q = select(Connection.sid, Connection.seen_at)
    if caller.participant is not None:
        q = q.where(Connection.participant_id == caller.participant.id)
    elif caller.facilitator is not None:
        q = q.where(Connection.facilitator_id == caller.facilitator.id)
    else:
        q = q.where(Connection.session_id == caller.session.id, Connection.role == "display")
    shared = bool(current_app.config.get("REDIS_URL"))
    fresh = utcnow() - roster.PRESENCE_FRESH
    manager = socketio.server.manager
    return sum(1 for sid, seen_at in db.session.execute(q).all()
               if manager.is_connected(sid, "/") or (shared and seen_at >= fresh))


def _within_person_budget(caller: Caller) -> bool:
    if caller.participant is not None:
        kind, key = "participant", f"p{caller.participant.id}"
    elif caller.facilitator is not None:
        kind, key = "facilitator", f"f{caller.facilitator.id}"
    else:
        return True  # a display has its per-connection budget only
    budgets = current_app.extensions.setdefault("sb_person_budgets", {})
    if kind not in budgets:
        budgets[kind] = TokenBucket(*PERSON_BUDGETS[kind])
    return budgets[kind].allow(key)


@socketio.on("connect")
def on_connect(auth_data=None):
    """Any client connects with {"session", "as", ["display"]}; it gets its audience's snapshot."""
    caller = _identify(auth_data)
    with db.transaction() as s:
        if _connections_of(caller) >= MAX_CONNECTIONS[_kind(caller)]:
            log.info("connect refused: too many connections (%s)", _kind(caller))
            raise ConnectionRefusedError("too many connections")
        s.add(Connection(sid=request.sid, session_id=caller.session.id, role=caller.role.replace("waiting", "participant"),
                         participant_id=caller.participant.id if caller.participant else None,
                         facilitator_id=caller.facilitator.id if caller.facilitator else None))
    enter_rooms(caller)
    socketio.emit("snapshot", snapshot_for(caller), to=request.sid)
    if caller.participant is not None:
        roster.push(caller.session)


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """Forget the connection; the console's presence updates."""
    events_per_connection.forget(request.sid)
    refusals_logged.forget(request.sid)
    conn = db.session.get(Connection, request.sid)
    if conn is None:
        return
    participant_id, session_id = conn.participant_id, conn.session_id
    with db.transaction() as s:
        s.execute(delete(Connection).where(Connection.sid == request.sid))
    gs = db.session.get(GroupSession, session_id)
    if participant_id is not None and gs is not None:
        roster.push(gs)


def _parse(schema: type[BaseModel] | None, data):
    if schema is None:
        return None
    # UTF-8 bytes; a lone surrogate (valid in JSON, not in text) fails to encode and is refused here
    if len(json.dumps(data, default=str, ensure_ascii=False).encode()) > MAX_EVENT_BYTES:
        raise ValueError("payload too large")
    return schema.model_validate(data if data is not None else {})


def _problem_fields(schema: type[BaseModel], exc: Exception) -> list[str] | str:
    """Which fields were wrong, for the log: only the schema's own field names (an unknown key is
    whatever the client typed, so it is not logged), never a value."""
    if not isinstance(exc, ValidationError):
        return type(exc).__name__
    return sorted({str(e["loc"][0]) if e["loc"] and e["loc"][0] in schema.model_fields else "(unknown field)"
                   for e in exc.errors()})


def live_event(name: str, schema: type[BaseModel] | None, roles: tuple[str, ...]) -> Callable:
    """Register a Socket.IO event with rate limit, caller re-check, role check, validation and an ack."""

    def decorate(fn: Callable[[Caller, object], dict]) -> Callable:
        @functools.wraps(fn)
        def handler(data=None):
            if not events_per_connection.allow(request.sid):
                if refusals_logged.allow(request.sid):
                    log.info("event %s refused: rate limit", name)
                return error("Too many requests. Please wait a moment.")
            caller = current_caller()
            if caller is not None and not _within_person_budget(caller):
                if refusals_logged.allow(request.sid):
                    log.info("event %s refused: person rate limit", name)
                return error("Too many requests. Please wait a moment.")
            if caller is None or caller.role not in roles:
                log.info("event %s refused: role %s", name, caller.role if caller else "none")
                return error("Not allowed.")
            try:
                payload = _parse(schema, data)
            except (ValidationError, ValueError, TypeError, RecursionError) as exc:  # (absurdly deep nesting)
                log.info("event %s refused: invalid payload %s", name, _problem_fields(schema, exc))
                return error("That request was not valid.")
            try:
                return fn(caller, payload)
            except Rejected as exc:
                return error(exc.reason)
            except Exception:
                log.exception("event %s failed", name)
                db.session.rollback()
                return error("Something went wrong. Please try again.")

        socketio.on_event(name, handler)
        return handler

    return decorate


def touch_presence(caller: Caller, state: str) -> None:
    with db.transaction() as s:
        conn = s.get(Connection, caller.sid)
        if conn is not None:
            changed = conn.presence != state
            conn.presence, conn.seen_at = state, utcnow()
        else:
            changed = False
    if changed and caller.participant is not None:
        roster.push(caller.session)


def disconnect_facilitator(facilitator_id: int) -> None:
    """Cut every open socket of a facilitator who signed out (on every process, via the queue)."""
    with db.transaction() as s:
        sids = list(s.execute(select(Connection.sid).where(Connection.facilitator_id == facilitator_id)).scalars())
        s.execute(delete(Connection).where(Connection.facilitator_id == facilitator_id))
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")


def disconnect_displays(session_id: int) -> None:
    """End every open room display of a session (its link was replaced or turned off): the room is
    closed first, so nothing more reaches them even before the disconnect lands on their process."""
    with db.transaction() as s:
        sids = list(s.execute(select(Connection.sid).where(Connection.session_id == session_id,
                                                           Connection.role == "display")).scalars())
        s.execute(delete(Connection).where(Connection.session_id == session_id, Connection.role == "display"))
    socketio.emit("status", {"status": "display_off"}, to=live.rooms(session_id)["display"])
    socketio.close_room(live.rooms(session_id)["display"])
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
