"""Round engine: a go-around with a talking piece, one voice at a time, everyone at most one turn.

State (``kind: "round"``)::

    phase            "ready" -> "running" -> "finished"
    mode, prompt, turn_seconds                       from RoundSettings
    members          {id: {name, in_room, present}}
    order            present member ids, each exactly once (the seating / shuffled arrangement)
    status           {id: waiting|speaking|done|passed|later|skipped}, kept for members who left
    speaker          the one member speaking, or None
    turn_started_at  when the current turn began; deadline = start + turn_seconds (+ extensions)
    airtime          {id: seconds spoken this round}, added when a turn ends (facilitators only)
    history          {id: seconds spoken before this round}, from the start option ``history``
    hands            raised hands, in raising order
    volunteers       volunteers, in volunteering order (volunteers mode)
    deferred         members who asked "come back to me later", in asking order (once each)
    left_open        set when the plan moved on while the round was open (``round_resume.suspend``): {"at", "speaker",
                     "hands", "volunteers"}
    resumed          set when going back carried the round on (``round_resume.reopen``): {"at", "spoken", "passed",
                     "of", "reopened"} (facilitators only)

Who speaks next is derived, never stored (see ``round_rules.upcoming``). Whenever a turn ends (next, pass,
later, skip, hand_on, the speaker leaving) the next eligible member starts speaking at once; when no
one is eligible the floor stays open. The deadline is soft: no command is refused because time is up.
"""
from __future__ import annotations

import random
from typing import Any

from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    acting_for,
    dispatch,
    int_arg,
    join,
    leave,
    member_arg,
    name_of,
    require_facilitator,
    round_records,
)
from activities.kinds.round_rules import (
    DONE,
    FINISHED,
    LATER,
    NOT_YET_SPOKEN,
    PASSED,
    READY,
    RUNNING,
    SKIPPED,
    SPEAKING,
    WAITING,
    advance,
    begin_turn,
    drop_from_queues,
    end_turn,
    possessive,
    require_phase,
    set_status,
    status_refusal,
    upcoming,
)
from activities.kinds.round_views import display_view, facilitator_view, participant_view, participant_views
from activities.schema import RoundSettings

MAX_EXTENSION_SECONDS = 1800


