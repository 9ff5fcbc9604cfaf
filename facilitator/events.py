"""Console events (facilitators of this session's group only): waiting room, removal, lock."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from core import roster
from core.extensions import db
from core.models import Participant
from core.sockets import Caller, live_event
from core.text import clean_name
from facilitator import sessions as ops

FAC = ("facilitator",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Empty(Strict):
    pass


class Target(Strict):
    participant: Annotated[int, Field(ge=1, lt=2**31)]


class Switch(Strict):
    on: bool


class InRoom(Strict):
    name: Annotated[str, Field(min_length=1, max_length=60)]


def _participant(caller: Caller, pid: int) -> Participant | None:
    """Only participants of the caller's own session: ids from other sessions look absent."""
    p = db.session.get(Participant, pid)
    return p if p is not None and p.session_id == caller.session.id else None


@live_event("admit", Target, FAC)
def admit(caller: Caller, payload: Target) -> dict:
    """Facilitator admits one person from the waiting room; they get the session view."""
    p = _participant(caller, payload.participant)
    if p is None or p.status != "waiting":
        return {"ok": False, "error": "That person is not in the waiting room."}
    roster.admit(caller.session, p, caller.facilitator.id)
    return {"ok": True}


@live_event("admit_all", Empty, FAC)
def admit_all(caller: Caller, _payload) -> dict:
    """Facilitator admits everyone waiting."""
    return {"ok": True, "admitted": ops.admit_all(caller.session, caller.facilitator)}


@live_event("clear_waiting", Empty, FAC)
def clear_waiting(caller: Caller, _payload) -> dict:
    """Facilitator turns away everyone waiting at once; they see "not admitted", admitted people stay."""
    return {"ok": True, "cleared": roster.clear_waiting(caller.session, caller.facilitator.id)}


@live_event("remove", Target, FAC)
def remove(caller: Caller, payload: Target) -> dict:
    """Facilitator removes a person: credential revoked, sockets cut, nothing more reaches them."""
    p = _participant(caller, payload.participant)
    if p is None or p.status == "removed":
        return {"ok": False, "error": "That person is not in this session."}
    roster.remove(caller.session, p, caller.facilitator.id)
    return {"ok": True}


@live_event("lock", Switch, FAC)
def lock(caller: Caller, payload: Switch) -> dict:
    """Facilitator locks (no new joins) or unlocks the session."""
    ops.set_lock(caller.session, payload.on, caller.facilitator)
    return {"ok": True}


@live_event("auto_admit", Switch, FAC)
def auto_admit(caller: Caller, payload: Switch) -> dict:
    """Facilitator turns the waiting room off (everyone admitted on arrival) or on."""
    ops.set_auto_admit(caller.session, payload.on, caller.facilitator)
    return {"ok": True}


@live_event("add_in_room", InRoom, FAC)
def add_in_room(caller: Caller, payload: InRoom) -> dict:
    """Facilitator adds an in-room member without a device (a name or initials)."""
    try:
        name = clean_name(payload.name)
    except ValueError as exc:
        return {"ok": False, "error": str(exc)}
    p = roster.add_in_room(caller.session, name, caller.facilitator.id)
    return {"ok": True, "participant": p.id}


@live_event("roster", Empty, FAC)
def roster_snapshot(caller: Caller, _payload) -> dict:
    """Facilitator asks for the current roster (presence refresh)."""
    return {"ok": True, "roster": roster.payload(caller.session)}
