"""Pacer engine: a breathing pattern or the 5-4-3-2-1 senses exercise, in sync on every screen.

The server never ticks. The state records when the pacer started and every view hands out the
pattern and timings, so each client animates locally against the server clock (reduced motion is a
client concern).

State (``kind: "pacer"``)::

    mode             "breathing" | "senses"
    pattern, cycles  breathing: phases [{label, seconds}] repeated ``cycles`` times
    senses           senses: steps [{count, prompt}], each ``step_seconds`` long
    members          {id: {name, in_room, present}}
    running          False after "stop", True again after "restart"
    started_at       when the exercise (re)started; stopped_at when it was stopped, else None
    step             senses: the step that began at ``step_started_at`` (later steps follow on
                     their own every ``step_seconds``; "next_step" moves on early)
"""
from __future__ import annotations

from typing import Any

from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    Summary,
    View,
    dispatch,
    handle_join,
    handle_leave,
    require_facilitator,
)
from activities.kinds.shared_records import erase_name_only, fact, no_record, summary_of
from activities.schema import PacerSettings


def start(settings: PacerSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    state = {
        "kind": "pacer",
        "mode": settings.mode,
        "pattern": [phase.model_dump() for phase in settings.pattern],
        "cycles": settings.cycles,
        "senses": [step.model_dump() for step in settings.senses],
        "step_seconds": settings.step_seconds,
        "members": members,
    }
    _begin(state, now)
    return state


def _begin(state: State, now: float) -> None:
    state.update(running=True, started_at=now, stopped_at=None, step=0, step_started_at=now)


def _cycle_seconds(state: State) -> int:
    return sum(phase["seconds"] for phase in state["pattern"])


def _total_seconds(state: State) -> int:
    if state["mode"] == "senses":
        return len(state["senses"]) * state["step_seconds"]
    return _cycle_seconds(state) * state["cycles"]


def _ends_at(state: State) -> float:
    if state["mode"] == "senses":
        steps_left = len(state["senses"]) - state["step"]
        return state["step_started_at"] + steps_left * state["step_seconds"]
    return state["started_at"] + _total_seconds(state)


def step_at(state: State, now: float) -> int:
    """The senses step showing at ``now``: the manual step plus the ones that followed on their own."""
    elapsed = max(0.0, now - state["step_started_at"])
    return min(len(state["senses"]) - 1, state["step"] + int(elapsed // state["step_seconds"]))


# ---- commands ---------------------------------------------------------------------------------


def _restart(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    _begin(state, now)


def _stop(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    if not state["running"]:
        raise Rejected("The pacer is already stopped.")
    state["running"] = False
    state["stopped_at"] = now


def _next_step(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    if state["mode"] != "senses":
        raise Rejected("Only the senses exercise has steps.")
    if not state["running"]:
        raise Rejected("The pacer is stopped.")
    following = step_at(state, now) + 1
    if following >= len(state["senses"]):
        raise Rejected("This is the last step.")
    state["step"] = following
    state["step_started_at"] = now


HANDLERS = {
    "restart": _restart,
    "stop": _stop,
    "next_step": _next_step,
    "member_join": handle_join,
    "member_leave": handle_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


# ---- views (the same for every audience: nothing here is private) ----------------------------


def _view(state: State) -> View:
    keys = ("mode", "running", "started_at", "stopped_at", "cycles", "step", "step_started_at",
            "step_seconds")
    return {
        "kind": "pacer",
        **{key: state[key] for key in keys},
        "pattern": [dict(phase) for phase in state["pattern"]],
        "senses": [dict(step) for step in state["senses"]],
        "cycle_seconds": _cycle_seconds(state),
        "total_seconds": _total_seconds(state),
        "ends_at": _ends_at(state),
    }


def facilitator_view(state: State) -> View:
    return _view(state)


def participant_view(state: State, member_id: str) -> View:
    return _view(state)


def display_view(state: State, show_names: bool) -> View:
    return _view(state)


# ---- the data it owns: only who took part (nobody writes anything in a pacer) -------------------


def summary(state: State) -> Summary:
    exercise = "Breathing" if state.get("mode") == "breathing" else "5-4-3-2-1 senses"
    return summary_of("pacer", facts=[fact("Exercise", exercise), fact("Taking part", len(state.get("members", {})))])


ENGINE = KindEngine("pacer", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=erase_name_only, member_record=no_record, summary=summary)
