"""Round engine: every command, every order mode, airtime, soft deadlines, later, hand_on, join/leave."""
from __future__ import annotations

import json
from typing import Any

import pytest

from activities import engine
from activities.engine import Rejected
from activities.schema import ActivityAdapter
from activities.split import PERSONAL
from tests.helpers import changed_views

F = {"role": "facilitator", "id": "f1"}
MEMBERS = [
    {"id": "p1", "name": "Ana", "in_room": False},
    {"id": "p2", "name": "Ben", "in_room": True},
    {"id": "p3", "name": "Cai", "in_room": False},
    {"id": "p4", "name": "Dee", "in_room": True},
]
TURN = 60


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def round_activity(order: str = "seating") -> Any:
    return ActivityAdapter.validate_python({
        "slug": "go-around", "title": "Go-around", "category": "skill", "summary": "A round.",
        "purpose": "Everyone gets a turn.", "intro": "We take turns.", "duration": 15,
        "steps": [{"minutes": 10, "text": "Go around."}], "prompts": ["What is alive for you?"],
        "kind": "round", "settings": {"order": order, "turn_seconds": TURN, "prompt": "What is alive?"},
    })


def make(order: str = "seating", *, members: list[dict[str, Any]] | None = None, seed: int = 7,
         options: dict[str, Any] | None = None) -> dict[str, Any]:
    return engine.start(round_activity(order), MEMBERS if members is None else members, 0.0, seed, options)


def run(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, now: float = 0.0,
        **args: Any) -> dict[str, Any]:
    snapshot = json.dumps(state)
    new_state, _ = engine.apply(state, {"type": kind, "actor": actor, **args}, now)
    assert json.dumps(state) == snapshot, "apply mutated its input"
    return new_state


def reason(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, now: float = 0.0,
           **args: Any) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, {"type": kind, "actor": actor, **args}, now)
    return caught.value.reason


def started(order: str = "seating", **kwargs: Any) -> dict[str, Any]:
    return run(make(order, **kwargs), "start", now=100.0)


def statuses(state: dict[str, Any]) -> dict[str, str]:
    return dict(state["status"])


# ---- start and the basic turn cycle -----------------------------------------------------------


def test_start_builds_a_ready_round_in_seating_order():
    state = make()
    assert state["kind"] == "round" and state["phase"] == "ready"
    assert state["order"] == ["p1", "p2", "p3", "p4"]
    assert set(state["status"].values()) == {"waiting"}
    assert state["speaker"] is None and state["deadline"] is None
    assert json.loads(json.dumps(state)) == state


def test_start_command_gives_the_first_turn_with_a_deadline():
    state = started()
    assert state["speaker"] == "p1" and state["status"]["p1"] == "speaking"
    assert state["turn_started_at"] == 100.0 and state["deadline"] == 100.0 + TURN


def test_start_is_for_facilitators_and_happens_once():
    assert reason(make(), "start", P("p1")) == "Only a facilitator can do that."
    assert reason(started(), "start") == "The round has already started."


def test_next_ends_the_turn_and_records_airtime():
    state = run(started(), "next", now=130.0)
    assert state["status"]["p1"] == "done" and state["speaker"] == "p2"
    assert state["airtime"]["p1"] == 30.0
    assert state["turn_started_at"] == 130.0 and state["deadline"] == 130.0 + TURN


def test_next_after_everyone_leaves_the_floor_open_then_rejects():
    state = started()
    for now in (110.0, 120.0, 130.0, 140.0):
        state = run(state, "next", now=now)
    assert state["speaker"] is None
    assert set(state["status"].values()) == {"done"}
    assert reason(state, "next", now=150.0) == "Everyone has had a turn."


def test_next_is_for_facilitators_or_the_speaker_ending_their_own_turn():
    assert reason(started(), "next", P("p2")) == "Only a facilitator can move the round on."
    assert reason(make(), "next") == "The round has not started yet."
    state = run(started(), "next", P("p1"), now=40.0)  # Ana, speaking, says "I'm done"
    assert statuses(state)["p1"] == "done" and state["speaker"] == "p2"


