"""The back-channel: short notes between the co-facilitators of a session, in the console only.

A note is a frame command (`backchannel_note`, activities/frame.py) sent through the live hub, so it is
kept in the session's state document and reaches every facilitator's console on every process. The
writer's name comes from their account here, never from the client."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from activities.frame import BACKCHANNEL_NOTE_MAX
from core import live
from core.events import Key
from core.sockets import Caller, live_event
from core.text import clean_text
from facilitator.events import FAC, Strict


class Note(Strict):
    # Longer than a note may be, so that a long note gets a reason rather than "not valid".
    text: Annotated[str, Field(max_length=4 * BACKCHANNEL_NOTE_MAX)]
    key: Key | None = None


@live_event("backchannel", Note, FAC)
def backchannel(caller: Caller, payload: Note) -> dict:
    """A facilitator sends a note to the session's other facilitators."""
    try:
        text = clean_text(payload.text, BACKCHANNEL_NOTE_MAX)
    except ValueError as exc:
        return {"ok": False, "error": str(exc)}
    command = {"type": "backchannel_note", "text": text, "name": caller.facilitator.name,
               "actor": caller.actor()}
    return live.execute(caller.session, command, payload.key)