def start(settings: RoundSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    order = list(members)
    rng = random.Random(seed)
    if settings.order == "random":
        rng.shuffle(order)
    return {
        "kind": "round",
        "phase": READY,
        "mode": settings.order,
        "prompt": settings.prompt,
        "turn_seconds": settings.turn_seconds,
        "members": members,
        "order": order,
        "status": {member: WAITING for member in order},
        "speaker": None,
        "turn_started_at": None,
        "deadline": None,
        "airtime": {member: 0.0 for member in order},
        "history": dict(options.history),
        "hands": [],
        "volunteers": [],
        "deferred": [],
        "seat_salt": f"{rng.getrandbits(64):016x}",  # makes the phones' queue places unguessable (round_views)
    }


# ---- commands ---------------------------------------------------------------------------------


def _start(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, READY)
    state["phase"] = RUNNING
    advance(state, now)


def _next(state: State, cmd: Command, now: float) -> None:
    """A facilitator moves the round on; the speaker may also say "I'm done" (end their own turn)."""
    require_phase(state, RUNNING)
    if not cmd.actor.is_facilitator:
        if state["speaker"] is None or cmd.actor.id != state["speaker"]:
            raise Rejected("Only a facilitator can move the round on.")
    if state["speaker"] is None and not upcoming(state):
        raise Rejected("No hands are raised." if state["mode"] == "hand" else "Everyone has had a turn.")
    end_turn(state, now, DONE)
    advance(state, now)


def _pass(state: State, cmd: Command, now: float) -> None:
    require_phase(state, READY, RUNNING)
    member = acting_for(state, cmd, facilitator_may="anyone")
    status = state["status"][member]
    if status == SPEAKING:
        end_turn(state, now, PASSED)
        advance(state, now)
    elif status in (WAITING, LATER):
        set_status(state, member, PASSED)
    else:
        raise status_refusal(state, cmd, member)


def _later(state: State, cmd: Command, now: float) -> None:
    require_phase(state, READY, RUNNING)
    if state["mode"] == "hand":
        raise Rejected("In a raise-hand round, lower your hand or pass instead.")
    member = acting_for(state, cmd, facilitator_may="anyone")
    if member in state["deferred"]:
        raise Rejected("Coming back later can be asked once per round; passing is always fine.")
    status = state["status"][member]
    if status == SPEAKING:
        if not upcoming(state):
            raise Rejected("No one else is waiting to speak.")
        state["deferred"].append(member)
        end_turn(state, now, LATER)
        advance(state, now)
    elif status == WAITING:
        state["deferred"].append(member)
        set_status(state, member, LATER)
    else:
        raise status_refusal(state, cmd, member)


def _skip(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, READY, RUNNING)
    member = member_arg(state, cmd)
    status = state["status"][member]
    if status == SPEAKING:
        end_turn(state, now, SKIPPED)
        advance(state, now)
    elif status in (WAITING, LATER):
        set_status(state, member, SKIPPED)
    else:
        raise status_refusal(state, cmd, member)


def _reorder(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, READY, RUNNING)
    order = cmd.args.get("order")
    current = state["order"]
    if order is None and cmd.args.get("member") in current:  # one place up (step -1) or down (1)
        step = cmd.args.get("step")
        at = current.index(cmd.args["member"])
        if step not in (-1, 1) or not 0 <= at + step < len(current):
            raise Rejected("There is no place to move to.")
        order = list(current)
        order[at], order[at + step] = order[at + step], order[at]
    is_permutation = (
        isinstance(order, list)
        and all(isinstance(member, str) for member in order)
        and len(order) == len(current)
        and set(order) == set(current)
    )
    if not is_permutation:
        raise Rejected("The new order must list every member exactly once.")
    state["order"] = list(order)


def _extend(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, RUNNING)
    seconds = int_arg(cmd, "seconds", 1, MAX_EXTENSION_SECONDS,
                      f"Extra time must be 1 to {MAX_EXTENSION_SECONDS} seconds.")
    if state["speaker"] is None:
        raise Rejected("No one is speaking.")
    state["deadline"] += seconds


def _hand_on(state: State, cmd: Command, now: float) -> None:
    require_phase(state, RUNNING)
    speaker = state["speaker"]
    if not cmd.actor.is_facilitator and cmd.actor.id != speaker:
        raise Rejected("Only the person speaking can hand on the turn.")
    target = member_arg(state, cmd, "to")
    if target == speaker:
        raise Rejected(f"{name_of(state, target)} is speaking already.")
    # A facilitator may offer someone who passed a second chance (the go-around script does, at the
    # end); a speaker handing on the talking piece picks among those who have not spoken yet.
    allowed = NOT_YET_SPOKEN + ((PASSED,) if cmd.actor.is_facilitator else ())
    if state["status"][target] not in allowed:
        raise status_refusal(state, cmd, target)
    end_turn(state, now, DONE)
    begin_turn(state, target, now)


def _raise_hand(state: State, cmd: Command, now: float) -> None:
    require_phase(state, READY, RUNNING)
    member = acting_for(state, cmd, facilitator_may="in_room")
    if member in state["hands"]:
        raise Rejected(f"{possessive(state, cmd, member)} hand is already up.")
    if state["status"][member] not in (WAITING, LATER):
        raise status_refusal(state, cmd, member)
    state["hands"].append(member)


def _lower_hand(state: State, cmd: Command, now: float) -> None:
    require_phase(state, READY, RUNNING)
    member = acting_for(state, cmd, facilitator_may="in_room")
    if member not in state["hands"]:
        raise Rejected(f"{possessive(state, cmd, member)} hand is not up.")
    state["hands"].remove(member)


def _volunteer(state: State, cmd: Command, now: float) -> None:
    require_phase(state, READY, RUNNING)
    if state["mode"] != "volunteers":
        raise Rejected("This round does not ask for volunteers.")
    member = acting_for(state, cmd, facilitator_may="in_room")
    if member in state["volunteers"]:
        raise Rejected("Already volunteered, thank you.")
    if state["status"][member] != WAITING:
        raise status_refusal(state, cmd, member)
    state["volunteers"].append(member)


def _finish(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, READY, RUNNING)
    end_turn(state, now, DONE)
    state["phase"] = FINISHED
    state["hands"], state["volunteers"] = [], []


def _member_join(state: State, cmd: Command, now: float) -> None:
    member = join(state, cmd)
    state["order"].append(member)
    state["status"].setdefault(member, WAITING)
    state["airtime"].setdefault(member, 0.0)


def _member_leave(state: State, cmd: Command, now: float) -> None:
    member = leave(state, cmd)
    state["order"].remove(member)
    drop_from_queues(state, member)
    if member == state["speaker"]:
        end_turn(state, now, DONE)
        advance(state, now)


HANDLERS = {
    "start": _start,
    "next": _next,
    "pass": _pass,
    "later": _later,
    "skip": _skip,
    "reorder": _reorder,
    "extend": _extend,
    "hand_on": _hand_on,
    "raise_hand": _raise_hand,
    "lower_hand": _lower_hand,
    "volunteer": _volunteer,
    "finish": _finish,
    "member_join": _member_join,
    "member_leave": _member_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


ENGINE = KindEngine("round", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=round_records.erase_member, member_record=round_records.member_record,
                    summary=round_records.summary,
                    participant_views=participant_views)