def test_the_deadline_is_soft_nothing_is_refused_after_it():
    state = started()
    late = 100.0 + TURN + 500
    state = run(state, "extend", now=late, seconds=30)
    state = run(state, "pass", P("p1"), now=late + 1)
    assert state["airtime"]["p1"] == TURN + 501
    state = run(state, "hand_on", P("p2"), now=late + 900, to="p4")
    assert state["speaker"] == "p4"


def test_airtime_never_goes_negative_when_the_clock_steps_back():
    state = run(started(), "next", now=50.0)
    assert state["airtime"]["p1"] == 0.0


def test_airtime_accumulates_over_turns():
    state = run(started(), "later", P("p1"), now=110.0)
    for now in (120.0, 130.0, 140.0):
        state = run(state, "next", now=now)
    assert state["speaker"] == "p1"
    state = run(state, "next", now=165.0)
    assert state["airtime"] == {"p1": 35.0, "p2": 10.0, "p3": 10.0, "p4": 10.0}


# ---- extend -----------------------------------------------------------------------------------


def test_extend_adds_to_the_deadline():
    state = run(started(), "extend", now=120.0, seconds=45)
    assert state["deadline"] == 100.0 + TURN + 45


@pytest.mark.parametrize("seconds", [0, -5, 1801, "30", 2.5, True, None])
def test_extend_rejects_bad_seconds(seconds):
    assert "Extra time" in reason(started(), "extend", seconds=seconds)


def test_extend_needs_a_speaker_and_a_facilitator():
    assert reason(started(), "extend", P("p1"), seconds=30) == "Only a facilitator can do that."
    state = started("hand")
    assert reason(state, "extend", seconds=30) == "No one is speaking."


# ---- pass -------------------------------------------------------------------------------------


def test_participant_passes_on_their_own_turn():
    state = run(started(), "pass", P("p1"), now=104.0)
    assert state["status"]["p1"] == "passed" and state["speaker"] == "p2"
    assert state["airtime"]["p1"] == 4.0
    assert "p1" in state["order"]


def test_participant_may_pass_before_their_turn_and_is_skipped_over():
    state = run(started(), "pass", P("p2"), now=101.0)
    assert state["status"]["p2"] == "passed" and state["speaker"] == "p1"
    state = run(state, "next", now=110.0)
    assert state["speaker"] == "p3"


def test_pass_before_the_round_starts_is_a_pre_pass():
    state = run(make(), "pass", P("p1"))
    state = run(state, "start", now=1.0)
    assert state["speaker"] == "p2"


def test_participant_cannot_pass_for_someone_else():
    assert reason(started(), "pass", P("p2"), member="p1") == "You can only do that for yourself."


def test_facilitator_may_pass_for_anyone_and_must_name_them():
    state = run(started(), "pass", member="p3")
    assert state["status"]["p3"] == "passed"
    assert reason(started(), "pass") == "Please choose a member."
    assert reason(started(), "pass", member="nobody") == "That member is not here."
    assert reason(started(), "pass", member=["p1"]) == "That member is not here."


def test_pass_twice_or_after_speaking_is_refused():
    state = run(started(), "pass", P("p3"))
    assert reason(state, "pass", P("p3")) == "You have passed."
    assert reason(state, "pass", member="p3") == "Cai has passed."
    state = run(state, "next", now=110.0)
    assert reason(state, "pass", P("p1")) == "You have already had a turn."


# ---- later ------------------------------------------------------------------------------------


def test_later_comes_back_after_everyone_else():
    state = run(started(), "later", P("p1"), now=105.0)
    assert state["status"]["p1"] == "later" and state["speaker"] == "p2"
    order = [state["speaker"]]
    for now in (110.0, 120.0, 130.0):
        state = run(state, "next", now=now)
        order.append(state["speaker"])
    assert order == ["p2", "p3", "p4", "p1"]
    assert state["airtime"]["p1"] == 5.0


def test_several_later_members_come_back_in_asking_order():
    state = run(started(), "later", P("p3"), now=101.0)
    state = run(state, "later", P("p1"), now=102.0)
    spoken = [state["speaker"]]
    for now in (110.0, 120.0, 130.0):
        state = run(state, "next", now=now)
        spoken.append(state["speaker"])
    assert spoken == ["p2", "p4", "p3", "p1"]


