"""The session frame as a pure state machine: phase, the facilitator's message, passes, pause signals.

Same contract as the activity engines (docs/ENGINE_CONTRACT.md): `apply(state, command, now)`
returns `(new_state, effects)` or raises `Rejected`; no Flask, no DB, no clock.
"""
from __future__ import annotations

from activities.engine import Rejected, copy_state

PHASES = ("lobby", "running", "paused", "ended")
NEXT_PHASES = {
    "lobby": {"running", "ended"},
    "running": {"paused", "ended"},
    "paused": {"running", "ended"},
    "ended": set(),
}
MESSAGE_MAX = 500
NOTE_MAX = 200
DEFAULT_PAUSE_NOTE = "Let's take a short pause together. Breathe, stretch, look around the room."
OPEN_SIGNALS_KEPT = 200
BACKCHANNEL_NOTE_MAX = 500  # characters in one note between facilitators
BACKCHANNEL_KEPT = 200  # notes a session holds; more are refused, none is dropped


def new_state() -> dict:
    return {
        "phase": "lobby",
        "message": "",
        "pause_note": "",
        "show_names": False,
        "show_join": False,  # the join QR and code on the room display after the start, for latecomers
        "members": [],  # admitted members: {"id", "name", "in_room"}
        "passes": [],  # member ids who passed on the current message or activity
        "pass_count": {},  # member id: how many times they passed this session (for their note); facilitators only
        "signals": [],  # private "I need a pause" signals; facilitators only
        "next_signal": 1,
        "backchannel": [],  # notes between co-facilitators; facilitators only
    }


def _member(state: dict, member_id: str | None) -> dict:
    for m in state["members"]:
        if m["id"] == member_id:
            return m
    raise Rejected("That person is not in the session.")


def _acting_member(state: dict, command: dict) -> dict:
    """The member a command is about: a participant acts for themselves, a facilitator for anyone."""
    actor = command["actor"]
    if actor["role"] == "participant":
        if command.get("member") not in (None, actor["id"]):
            raise Rejected("You can only do this for yourself.")
        return _member(state, actor["id"])
    if actor["role"] in ("facilitator", "system"):
        return _member(state, command.get("member"))
    raise Rejected("Not allowed.")


def _require(command: dict, *roles: str) -> None:
    if command["actor"]["role"] not in roles:
        raise Rejected("Only a facilitator can do that." if "facilitator" in roles else "Not allowed.")


def _text(command: dict, field: str, limit: int) -> str:
    value = command.get(field, "")
    if not isinstance(value, str):
        raise Rejected("That text is not valid.")
    value = value.strip()
    if len(value) > limit:
        raise Rejected(f"Please keep it under {limit} characters.")
    return value


def set_phase(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "facilitator")
    to = command.get("to")
    if to not in PHASES:
        raise Rejected("Unknown session state.")
    if to not in NEXT_PHASES[state["phase"]]:
        raise Rejected(f"The session cannot go from {state['phase']} to {to}.")
    state["phase"] = to
    state["pause_note"] = (_text(command, "note", NOTE_MAX) or DEFAULT_PAUSE_NOTE) if to == "paused" else ""
    return [{"type": "phase", "phase": to}]


def set_message(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "facilitator")
    state["message"] = _text(command, "text", MESSAGE_MAX)
    state["passes"] = []
    return []


def pass_turn(state: dict, command: dict, now: float) -> list[dict]:
    member = _acting_member(state, command)
    if member["id"] not in state["passes"]:
        state["passes"].append(member["id"])
        counts = state.setdefault("pass_count", {})
        counts[member["id"]] = counts.get(member["id"], 0) + 1
    return []


def pause_signal(state: dict, command: dict, now: float) -> list[dict]:
    member = _acting_member(state, command)
    for sig in state["signals"]:
        if sig["member"] == member["id"] and sig["ack_at"] is None:
            return []  # already waiting for a facilitator: a second tap changes nothing
    sig = {"id": state["next_signal"], "member": member["id"], "name": member["name"], "kind": "pause",
           "at": now, "ack_at": None, "ack_note": ""}
    state["next_signal"] += 1
    state["signals"] = (state["signals"] + [sig])[-OPEN_SIGNALS_KEPT:]
    return [{"type": "alert", "kind": "pause", "member": member["id"], "signal": sig["id"]}]


def ack_signal(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "facilitator")
    note = _text(command, "note", NOTE_MAX)
    for sig in state["signals"]:
        if sig["id"] == command.get("signal"):
            if sig["ack_at"] is not None:
                raise Rejected("That signal was already answered.")
            sig["ack_at"], sig["ack_note"] = now, note
            return []
    raise Rejected("That signal is no longer there.")


def backchannel_note(state: dict, command: dict, now: float) -> list[dict]:
    """A note from one facilitator to the others. It is in the facilitators' view only. The hub gives
    the writer's name (`name`) and cleans the text; a client cannot set either through a plain command."""
    _require(command, "facilitator")
    name = command.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Rejected("Send notes from the console's Between facilitators panel.")
    text = _text(command, "text", BACKCHANNEL_NOTE_MAX)
    if not text:
        raise Rejected("Please write a note first.")
    notes = state.get("backchannel", [])
    if len(notes) >= BACKCHANNEL_KEPT:
        raise Rejected(f"This session already holds {BACKCHANNEL_KEPT} notes between facilitators, the most it "
                       "keeps. Please talk at the break.")
    note_id = notes[-1]["id"] + 1 if notes else 1
    state["backchannel"] = [*notes, {"id": note_id, "by": command["actor"]["id"], "name": name.strip(),
                                     "text": text, "at": now}]
    return []


