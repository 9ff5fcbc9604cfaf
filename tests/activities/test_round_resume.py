"""Back to a go-around carries it on (activities/kinds/round_resume.suspend / reopen, activities/plan.go): who
spoke or passed stays so, the cut-off turn starts again, newcomers wait, those who left are gone."""
from __future__ import annotations

import json
from typing import Any

from activities import engine, plan
from core.state import dispatch, initial_state
from tests.activities.test_engine_clock import ROUND, activity

F = {"role": "facilitator", "id": "f1"}
SYSTEM = {"role": "system", "id": None}
ANA, BEN, CAI, DEE, EVA = ({"id": f"p{n}", "name": name, "in_room": False}
                           for n, name in enumerate(("Ana", "Ben", "Cai", "Dee", "Eva"), start=1))


INFO = activity("info", {"sections": [{"heading": "H", "body": "B"}]})


def session(members: list[dict]) -> dict:
    state = initial_state()
    for member in members:
        state = join(state, member)
    state["plan"] = [plan.entry("a-round", ROUND, 5), plan.entry("a-info", INFO, 5)]
    state["phase"] = "running"
    return state


def join(state: dict, member: dict) -> dict:
    return dispatch(state, {"type": "member_join", "actor": SYSTEM, "member_info": member}, 900.0)[0]


def leave(state: dict, member: dict) -> dict:
    return dispatch(state, {"type": "member_leave", "actor": SYSTEM, "member": member["id"]}, 900.0)[0]


def go(state: dict, index: int, now: float, resume: dict | None = None) -> tuple[dict, list[dict]]:
    item = ROUND if index == 0 else INFO
    return dispatch(state, {"type": "plan_go", "actor": F, "index": index, "activity_def": item,
                            "brief": plan.brief(item, []), "seed": 1, "options": {}, "resume": resume}, now)


def act(state: dict, action: str, now: float, **args: Any) -> dict:
    return dispatch(state, {"type": "activity", "actor": F, "action": action, "args": args}, now)[0]


def halfway() -> tuple[dict, dict]:
    """Ana spoke, Ben passed, Cai is speaking when the facilitator moves on: the state and its archive."""
    state, _ = go(session([ANA, BEN, CAI, DEE]), 0, 1000.0)
    state = act(act(state, "start", 1000.0), "next", 1030.0)  # Ana spoke 30 s
    state = act(state, "pass", 1040.0, member="p2")  # Ben passes on his turn; Cai speaks from 1040
    state, effects = go(state, 1, 1050.0)
    archive = next(e["run"] for e in effects if e["type"] == "archive")
    return state, archive


def test_leaving_an_open_round_notes_it_and_counts_the_cut_off_turn():
    _state, run = halfway()
    archived = run["state"]
    assert archived["phase"] == "finished" and archived["left_open"] == {"at": 1050.0, "speaker": "p3", "hands": [], "volunteers": []}
    assert archived["airtime"]["p3"] == 10.0 and engine.can_reopen(archived)
    assert run["replaces"] is None


def test_back_carries_on_with_who_spoke_or_passed_and_reopens_the_cut_off_turn():
    state, run = halfway()
    state, effects = go(state, 0, 1100.0, {"id": 7, "state": json.loads(json.dumps(run["state"]))})
    round_ = state["activity"]
    assert state["resumed_run"] == 7 and round_["phase"] == "running"
    assert round_["status"] == {"p1": "done", "p2": "passed", "p3": "speaking", "p4": "waiting"}
    assert round_["speaker"] == "p3" and round_["deadline"] == 1160.0 and round_["airtime"]["p1"] == 30.0
    view = engine.facilitator_view(round_)
    assert view["resumed"] == {"at": 1100.0, "spoken": 1, "passed": 1, "of": 4,
                               "reopened": {"id": "p3", "name": "Cai"}}
    assert "resumed" not in engine.participant_view(round_, "p1")
    assert any(e["type"] == "archive" for e in effects)  # the info step was archived on the way back
    # Next goes on as usual; the archive of the resumed round replaces the earlier one
    state = act(state, "next", 1120.0)  # Cai spoke 10 s before and 20 s now
    assert state["activity"]["speaker"] == "p4"
    state, effects = go(state, 1, 1130.0)
    run = next(e["run"] for e in effects if e["type"] == "archive")
    assert run["replaces"] == 7 and run["state"]["airtime"]["p3"] == 30.0 and state["resumed_run"] is None
    assert engine.summary(run["state"])["facts"] == [{"label": "Took a turn", "value": 3},
                                                     {"label": "Passed", "value": 1}]