def test_later_is_asked_once_and_not_by_the_last_one_waiting():
    state = run(started(), "later", P("p2"))
    assert reason(state, "later", P("p2")).startswith("Coming back later can be asked once")
    state = make(members=MEMBERS[:1])
    state = run(state, "start", now=1.0)
    assert reason(state, "later", P("p1")) == "No one else is waiting to speak."


def test_later_refusals():
    state = run(started(), "next", now=110.0)
    assert reason(state, "later", P("p1")) == "You have already had a turn."
    assert reason(started(), "later", P("p2"), member="p3") == "You can only do that for yourself."
    assert reason(started("hand"), "later", P("p1")).startswith("In a raise-hand round")
    finished = run(started(), "finish", now=101.0)
    assert reason(finished, "later", P("p2")) == "The round has finished."


def test_facilitator_may_ask_to_come_back_later_for_anyone():
    state = run(started(), "later", member="p1", now=101.0)
    assert state["status"]["p1"] == "later" and state["speaker"] == "p2"


# ---- skip -------------------------------------------------------------------------------------


def test_skip_the_speaker_moves_on():
    state = run(started(), "skip", member="p1", now=103.0)
    assert state["status"]["p1"] == "skipped" and state["speaker"] == "p2"
    assert state["airtime"]["p1"] == 3.0


def test_skip_a_waiting_member_takes_them_out_of_the_queue():
    state = run(started(), "skip", member="p2")
    state = run(state, "next", now=110.0)
    assert state["speaker"] == "p3"


def test_skip_refusals():
    assert reason(started(), "skip", P("p1"), member="p2") == "Only a facilitator can do that."
    state = run(started(), "next", now=110.0)
    assert reason(state, "skip", member="p1") == "Ana has already had a turn."
    assert reason(state, "skip") == "Please choose a member."


# ---- reorder ----------------------------------------------------------------------------------


def test_reorder_changes_who_comes_next():
    state = run(started(), "reorder", order=["p1", "p4", "p3", "p2"])
    state = run(state, "next", now=110.0)
    assert state["order"] == ["p1", "p4", "p3", "p2"] and state["speaker"] == "p4"


@pytest.mark.parametrize("order", [
    ["p1", "p2", "p3"],
    ["p1", "p2", "p3", "p3"],
    ["p1", "p2", "p3", "p4", "p5"],
    ["p1", "p2", "p3", "zz"],
    "p1,p2,p3,p4",
    [1, 2, 3, 4],
    None,
])
def test_reorder_needs_a_permutation(order):
    assert reason(started(), "reorder", order=order) == "The new order must list every member exactly once."


def test_reorder_is_for_facilitators():
    assert reason(started(), "reorder", P("p1"), order=["p4", "p3", "p2", "p1"]) == (
        "Only a facilitator can do that.")


# ---- hand_on ----------------------------------------------------------------------------------


def test_speaker_hands_the_turn_to_a_named_member():
    state = run(started(), "hand_on", P("p1"), now=120.0, to="p3")
    assert state["status"]["p1"] == "done" and state["speaker"] == "p3"
    assert state["airtime"]["p1"] == 20.0 and state["deadline"] == 120.0 + TURN


def test_facilitator_may_hand_on_even_to_a_skipped_member():
    state = run(started(), "skip", member="p4")
    state = run(state, "hand_on", now=110.0, to="p4")
    assert state["speaker"] == "p4"


def test_hand_on_refusals():
    state = started()
    assert reason(state, "hand_on", P("p2"), to="p3") == "Only the person speaking can hand on the turn."
    assert reason(state, "hand_on", P("p1"), to="p1") == "Ana is speaking already."
    assert reason(state, "hand_on", P("p1"), to="zz") == "That member is not here."
    assert reason(state, "hand_on", P("p1"), to=7) == "That member is not here."
    assert reason(state, "hand_on", P("p1")) == "Please choose a member."
    passed = run(state, "pass", P("p3"))
    assert reason(passed, "hand_on", P("p1"), to="p3") == "Cai has passed."
    done = run(state, "next", now=110.0)
    assert reason(done, "hand_on", P("p2"), to="p1") == "Ana has already had a turn."
    assert reason(make(), "hand_on", to="p2") == "The round has not started yet."


