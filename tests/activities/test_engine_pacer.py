"""Pacer engine: breathing and senses timings, restart/stop/next_step, the same view for everyone."""
from __future__ import annotations

import json
from typing import Any

import pytest

from activities import engine
from activities.engine import Rejected
from activities.schema import ActivityAdapter

F = {"role": "facilitator", "id": "f1"}
P1 = {"role": "participant", "id": "p1"}
MEMBERS = [{"id": "p1", "name": "Ana"}]
BOX = [{"label": "in", "seconds": 4}, {"label": "hold", "seconds": 4},
       {"label": "out", "seconds": 4}, {"label": "rest", "seconds": 4}]
SENSES = [{"count": 5, "prompt": "Things you see"}, {"count": 4, "prompt": "Things you can touch"},
          {"count": 3, "prompt": "Things you hear"}]


def make(**settings: Any) -> dict[str, Any]:
    activity = ActivityAdapter.validate_python({
        "slug": "grounding", "title": "Grounding", "category": "skill", "summary": "Settle together.",
        "purpose": "Settle.", "intro": "Breathe with the screen.", "duration": 5,
        "steps": [{"minutes": 3, "text": "Breathe."}], "prompts": ["Notice your breath."],
        "kind": "pacer", "settings": settings,
    })
    return engine.start(activity, MEMBERS, 1000.0, 1)


def breathing() -> dict[str, Any]:
    return make(mode="breathing", pattern=BOX, cycles=5)


def senses() -> dict[str, Any]:
    return make(mode="senses", senses=SENSES, step_seconds=30)


def run(state: dict[str, Any], kind: str, now: float, actor: dict[str, Any] = F) -> dict[str, Any]:
    snapshot = json.dumps(state)
    new_state, _ = engine.apply(state, {"type": kind, "actor": actor}, now)
    assert json.dumps(state) == snapshot
    return new_state


def reason(state: dict[str, Any], kind: str, now: float = 1001.0, actor: dict[str, Any] = F) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, {"type": kind, "actor": actor}, now)
    return caught.value.reason


def test_breathing_view_gives_clients_what_they_need_to_animate():
    view = engine.display_view(breathing(), show_names=False)
    assert view["started_at"] == 1000.0 and view["running"] is True
    assert view["pattern"] == BOX and view["cycles"] == 5
    assert view["cycle_seconds"] == 16 and view["total_seconds"] == 80 and view["ends_at"] == 1080.0


def test_restart_resets_the_start_time():
    state = run(breathing(), "restart", 1500.0)
    assert state["started_at"] == 1500.0 and engine.facilitator_view(state)["ends_at"] == 1580.0


def test_stop_then_restart():
    state = run(breathing(), "stop", 1010.0)
    assert state["running"] is False and state["stopped_at"] == 1010.0
    assert reason(state, "stop") == "The pacer is already stopped."
    state = run(state, "restart", 1020.0)
    assert state["running"] is True and state["stopped_at"] is None


@pytest.mark.parametrize("kind", ["restart", "stop", "next_step"])
def test_participants_cannot_drive_the_pacer(kind):
    assert reason(senses(), kind, actor=P1) == "Only a facilitator can do that."


def test_senses_timings():
    view = engine.participant_view(senses(), "p1")
    assert view["senses"] == SENSES and view["step"] == 0 and view["step_started_at"] == 1000.0
    assert view["total_seconds"] == 90 and view["ends_at"] == 1090.0


def test_next_step_moves_on_early():
    state = run(senses(), "next_step", 1010.0)
    assert state["step"] == 1 and state["step_started_at"] == 1010.0
    assert engine.display_view(state, show_names=True)["ends_at"] == 1010.0 + 2 * 30


def test_next_step_counts_steps_that_followed_on_their_own():
    state = run(senses(), "next_step", 1035.0)  # step 1 was already showing
    assert state["step"] == 2
    assert reason(state, "next_step", 1036.0) == "This is the last step."


def test_next_step_refusals():
    assert reason(breathing(), "next_step") == "Only the senses exercise has steps."
    assert reason(run(senses(), "stop", 1001.0), "next_step") == "The pacer is stopped."
    assert reason(senses(), "next_step", 5000.0) == "This is the last step."
    assert reason(senses(), "pause") == "That action is not available in this activity."


def test_every_audience_sees_the_same_pacer():
    state = senses()
    assert engine.facilitator_view(state) == engine.participant_view(state, "p1")
    assert engine.participant_view(state, "p1") == engine.display_view(state, show_names=False)


def test_members_join_and_leave_a_pacer():
    state, effects = engine.apply(breathing(), {"type": "member_join", "actor": F,
                                                "member": {"id": "p2", "name": "Ben"}}, 1001.0)
    assert state["members"]["p2"]["present"] and effects == []
    state, _ = engine.apply(state, {"type": "member_leave", "actor": F, "member": "p2"}, 1002.0)
    assert state["members"]["p2"]["present"] is False
