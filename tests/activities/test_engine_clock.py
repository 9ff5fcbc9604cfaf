"""A session pause holds every activity clock (activities/engine.pause / resume, activities/plan, core/state):
a go-around turn, a pairs round and the pacer stop at the moment of the pause and carry on from there."""
from __future__ import annotations

import json
from typing import Any

import pytest

from activities import engine, frame, plan
from activities.engine import Rejected
from activities.schema import ActivityAdapter
from core.state import dispatch, initial_state

F = {"role": "facilitator", "id": "f1"}
SYSTEM = {"role": "system", "id": None}
MEMBERS = [{"id": "p1", "name": "Ana", "in_room": False}, {"id": "p2", "name": "Ben", "in_room": False},
           {"id": "p3", "name": "Cai", "in_room": True}]
BOX = [{"label": "in", "seconds": 4}, {"label": "hold", "seconds": 4}, {"label": "out", "seconds": 4},
       {"label": "rest", "seconds": 4}]


def activity(kind: str, settings: dict[str, Any]) -> Any:
    return ActivityAdapter.validate_python({
        "slug": f"a-{kind}", "title": kind.capitalize(), "category": "skill", "summary": "S.", "purpose": "P.",
        "intro": "I.", "duration": 10, "steps": [{"minutes": 5, "text": "Do."}], "prompts": ["Q?"],
        "kind": kind, "settings": settings,
    })


ROUND = activity("round", {"order": "seating", "turn_seconds": 60, "prompt": "How are you?"})
PACER = activity("pacer", {"mode": "breathing", "pattern": BOX, "cycles": 5})
SENSES = activity("pacer", {"mode": "senses", "senses": [{"count": 5, "prompt": "See"}, {"count": 4, "prompt": "Touch"},
                                                         {"count": 3, "prompt": "Hear"}], "step_seconds": 30})
PAIRS = activity("pairs", {"exercise": "listening", "group": "pairs", "roles": ["Speaker", "Listener"],
                           "round_minutes": 5, "listener_prompts": ["What I heard you say is…"]})


def act(state: dict, kind: str, now: float, **args: Any) -> dict:
    new, _ = engine.apply(state, {"type": kind, "actor": F, **args}, now)
    return new


def speaking_round() -> dict:
    return act(engine.start(ROUND, MEMBERS, 1000.0, 1), "start", 1000.0)  # Ana speaks until 1060


def views(state: dict) -> list[dict]:
    return [engine.facilitator_view(state), engine.participant_view(state, "p1"), engine.display_view(state, False),
            *engine.participant_views(state, ["p1", "p2"]).values()]


# ---- the engine: pause / resume -----------------------------------------------------------------


def test_a_paused_turn_keeps_its_remaining_time_to_the_second():
    state = engine.pause(speaking_round(), 1020.0)  # 40 s left
    for view in views(state):
        assert view["paused"] is True and view["paused_at"] == 1020.0 and view["remaining"] == 40.0
    state = engine.resume(state, 1620.0)  # a ten-minute pause
    assert state["deadline"] == 1660.0 and state["turn_started_at"] == 1600.0
    assert "paused" not in engine.facilitator_view(state) and "paused_at" not in state
    state = act(state, "next", 1630.0)  # Ana spoke 20 s before the pause and 10 s after it
    assert state["airtime"]["p1"] == pytest.approx(30.0)


def test_several_pauses_add_up_and_a_second_pause_or_resume_changes_nothing():
    state = speaking_round()
    for paused_at, resumed_at in ((1010.0, 1100.0), (1120.0, 1125.0), (1130.0, 1500.0)):
        state = engine.pause(state, paused_at)
        assert engine.pause(state, paused_at + 50) == state  # already paused: held at the first moment
        state = engine.resume(state, resumed_at)
    assert engine.resume(state, 2000.0) == state  # not paused: nothing moves
    assert state["deadline"] == 1060.0 + 90 + 5 + 370
    assert engine.facilitator_view(engine.pause(state, 1500.0))["remaining"] == pytest.approx(60 - 10 - 20 - 5)  # ran 10 + 20 + 5 s


def test_commands_during_a_pause_see_the_moment_of_the_pause():
    state = engine.pause(speaking_round(), 1020.0)
    state = act(state, "next", 1300.0)  # the facilitator moves on during the pause
    assert state["airtime"]["p1"] == 20.0  # the pause is not Ana's airtime
    assert state["speaker"] == "p2" and state["turn_started_at"] == 1020.0
    state = act(state, "extend", 1310.0, seconds=30)
    state = engine.resume(state, 1400.0)
    assert state["turn_started_at"] == 1400.0 and state["deadline"] == 1400.0 + 60 + 30  # Ben's turn, whole


def test_the_pacer_stops_in_its_phase_and_picks_up_there():
    state = engine.start(PACER, MEMBERS, 1000.0, 1)
    held = engine.pause(state, 1005.0)  # 5 s in: 1 s into "hold"
    view = engine.display_view(held, False)
    assert view["paused"] and view["paused_at"] - view["started_at"] == 5.0 and view["running"] is True
    resumed = engine.resume(held, 1305.0)
    assert resumed["started_at"] == 1300.0 and resumed["step_started_at"] == 1300.0
    assert engine.facilitator_view(resumed)["ends_at"] == 1300.0 + 16 * 5  # the whole exercise is still ahead
    stopped = engine.resume(act(engine.pause(state, 1005.0), "stop", 1200.0), 1400.0)  # stopped in the pause
    assert stopped["stopped_at"] - stopped["started_at"] == 5.0


