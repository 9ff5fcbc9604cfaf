"""Round views: what facilitators, each participant and the room display see of a round.

Airtime and speaking history are for facilitators only (a fairness view, never shown to the group).
"""
from __future__ import annotations

import hashlib
from typing import Any

from activities.kinds import State, View, is_present, name_of
from activities.kinds.round_rules import FINISHED, LATER, NOT_YET_SPOKEN, SPEAKING, WAITING, upcoming


def _common_view(state: State) -> View:
    keys = ("phase", "mode", "prompt", "turn_seconds", "turn_started_at", "deadline")
    return {"kind": "round", **{key: state[key] for key in keys}}


def _member_row(state: State, member: str) -> dict[str, Any]:
    record = state["members"][member]
    return {
        "id": member,
        **record,
        "status": state["status"][member],
        "airtime": state["airtime"][member],
        "spoken_before": state["history"].get(member, 0.0),
        "hand_raised": member in state["hands"],
        "volunteered": member in state["volunteers"],
        "asked_later": member in state["deferred"],
    }


def facilitator_view(state: State) -> View:
    """Everything, airtime included (the live speaker's running turn is not in it yet)."""
    in_order = set(state["order"])
    gone = [member for member in state["members"] if member not in in_order]
    speaker = state["speaker"]
    return {
        **_common_view(state),
        "speaker": None if speaker is None else {"id": speaker, "name": name_of(state, speaker)},
        "order": list(state["order"]),
        "upcoming": upcoming(state),
        "hands": list(state["hands"]),
        "volunteers": list(state["volunteers"]),
        "members": [_member_row(state, member) for member in [*state["order"], *gone]],
        "resumed": _resumed(state),
    }


def _resumed(state: State) -> dict[str, Any] | None:
    """How far the round had got when going back carried it on ("Resumed: 3 of 8 have spoken")."""
    resumed = state.get("resumed")
    if not isinstance(resumed, dict):
        return None
    reopened = resumed.get("reopened")
    return {**resumed, "reopened": None if reopened is None else {"id": reopened, "name": name_of(state, reopened)}}


QUEUE_SHOWN = 25  # the phones' queue holds the next 25 places; further back a phone says "at least 25 before you"


def seat(state: State, member: str) -> str:
    """A member's place token in this round: the phones share one queue of tokens (so the room's part
    of the view is the same for everyone, activities/split.py) and each phone knows only its own. The
    queue says how many are before me, not who they are: a token meets a name only when its holder is
    "up next", which the room sees anyway. Salted per round (``seat_salt``), so tokens mean nothing
    from one round to the next; a round started before the salt existed uses its order instead."""
    salt = state.get("seat_salt") or repr(state["order"])
    return hashlib.sha256(f"{salt}:{member}".encode()).hexdigest()[:12]


def participant_view(state: State, member_id: str) -> View:
    return _participant_view(state, member_id, _seats(state))


def participant_views(state: State, members: list[str]) -> dict[str, View]:
    """The same views for many members, with the queue worked out once (not once per member)."""
    queue = _seats(state)
    return {member: _participant_view(state, member, queue) for member in members}


def _seats(state: State) -> tuple[list[str], list[str]]:
    ids = upcoming(state)
    return ids, [seat(state, member) for member in ids[:QUEUE_SHOWN]]


def _participant_view(state: State, member_id: str, seats: tuple[list[str], list[str]]) -> View:
    queue, tokens = seats
    status = state["status"].get(member_id) if is_present(state, member_id) else None
    open_round = state["phase"] != FINISHED
    my_turn = status == SPEAKING
    hand_on_to = [
        {"id": member, "name": name_of(state, member)}
        for member in state["order"]
        if state["status"][member] in NOT_YET_SPOKEN
    ] if my_turn else []
    return {
        **_common_view(state),
        "speaker": name_of(state, state["speaker"]),
        "up_next": name_of(state, queue[0]) if queue else None,
        "queue": tokens,  # who speaks next, in order, as place tokens: each phone finds its own ("me")
        "queue_more": max(0, len(queue) - len(tokens)),  # further back than the queue shows
        "me": seat(state, member_id),
        "my_status": status,
        "my_turn": my_turn,
        "hand_raised": member_id in state["hands"],
        "volunteered": member_id in state["volunteers"],
        "can_pass": open_round and status in (SPEAKING, WAITING, LATER),
        "can_come_back_later": open_round and state["mode"] != "hand"
        and status in (SPEAKING, WAITING) and member_id not in state["deferred"],
        "hand_on_to": hand_on_to,
    }


def display_view(state: State, show_names: bool) -> View:
    queue = upcoming(state)
    speaker = state["speaker"]
    return {
        **_common_view(state),
        "speaker": None if speaker is None else (name_of(state, speaker) if show_names else "Speaking now"),
        "up_next": None if not queue else (name_of(state, queue[0]) if show_names else "Next speaker"),
        "still_to_speak": len(queue),
        "hands_raised": len(state["hands"]),
    }