def test_a_newcomer_waits_for_a_turn_and_someone_who_left_is_gone():
    state, run = halfway()
    state = join(leave(state, DEE), EVA)
    state, _ = go(state, 0, 1100.0, {"id": 7, "state": run["state"]})
    round_ = state["activity"]
    assert round_["order"] == ["p1", "p2", "p3", "p5"] and round_["status"]["p5"] == "waiting"
    assert not round_["members"]["p4"]["present"]
    assert engine.facilitator_view(round_)["upcoming"] == ["p5"]
    view = engine.participant_view(round_, "p5")
    assert view["queue"].index(view["me"]) == 0


def test_when_the_cut_off_speaker_left_the_next_turn_starts():
    state, run = halfway()
    state, _ = go(leave(state, CAI), 0, 1100.0, {"id": 7, "state": run["state"]})
    round_ = state["activity"]
    assert round_["speaker"] == "p4" and round_["status"]["p3"] == "done"
    assert round_["resumed"]["reopened"] is None and round_["resumed"]["of"] == 3


def test_a_round_finished_by_the_facilitator_or_never_started_starts_afresh():
    state, _ = go(session([ANA, BEN]), 0, 1000.0)
    never_started = go(state, 1, 1010.0)[1][0]["run"]["state"]
    assert not engine.can_reopen(never_started)
    state, _ = go(session([ANA, BEN]), 0, 1000.0)
    state = act(act(state, "start", 1000.0), "finish", 1010.0)
    finished = go(state, 1, 1020.0)[1][0]["run"]["state"]
    assert not engine.can_reopen(finished)
    state, _ = go(go(state, 1, 1020.0)[0], 0, 1030.0, {"id": 3, "state": finished})
    assert state["activity"]["phase"] == "ready" and state["resumed_run"] is None


def test_everyone_had_a_turn_so_there_is_nothing_to_carry_on():
    state, _ = go(session([ANA, BEN]), 0, 1000.0)
    state = act(act(act(state, "start", 1000.0), "next", 1010.0), "next", 1020.0)  # floor open, nobody waiting
    assert not engine.can_reopen(go(state, 1, 1030.0)[1][0]["run"]["state"])


def test_back_in_a_pause_carries_on_held():
    state, run = halfway()
    state = dispatch(state, {"type": "set_phase", "actor": F, "to": "paused"}, 1060.0)[0]
    state, _ = go(state, 0, 1100.0, {"id": 7, "state": run["state"]})
    assert state["activity"]["paused_at"] == 1100.0
    state = dispatch(state, {"type": "set_phase", "actor": F, "to": "running"}, 1200.0)[0]
    assert state["activity"]["deadline"] == 1260.0  # Cai's reopened turn, whole, from the resume


def test_erasing_the_reopened_speaker_leaves_no_trace_of_them():
    state, run = halfway()
    state, _ = go(state, 0, 1100.0, {"id": 7, "state": run["state"]})
    erased = engine.erase_member(state["activity"], "p3")
    assert "p3" not in json.dumps(erased) and "Cai" not in json.dumps(erased)
    assert "p3" not in json.dumps(engine.erase_member(run["state"], "p3"))


def test_a_raised_hand_waits_with_the_round_and_is_up_again_on_return():
    state, _ = go(session([ANA, BEN, CAI, DEE, EVA]), 0, 1000.0)
    state = act(state, "start", 1000.0)
    for member in ("p4", "p5"):
        state = dispatch(state, {"type": "activity", "actor": {"role": "participant", "id": member},
                                 "action": "raise_hand", "args": {}}, 1010.0)[0]
    state, effects = go(state, 1, 1050.0)
    run = next(e["run"] for e in effects if e["type"] == "archive")
    assert run["state"]["hands"] == [] and run["state"]["left_open"]["hands"] == ["p4", "p5"]
    assert "p5" not in json.dumps(engine.erase_member(run["state"], "p5")["left_open"])
    state = leave(state, EVA)  # gone meanwhile: her hand does not come back
    state, _ = go(state, 0, 1100.0, {"id": 7, "state": run["state"]})
    assert state["activity"]["hands"] == ["p4"]
    assert engine.participant_view(state["activity"], "p4")["hand_raised"] is True


def test_an_items_time_does_not_count_a_pause():
    state, _ = go(session([ANA, BEN]), 0, 1000.0)
    state = dispatch(state, {"type": "set_phase", "actor": F, "to": "paused"}, 1010.0)[0]
    assert state["activity"]["paused_at"] == 1010.0  # the console's clock stands still (views._plan)
    state = dispatch(state, {"type": "set_phase", "actor": F, "to": "running"}, 1070.0)[0]
    assert state["item_started_at"] == 1060.0
    state = dispatch(state, {"type": "set_phase", "actor": F, "to": "paused"}, 1090.0)[0]
    state, _ = go(state, 1, 1200.0)  # moved on during the second pause
    assert state["elapsed"]["0"] == 30.0  # 10 s, a minute's pause, 20 s, and the pause it ended in