def show_names(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "facilitator")
    state["show_names"] = bool(command.get("on"))
    return []


def show_join(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "facilitator")
    state["show_join"] = bool(command.get("on"))
    return []


def member_join(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "system")
    member = command.get("member_info") or {}
    if not isinstance(member.get("id"), str) or not isinstance(member.get("name"), str):
        raise Rejected("Member details are missing.")
    if any(m["id"] == member["id"] for m in state["members"]):
        return []
    record = {"id": member["id"], "name": member["name"], "in_room": bool(member.get("in_room"))}
    if isinstance(member.get("remote"), bool):  # where they are (a phone in the room is not remote); see set_place
        record["remote"] = member["remote"] and not record["in_room"]
    state["members"].append(record)
    return []


def set_place(state: dict, command: dict, now: float) -> list[dict]:
    """Where someone is in a hybrid session: in the room or joining from elsewhere (pairs and triads
    group by it). A participant says it for themselves; a facilitator may correct it for anyone."""
    member = _acting_member(state, command)
    remote = command.get("remote")
    if not isinstance(remote, bool):
        raise Rejected("Choose in the room or from elsewhere.")
    if member["in_room"] and remote:
        raise Rejected(f"{member['name']} is in the room without a device.")
    member["remote"] = remote
    return []


def place_target(command: dict) -> str | None:
    """Whose place a (validated) ``set_place`` command set."""
    return command["actor"]["id"] if command["actor"]["role"] == "participant" else command.get("member")


def is_remote(member: dict) -> bool:
    """A member record's place; records from before the choice existed: remote unless in the room without a device."""
    return bool(member.get("remote", not member["in_room"]))


def member_leave(state: dict, command: dict, now: float) -> list[dict]:
    _require(command, "system")
    member_id = command.get("member")
    state["members"] = [m for m in state["members"] if m["id"] != member_id]
    state["passes"] = [p for p in state["passes"] if p != member_id]
    state["signals"] = [s for s in state["signals"] if s["member"] != member_id]
    return []


def erase_target(command: dict) -> str:
    """Whose data an ``erase_member`` command erases: a participant only their own, the server anyone's."""
    actor, member_id = command["actor"], command.get("member")
    if actor["role"] == "participant":
        if member_id not in (None, actor["id"]):
            raise Rejected("You can only do this for yourself.")
        return actor["id"]
    if actor["role"] != "system":
        raise Rejected("Not allowed.")
    if not isinstance(member_id, str) or not member_id:
        raise Rejected("Please choose a member.")
    return member_id


def erase_member(state: dict, command: dict, now: float) -> list[dict]:
    """Forget what the frame holds of one person (passes, pause signals and their answers); they stay
    admitted if they are. The running activity's part is erased by core.state, for any kind."""
    member_id = erase_target(command)
    state["passes"] = [p for p in state["passes"] if p != member_id]
    state.get("pass_count", {}).pop(member_id, None)
    state["signals"] = [s for s in state["signals"] if s["member"] != member_id]
    return []


COMMANDS = {
    "set_phase": set_phase,
    "set_message": set_message,
    "pass": pass_turn,
    "pause_signal": pause_signal,
    "ack_signal": ack_signal,
    "show_names": show_names,
    "show_join": show_join,
    "set_place": set_place,
    "backchannel_note": backchannel_note,
    "member_join": member_join,
    "member_leave": member_leave,
    "erase_member": erase_member,
}


def apply(state: dict, command: dict, now: float) -> tuple[dict, list[dict]]:
    handler = COMMANDS.get(command.get("type"))
    if handler is None:
        raise Rejected("Unknown command.")
    if state["phase"] == "ended" and command["type"] not in ("member_leave", "erase_member"):
        raise Rejected("This session has ended.")
    new = copy_state(state)  # the activity is core.state's to change (by replacing it)
    return new, handler(new, command, now)


# ---- views ----------------------------------------------------------------------------------


def facilitator_view(state: dict) -> dict:
    return {
        "phase": state["phase"],
        "message": state["message"],
        "pause_note": state["pause_note"],
        "show_names": state["show_names"],
        "show_join": state.get("show_join", False),
        "members": state["members"],
        "passes": state["passes"],
        "signals": [s for s in state["signals"] if s["ack_at"] is None],
        "backchannel": state.get("backchannel", []),  # facilitators only: never in the two views below
    }


def participant_view(state: dict, member_id: str) -> dict:
    return participant_views(state, [member_id])[member_id]


def participant_views(state: dict, member_ids: list[str]) -> dict[str, dict]:
    """``participant_view`` for many members (a broadcast), the members and signals indexed once."""
    remote = {m["id"] for m in state["members"] if is_remote(m)}
    passes = set(state["passes"])
    last: dict[str, dict] = {}
    for signal in state["signals"]:
        last[signal["member"]] = signal  # each member's latest signal
    out = {}
    for member_id in member_ids:
        signal = last.get(member_id)
        out[member_id] = {
            "phase": state["phase"],
            "message": state["message"],
            "pause_note": state["pause_note"],
            "passed": member_id in passes,
            "remote": member_id in remote,
            "signal": None if signal is None else {"acknowledged": signal["ack_at"] is not None,
                                                   "note": signal["ack_note"]},
        }
    return out


def display_view(state: dict) -> dict:
    return {
        "phase": state["phase"],
        "message": state["message"],
        "pause_note": state["pause_note"],
        "show_names": state["show_names"],
        "names": [m["name"] for m in state["members"]] if state["show_names"] else [],
        "count": len(state["members"]),
        "show_join": state.get("show_join", False),
    }