def test_facilitator_offers_someone_who_passed_a_second_chance():
    state = run(started(), "pass", P("p3"))
    assert reason(state, "hand_on", P("p1"), to="p3") == "Cai has passed."  # not the speaker's choice
    state = run(state, "hand_on", to="p3", now=30.0)  # the facilitator may
    assert state["speaker"] == "p3" and statuses(state)["p3"] == "speaking"


# ---- hands and volunteers ---------------------------------------------------------------------


def test_raise_and_lower_hand_for_self():
    state = run(started(), "raise_hand", P("p3"))
    assert state["hands"] == ["p3"]
    assert reason(state, "raise_hand", P("p3")) == "Your hand is already up."
    state = run(state, "lower_hand", P("p3"))
    assert state["hands"] == []
    assert reason(state, "lower_hand", P("p3")) == "Your hand is not up."


def test_facilitator_raises_hands_only_for_in_room_members():
    state = run(started(), "raise_hand", member="p2")
    assert state["hands"] == ["p2"]
    assert reason(state, "raise_hand", member="p3") == "Cai has their own device and does this themselves."
    assert reason(state, "lower_hand", member="p3") == "Cai has their own device and does this themselves."
    assert reason(state, "raise_hand", member="p2") == "Ben's hand is already up."
    assert reason(state, "raise_hand", P("p3"), member="p2") == "You can only do that for yourself."


def test_speaker_or_done_members_cannot_raise_a_hand():
    assert reason(started(), "raise_hand", P("p1")) == "You are speaking now."
    state = run(started(), "next", now=110.0)
    assert reason(state, "raise_hand", P("p1")) == "You have already had a turn."


def test_hand_mode_only_raised_hands_speak_in_queue_order():
    state = run(make("hand"), "raise_hand", P("p3"))
    state = run(state, "raise_hand", member="p2")
    state = run(state, "start", now=10.0)
    assert state["speaker"] == "p3" and state["hands"] == ["p2"]
    state = run(state, "next", now=20.0)
    assert state["speaker"] == "p2"
    state = run(state, "next", now=30.0)
    assert state["speaker"] is None and state["status"]["p1"] == "waiting"
    assert reason(state, "next", now=31.0) == "No hands are raised."
    state = run(state, "raise_hand", P("p1"))
    state = run(state, "next", now=40.0)
    assert state["speaker"] == "p1"


def test_hand_mode_pass_lowers_the_hand():
    state = run(make("hand"), "raise_hand", P("p1"))
    state = run(state, "pass", P("p1"))
    assert state["hands"] == [] and state["status"]["p1"] == "passed"


def test_volunteers_go_first_in_volunteering_order_then_the_rest():
    state = run(make("volunteers"), "volunteer", P("p3"))
    state = run(state, "volunteer", member="p4")
    state = run(state, "start", now=0.0)
    spoken = [state["speaker"]]
    for now in (10.0, 20.0, 30.0):
        state = run(state, "next", now=now)
        spoken.append(state["speaker"])
    assert spoken == ["p3", "p4", "p1", "p2"]


def test_volunteering_mid_round_jumps_the_queue():
    state = run(started("volunteers"), "volunteer", P("p4"))
    state = run(state, "next", now=110.0)
    assert state["speaker"] == "p4"


def test_volunteer_refusals():
    assert reason(started(), "volunteer", P("p2")) == "This round does not ask for volunteers."
    state = run(started("volunteers"), "volunteer", P("p2"))
    assert reason(state, "volunteer", P("p2")) == "Already volunteered, thank you."
    assert reason(state, "volunteer", P("p1")) == "You are speaking now."
    assert reason(state, "volunteer", member="p3") == "Cai has their own device and does this themselves."


# ---- order modes ------------------------------------------------------------------------------


def test_random_order_is_a_seeded_shuffle():
    first, again = make("random", seed=11), make("random", seed=11)
    assert first["order"] == again["order"]
    assert sorted(first["order"]) == ["p1", "p2", "p3", "p4"]
    orders = {tuple(make("random", seed=seed)["order"]) for seed in range(20)}
    assert len(orders) > 1


