"""The one broadcaster: after a command commits, each audience gets what changed for it.

- Participants first, then the room display, then the facilitators (whose view carries the console's
  markup, the costliest to make; core/live/console_pace.py paces it for big sessions).
- Facilitators and the room display get their whole view (``view``), one message to their room.
- Participants' views are split (activities/split.py) into the part the room shares and each member's
  personal part. The shared part goes once to the participants' room (``shared``) and a personal part
  only to a member whose part changed (``mine``), so one member's answer is one small message, and a
  go-around's next speaker is one shared message and the two speakers' personal parts.

What changed is known by comparing with what this process sent for the version the command was
built on (kept in memory, for the most recent sessions). When this process did not send that version
(another process did, or it restarted), everything is sent: sending too much is only slower, never
wrong, and the database's state stays the truth. What is remembered is a digest of each part, never
the part: no member's words stay in memory after a broadcast (nor after an erasure or the purge). A
``mine`` sent with a ``shared`` of the same version says so (``with_shared``), and goes first, so a
phone draws both together.

The activity's item (title, intro, prompts, settings: most of a shared part's bytes, and the same for
the whole activity) goes with the first shared part of an activity, and after that the shared part
carries only its ``item_key`` (static/js/kit.js ``viewParts`` keeps the item; a phone that does not
hold that key asks for the whole view). Snapshots and ``sync`` answers always carry the item.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from activities import jsondata
from activities.split import NOBODY, split_participants, without_item
from core import views
from core.extensions import socketio
from core.live import screens
from core.live.console_pace import PACE
from core.models import GroupSession

KEEP_SESSIONS = 512  # sessions whose last-sent parts are remembered (a few KB each)


def rooms(session_id: int) -> dict[str, str]:
    return {
        "facilitators": f"s{session_id}:fac",
        "participants": f"s{session_id}:part",
        "display": f"s{session_id}:display",
    }


def participant_room(participant_id: int) -> str:
    return f"p{participant_id}"


def member_room(member_id: str) -> str:
    return participant_room(int(member_id[1:]))


@dataclass
class Sent:
    """What this process last sent one session's participants: the version and each part's digest.
    ``public_id`` tells a session from an earlier one with the same row id (SQLite reuses the id of
    the last row once it is deleted; the tests' databases start again at 1)."""
    public_id: str
    version: int
    shared: str
    item: str = ""  # the item_key of the activity the room has the item of
    mine: dict[str, str] = field(default_factory=dict)


class SentParts:
    """The last-sent parts of the most recent sessions (least recently sent forgotten first)."""

    def __init__(self, size: int = KEEP_SESSIONS) -> None:
        self._size, self._lock, self._sent = size, threading.Lock(), OrderedDict()

    def get(self, session_id: int) -> Sent | None:
        with self._lock:
            return self._sent.get(session_id)

    def put(self, session_id: int, sent: Sent) -> None:
        with self._lock:
            known = self._sent.get(session_id)
            if known is not None and known.public_id == sent.public_id and known.version > sent.version:
                # a later broadcast of this session finished first
                return
            self._sent[session_id] = sent
            self._sent.move_to_end(session_id)
            while len(self._sent) > self._size:
                self._sent.popitem(last=False)

    def forget(self, session_id: int) -> None:
        with self._lock:
            self._sent.pop(session_id, None)


SENT = SentParts()


def participant_parts(session: GroupSession, state: dict, version: int,
                      members: list[str]) -> tuple[dict, dict[str, dict]]:
    """(shared, {member: mine}) for these members (the shared part alone when there are none)."""
    full = views.participants(session, state, version, members or [NOBODY])
    shared, mine = split_participants(full)
    return shared, ({} if not members else mine)


def broadcast(session: GroupSession, state: dict, version: int, effects: list[dict], *,
              after: int | None = None) -> None:
    """Send every audience what changed at ``version``. ``after``: the version the command was built
    on (None: not known, e.g. a settings refresh, so everything is sent)."""
    r = rooms(session.id)
    _participants(session, state, version, after)  # the phones first: the console's markup costs most
    # Let the sockets' writers send the phones their parts before the screens are drawn (under gevent a
    # drawing holds the process: the phones' messages would wait behind the console's markup).
    socketio.sleep(0)
    socketio.emit("view", screens.display(session, state, version), to=r["display"])
    PACE.send(session.id, session.public_id, views.facilitator(session, state, version), r["facilitators"],
              screens.draw_console, len(state["members"]))
    for effect in effects:
        if effect.get("type") == "alert":
            socketio.emit("alert", views.alert(state, effect), to=r["facilitators"])


def _participants(session: GroupSession, state: dict, version: int, after: int | None) -> None:
    members = [m["id"] for m in state["members"] if not m["in_room"]]
    shared, mine = participant_parts(session, state, version, members)
    before = SENT.get(session.id) if after is not None else None
    if before is not None and (before.version != after or before.public_id != session.public_id):
        before = None
    shared_digest = jsondata.digest({k: v for k, v in shared.items() if k not in ("version", "server_time")})
    send_shared = before is None or before.shared != shared_digest
    item = (shared.get("activity") or {}).get("item_key", "")
    sent = Sent(session.public_id, version, shared_digest, item)
    for member, part in mine.items():
        sent.mine[member] = digest = jsondata.digest(part)
        if before is None or before.mine.get(member) != digest:
            socketio.emit("mine", {"version": version, **part, "with_shared": send_shared}, to=member_room(member))
    if send_shared:
        if item and before is not None and before.item == item:  # the room has this activity's item
            shared = without_item(shared)
        socketio.emit("shared", shared, to=rooms(session.id)["participants"])
    SENT.put(session.id, sent)
