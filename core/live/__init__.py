"""The live session: one place every change goes through (docs/ARCHITECTURE.md, "How a command travels").

- ``hub``: ``execute`` applies one command to the session's state document and commits it (version
  check, idempotency receipt), then hands the new state to
- ``fanout``: ``broadcast`` sends each audience what changed (facilitators and the display their whole
  view; participants the room's shared part once and each member's personal part when it changed);
- ``console_pace``: the console's view, sent at once, or paced when drawing it is costly (big groups);
- ``held``: the state this process wrote last per session, so the next command need not read it back;
- ``screens``: the room display's markup, rendered from its view by the Jinja partials in
  core/templates/live/display/ and morphed into the page.
"""
from core.live.console_pace import PACE
from core.live.fanout import SENT, Sent, broadcast, member_room, participant_parts, participant_room, rooms
from core.live.held import HELD
from core.live.hub import MAX_RETRIES, execute, load_state, refresh, snapshot, system

__all__ = ["HELD", "MAX_RETRIES", "PACE", "SENT", "Sent", "broadcast", "execute", "load_state", "member_room", "participant_parts",
           "participant_room", "refresh", "rooms", "snapshot", "system"]