def test_progressive_order_puts_the_least_spoken_first_with_seating_breaking_ties():
    state = started("progressive", options={"history": {"p1": 300, "p2": 40.5, "p4": 40.5}})
    spoken = [state["speaker"]]
    for now in (110.0, 120.0, 130.0):
        state = run(state, "next", now=now)
        spoken.append(state["speaker"])
    assert spoken == ["p3", "p2", "p4", "p1"]


def test_progressive_without_history_follows_the_seating_order():
    state = started("progressive")
    state = run(state, "reorder", order=["p4", "p3", "p2", "p1"])
    state = run(state, "next", now=110.0)
    assert state["speaker"] == "p4"


@pytest.mark.parametrize("options", [{"history": {"p1": -1}}, {"history": ["p1"]}, {"history": {"p1": "x"}},
                                     {"colour": "blue"}])
def test_bad_start_options_are_rejected(options):
    with pytest.raises(Rejected):
        make("progressive", options=options)


# ---- finish -----------------------------------------------------------------------------------


def test_finish_ends_the_turn_and_the_round():
    state = run(started(), "finish", now=112.0)
    assert state["phase"] == "finished" and state["speaker"] is None
    assert state["airtime"]["p1"] == 12.0 and state["status"]["p1"] == "done"
    assert reason(state, "finish") == "The round has finished."
    assert reason(started(), "finish", P("p1")) == "Only a facilitator can do that."


@pytest.mark.parametrize(("kind", "actor", "args"), [
    ("start", F, {}), ("next", F, {}), ("pass", P("p2"), {}), ("later", P("p2"), {}),
    ("skip", F, {"member": "p2"}), ("reorder", F, {"order": ["p4", "p3", "p2", "p1"]}),
    ("extend", F, {"seconds": 30}), ("hand_on", F, {"to": "p2"}), ("raise_hand", P("p2"), {}),
    ("lower_hand", P("p2"), {}), ("volunteer", P("p2"), {}),
])
def test_a_finished_round_refuses_turn_commands(kind, actor, args):
    state = run(started(), "finish", now=110.0)
    assert reason(state, kind, actor, **args) == "The round has finished."


# ---- members joining and leaving --------------------------------------------------------------


def test_a_member_joining_mid_round_speaks_at_the_end():
    newcomer = {"id": "p5", "name": "Eve", "in_room": False}
    state = run(started(), "member_join", member=newcomer)
    assert state["order"][-1] == "p5" and state["status"]["p5"] == "waiting"
    for now in (110.0, 120.0, 130.0, 140.0):
        state = run(state, "next", now=now)
    assert state["speaker"] == "p5"


def test_leaving_and_rejoining_keeps_status_and_airtime():
    state = run(started(), "next", now=130.0)
    state = run(state, "member_leave", member="p1")
    assert "p1" not in state["order"] and state["members"]["p1"]["present"] is False
    state = run(state, "member_join", member=MEMBERS[0])
    assert state["status"]["p1"] == "done" and state["airtime"]["p1"] == 30.0
    assert state["order"][-1] == "p1"


def test_the_speaker_leaving_ends_their_turn_and_the_next_begins():
    state = run(started(), "member_leave", member="p1", now=107.0)
    assert state["airtime"]["p1"] == 7.0 and state["speaker"] == "p2"


def test_a_waiting_member_leaving_drops_their_hand_and_turn():
    state = run(started("hand"), "raise_hand", P("p3"))
    state = run(state, "member_leave", member="p3")
    assert state["hands"] == []
    assert reason(state, "raise_hand", P("p3")) == "You are not part of this activity."


def test_membership_commands_refusals():
    state = started()
    assert reason(state, "member_join", member=MEMBERS[1]) == "Ben is already here."
    assert reason(state, "member_join", member={"id": "p9"}) == "A member needs a name."
    assert reason(state, "member_join", member={"id": "", "name": "X"}) == "A member needs an id."
    assert reason(state, "member_join", member={"id": "p9", "name": "X", "in_room": "yes"}) == (
        "A member is either in the room or not.")
    assert reason(state, "member_join", member="p9") == "A member needs an id and a name."
    assert reason(state, "member_join", P("p1"), member={"id": "p9", "name": "X"}) == (
        "Only a facilitator can do that.")
    assert reason(state, "member_leave", member="p9") == "That member is not here."
    assert reason(state, "member_leave", P("p1"), member="p1") == "Only a facilitator can do that."


