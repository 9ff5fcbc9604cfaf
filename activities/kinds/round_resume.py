"""Leaving a go-around and coming back to it (the plan's Next / Back; see activities/plan.py): the
round notes what was left open (``suspend``) and carries on from there (``reopen``). State keys:
activities/kinds/round.py."""
from __future__ import annotations

from typing import Any

from activities.kinds import State
from activities.kinds.round_rules import (
    DONE,
    FINISHED,
    LATER,
    PASSED,
    READY,
    RUNNING,
    WAITING,
    advance,
    begin_turn,
    end_turn,
)


def suspend(state: State, now: float) -> State:
    """The plan moves on from this round: the running turn closes (its airtime counts) and the round
    finishes. A round left open (someone speaking or still to speak) notes so in ``left_open``, so that
    going back to it carries on where it was (``reopen``) instead of starting again."""
    if state["phase"] not in (READY, RUNNING):
        return state
    speaker = state["speaker"]
    still_open = state["phase"] == RUNNING and (speaker is not None or any(
        state["status"][member] in (WAITING, LATER) for member in state["order"]))
    end_turn(state, now, DONE)
    state["phase"] = FINISHED
    if still_open:  # raised hands and volunteers wait with the round (``reopen`` brings them back)
        state["left_open"] = {"at": now, "speaker": speaker, "hands": state["hands"],
                              "volunteers": state["volunteers"]}
    state["hands"], state["volunteers"] = [], []
    return state


def can_reopen(state: State) -> bool:
    return state.get("phase") == FINISHED and isinstance(state.get("left_open"), dict)


def reopen(state: State, members: dict[str, dict[str, Any]], now: float) -> State:
    """A round the plan left open, carrying on with today's members: who spoke or passed stays so, a
    member who arrived meanwhile waits for a turn (at the end of the order), one who left is gone. The
    turn that was cut off starts again for its speaker (still here); otherwise the next turn starts."""
    left = state.pop("left_open")
    for member in list(state["order"]):
        if member not in members:
            state["members"][member]["present"] = False
            state["order"].remove(member)
            state["deferred"] = [m for m in state["deferred"] if m != member]
    for member, record in members.items():
        if member not in state["order"]:
            state["order"].append(member)
        state["members"][member] = dict(record)
        state["status"].setdefault(member, WAITING)
        state["airtime"].setdefault(member, 0.0)
    state["phase"] = RUNNING
    waiting = [m for m in state["order"] if state["status"].get(m) in (WAITING, LATER)]
    state["hands"] = [m for m in left.get("hands", []) if m in waiting]  # still here, still to speak
    state["volunteers"] = [m for m in left.get("volunteers", []) if m in waiting]
    speaker = left.get("speaker")
    reopened = speaker if speaker in members and state["status"].get(speaker) == DONE else None
    if reopened is not None:
        begin_turn(state, reopened, now)
    else:
        advance(state, now)
    statuses = [state["status"][member] for member in state["order"]]
    state["resumed"] = {"at": now, "spoken": statuses.count(DONE), "passed": statuses.count(PASSED),
                        "of": len(statuses), "reopened": reopened}
    return state