def test_a_senses_step_keeps_its_time_left():
    state = act(engine.start(SENSES, MEMBERS, 1000.0, 1), "next_step", 1010.0)  # step 2 from 1010
    state = engine.resume(engine.pause(state, 1025.0), 1125.0)
    assert state["step"] == 1 and state["step_started_at"] == 1110.0  # 15 of 30 s left at 1125


def test_a_pairs_round_pauses_with_the_session_and_its_own_pause_still_works():
    state = engine.start(PAIRS, MEMBERS[:2], 1000.0, 1)
    state = act(act(state, "form_groups", 1000.0, how="random", seed=3), "start_round", 1000.0)  # ends 1300
    held = engine.pause(state, 1100.0)
    assert engine.display_view(held, False)["paused"] and engine.display_view(held, False)["remaining"] == 200.0
    own = act(held, "pause", 1150.0)  # the facilitator's own timer pause, during the session pause
    assert own["remaining"] == 200.0
    assert engine.resume(own, 1400.0)["deadline"] is None  # still paused by the facilitator
    assert engine.resume(held, 1400.0)["deadline"] == 1600.0


def test_every_kind_can_be_paused_and_its_clock_fields_exist():
    for kind, fields in engine.CLOCKS.items():
        assert kind in engine.KINDS
        sample = {"round": ROUND, "pacer": PACER, "pairs": PAIRS}[kind]
        state = engine.start(sample, MEMBERS, 1000.0, 1)
        assert all(field in state for field in fields)
        assert engine.resume(engine.pause(state, 1001.0), 1002.0)["kind"] == kind


def test_a_paused_state_survives_a_restart_as_json():
    state = json.loads(json.dumps(engine.pause(speaking_round(), 1020.0)))
    assert engine.participant_view(state, "p2")["remaining"] == 40.0
    assert json.loads(json.dumps(engine.resume(state, 1520.0)))["deadline"] == 1560.0


# ---- the session: "Pause everyone" and "Resume" hold the running activity -----------------------


def session(phase: str = "running") -> dict:
    state = initial_state()
    for member in MEMBERS:
        state, _ = dispatch(state, {"type": "member_join", "actor": SYSTEM, "member_info": member}, 900.0)
    state["plan"] = [plan.entry("a-round", ROUND, 5), plan.entry("a-pacer", PACER, 5)]
    state["phase"] = phase
    return state


def go(state: dict, index: int, now: float) -> dict:
    item = ROUND if index == 0 else PACER
    new, _ = dispatch(state, {"type": "plan_go", "actor": F, "index": index, "activity_def": item,
                              "brief": plan.brief(item, []), "seed": 1, "options": {}, "resume": None}, now)
    return new


def phase(state: dict, to: str, now: float) -> dict:
    new, _ = dispatch(state, {"type": "set_phase", "actor": F, "to": to}, now)
    return new


def activity_cmd(state: dict, action: str, now: float) -> dict:
    new, _ = dispatch(state, {"type": "activity", "actor": F, "action": action, "args": {}}, now)
    return new


def test_pause_everyone_holds_the_turn_and_resume_carries_on():
    state = activity_cmd(go(session(), 0, 1000.0), "start", 1000.0)
    state = phase(state, "paused", 1045.0)
    assert state["activity"]["paused_at"] == 1045.0
    state = json.loads(json.dumps(state))  # a restart in the pause: the state is all there is
    state = phase(state, "running", 1345.0)
    assert state["activity"]["deadline"] == 1360.0  # 15 s left, as at the pause
    state = phase(phase(state, "paused", 1350.0), "running", 1400.0)
    assert state["activity"]["deadline"] == 1410.0


def test_an_activity_started_during_the_pause_waits_for_resume():
    state = go(phase(go(session(), 0, 1000.0), "paused", 1010.0), 1, 1020.0)
    assert state["activity"]["kind"] == "pacer" and state["activity"]["paused_at"] == 1020.0
    state = phase(state, "running", 1080.0)
    assert state["activity"]["started_at"] == 1080.0


def test_in_the_lobby_there_is_no_pause_and_the_clock_runs():
    state = go(session("lobby"), 1, 1000.0)  # the first activity also starts the session, or waits in the lobby
    if state["phase"] == "lobby":
        with pytest.raises(Rejected):
            phase(state, "paused", 1010.0)
    assert "paused_at" not in state["activity"]
    state = phase(state, "running", 1020.0) if state["phase"] == "lobby" else state
    assert state["activity"]["started_at"] == 1000.0  # running since it started


def test_ending_the_session_in_a_pause_counts_airtime_up_to_the_pause():
    state = activity_cmd(go(session(), 0, 1000.0), "start", 1000.0)
    ended, effects = dispatch(phase(state, "paused", 1030.0), {"type": "set_phase", "actor": F, "to": "ended"}, 1900.0)
    run = next(e["run"] for e in effects if e["type"] == "archive")
    assert run["state"]["airtime"]["p1"] == 30.0 and ended["activity"] is None
    assert frame.facilitator_view(ended)["phase"] == "ended"