def test_members_may_join_and_leave_a_finished_round():
    state = run(started(), "finish", now=110.0)
    state = run(state, "member_join", member={"id": "p5", "name": "Eve"})
    state = run(state, "member_leave", member="p2")
    assert state["order"] == ["p1", "p3", "p4", "p5"]


# ---- views ------------------------------------------------------------------------------------


def test_participant_view_tells_whose_turn_and_what_i_may_do():
    state = run(started(), "raise_hand", P("p3"))
    mine = engine.participant_view(state, "p3")
    assert mine["speaker"] == "Ana" and mine["my_status"] == "waiting" and not mine["my_turn"]
    assert mine["can_pass"] and mine["hand_raised"] and mine["queue"].index(mine["me"]) == 1
    assert mine["prompt"] == "What is alive?" and mine["deadline"] == 100.0 + TURN
    assert mine["hand_on_to"] == []
    speaker = engine.participant_view(state, "p1")
    assert speaker["my_turn"] and [m["id"] for m in speaker["hand_on_to"]] == ["p2", "p3", "p4"]
    assert "airtime" not in json.dumps(mine)


def test_participant_view_for_someone_not_here_has_no_status():
    view = engine.participant_view(started(), "zz")
    assert view["my_status"] is None and not view["can_pass"]


def test_display_names_only_when_asked():
    state = started()
    anonymous = engine.display_view(state, show_names=False)
    assert anonymous["speaker"] == "Speaking now" and anonymous["up_next"] == "Next speaker"
    named = engine.display_view(state, show_names=True)
    assert named["speaker"] == "Ana" and named["up_next"] == "Ben"
    assert "Ana" not in json.dumps(anonymous) and "airtime" not in json.dumps(named)


def test_facilitator_view_shows_airtime_and_the_queue():
    state = run(started(), "next", now=125.0)
    view = engine.facilitator_view(state)
    assert view["speaker"] == {"id": "p2", "name": "Ben"}
    assert view["upcoming"] == ["p3", "p4"]
    assert {row["id"]: row["airtime"] for row in view["members"]}["p1"] == 25.0


def test_views_are_copies():
    state = started()
    engine.facilitator_view(state)["order"].append("zz")
    assert state["order"] == ["p1", "p2", "p3", "p4"]


def test_a_raised_hand_changes_one_view_and_the_next_speaker_two():
    state, effects = engine.apply(started(), {"type": "raise_hand", "actor": P("p3")}, 101.0)
    assert changed_views(started(), state) == ["p3"] and effects == []
    state, effects = engine.apply(started(), {"type": "next", "actor": F}, 101.0)
    # every phone's view changes (the speaker), but the room's part carries that: only the one who
    # spoke and the one who speaks now have their own part change (activities/split.py)
    assert changed_views(started(), state) == ["p1", "p2", "p3", "p4"] and effects == []
    personal = PERSONAL["round"]
    own = [m for m in state["members"] if {k: v for k, v in engine.participant_view(started(), m).items() if k in personal}
           != {k: v for k, v in engine.participant_view(state, m).items() if k in personal}]
    assert own == ["p1", "p2"]



def test_a_long_queue_shows_the_next_places_and_how_many_more():
    many = [{"id": f"p{i}", "name": f"Person {i}", "in_room": False} for i in range(1, 41)]
    state = started(members=many)  # p1 speaks; p2..p40 wait
    views = engine.participant_views(state, [m["id"] for m in many])
    near, far = views["p26"], views["p27"]
    assert len(near["queue"]) == 25 and near["queue_more"] == 14
    assert near["queue"].index(near["me"]) == 24  # 24 people before p26
    assert far["me"] not in far["queue"]  # further back: the phone says "at least 25"
    assert {json.dumps(v["queue"]) for v in views.values()} == {json.dumps(near["queue"])}
