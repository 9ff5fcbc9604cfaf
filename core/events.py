"""Socket.IO events every audience uses: snapshot on demand, presence, and live commands."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core import live
from core.sockets import Caller, enter_rooms, live_event, snapshot_for, touch_presence

ALL = ("facilitator", "participant", "waiting", "display")
Key = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class Empty(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PresencePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["here", "away"]


class CommandPayload(BaseModel):
    """A live command. Its arguments are checked by the engine; `actor` always comes from the server."""

    model_config = ConfigDict(extra="forbid")
    type: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_.]+$")]
    key: Key | None = None
    to: Annotated[str, Field(max_length=20)] | None = None
    text: Annotated[str, Field(max_length=2000)] | None = None
    note: Annotated[str, Field(max_length=500)] | None = None
    member: Annotated[str, Field(max_length=20)] | None = None
    signal: int | None = None
    alert: int | None = None  # alert_followup: which alert, and its new follow-up state
    followup: Annotated[str, Field(max_length=20)] | None = None
    on: bool | None = None
    remote: bool | None = None  # set_place: joining from elsewhere (True) or in the room (False)
    index: Annotated[int, Field(ge=0, le=100)] | None = None
    action: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")] | None = None
    args: dict | None = None  # checked by the activity engine; the whole event is size-capped

    def command(self, caller: Caller) -> dict:
        args = self.model_dump(exclude={"key"}, exclude_none=True)
        return {**args, "actor": caller.actor()}


@live_event("sync", Empty, ALL)
def sync(caller: Caller, _payload) -> dict:
    """Any client asks for its full snapshot (after a version gap or once admitted); ack carries it."""
    enter_rooms(caller)
    return {"ok": True, **snapshot_for(caller)}


@live_event("presence", PresencePayload, ALL)
def presence(caller: Caller, payload: PresencePayload) -> dict:
    """A client says it is looking (here) or its tab is hidden (away); the console's roster updates."""
    touch_presence(caller, payload.state)
    return {"ok": True}


@live_event("command", CommandPayload, ("facilitator", "participant"))
def command(caller: Caller, payload: CommandPayload) -> dict:
    """Facilitator or admitted participant sends a live command; everyone gets their new view."""
    return live.execute(caller.session, payload.command(caller), payload.key)
