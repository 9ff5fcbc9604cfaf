"""Pairs engine: forming groups, moving people, rotation, timer, listening loop, checklist, repair
steps, debrief, join/leave, and that each participant sees only their own group."""
from __future__ import annotations

import json
from typing import Any

import pytest

from activities import engine
from activities.engine import Rejected
from activities.library import load_library
from activities.schema import ActivityAdapter
from tests.helpers import changed_views

F = {"role": "facilitator", "id": "f1"}
MEMBERS = [
    {"id": "p1", "name": "Ana", "in_room": False},
    {"id": "p2", "name": "Ben", "in_room": True},
    {"id": "p3", "name": "Cai", "in_room": False},
    {"id": "p4", "name": "Dee", "in_room": True},
    {"id": "p5", "name": "Eve", "in_room": False},
    {"id": "p6", "name": "Fay", "in_room": True},
]
ROUND = 6 * 60


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def people(count: int, in_room: bool | None = None) -> list[dict[str, Any]]:
    return [{"id": f"m{i}", "name": f"Member{i}", "in_room": bool(i % 2) if in_room is None else in_room}
            for i in range(count)]


def pairs_activity(**settings: Any) -> Any:
    settings = {"exercise": "listening", "group": "triads", "roles": ["Speaker", "Listener", "Observer"],
                "round_minutes": 6, "listener_prompts": ["What I heard you say is…"],
                "observer_checklist": ["Tone", "Timing", "Phrasing"], "scenarios": ["S-one", "S-two"],
                **settings}
    return ActivityAdapter.validate_python({
        "slug": "listening", "title": "Listening", "category": "skill", "summary": "Pairs.",
        "purpose": "Listen.", "intro": "Take turns.", "duration": 30,
        "steps": [{"minutes": 10, "text": "Listen."}], "prompts": ["What did you hear?"],
        "kind": "pairs", "settings": settings,
    })


def make(members: list[dict[str, Any]] | None = None, **settings: Any) -> dict[str, Any]:
    return engine.start(pairs_activity(**settings), MEMBERS if members is None else members, 0.0, 1)


def act(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, now: float = 10.0,
        **args: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    snapshot = json.dumps(state)
    result = engine.apply(state, {"type": kind, "actor": actor, **args}, now)
    assert json.dumps(state) == snapshot, "apply mutated its input"
    assert json.loads(json.dumps(result[0])) == result[0]
    return result


def run(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, now: float = 10.0, **args: Any) -> dict[str, Any]:
    return act(state, kind, actor, now, **args)[0]


def reason(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, {"type": kind, "actor": actor, **args}, 10.0)
    return caught.value.reason


GROUPS = [["p1", "p3", "p5"], ["p2", "p4", "p6"]]  # roles in round 1: Speaker, Listener, Observer


def formed(groups: list[list[str]] | None = None, members: list[dict[str, Any]] | None = None,
           **settings: Any) -> dict[str, Any]:
    return run(make(members, **settings), "form_groups", how="manual", groups=GROUPS if groups is None else groups)


def running(groups: list[list[str]] | None = None, **settings: Any) -> dict[str, Any]:
    return run(formed(groups, **settings), "start_round", now=100.0)


def roles(state: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: m["role"] for g in engine.facilitator_view(state)["groups"] for m in g["members"]}


def sizes(state: dict[str, Any]) -> list[int]:
    return sorted(len(g["members"]) for g in state["groups"])


def placed(state: dict[str, Any]) -> list[str]:
    return [m for g in state["groups"] for m in g["members"]]


# ---- start ------------------------------------------------------------------------------------


def test_start_builds_a_forming_state_from_the_settings():
    state = make()
    assert state["kind"] == "pairs" and state["phase"] == "forming" and state["round"] == 0
    assert state["roles"] == ["Speaker", "Listener", "Observer"] and state["groups"] == []
    assert json.loads(json.dumps(state)) == state
    view = engine.participant_view(state, "p1")
    assert view["placement"] == "not_formed" and view["waiting_note"] == "The groups are being formed."


@pytest.mark.parametrize("slug", ["empathic-listening", "repair-script", "role-play-rehearsal"])
def test_library_pairs_activities_run_a_full_rotation(slug):
    state = engine.start(load_library().get(slug), MEMBERS, 0.0, 1)
    state = run(state, "form_groups", how="random", seed=5)
    state = run(state, "start_round")
    for _ in range(2):
        state = run(state, "next_round")
    state = run(state, "call_back")
    assert state["phase"] == "debrief"
    for member in MEMBERS:
        json.dumps(engine.participant_view(state, member["id"]))


# ---- forming groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [
    (2, [2]), (3, [3]), (4, [2, 2]), (5, [2, 3]), (6, [3, 3]), (7, [2, 2, 3]), (8, [2, 3, 3]),
    (9, [3, 3, 3]), (10, [2, 2, 3, 3]),
])
def test_random_triads_are_groups_of_three_as_far_as_possible(count, expected):
    state = run(make(people(count), group="triads"), "form_groups", how="random", seed=count)
    assert sizes(state) == expected
    assert sorted(placed(state)) == sorted(f"m{i}" for i in range(count))


@pytest.mark.parametrize(("count", "expected"), [(2, [2]), (3, [3]), (4, [2, 2]), (5, [2, 3]), (7, [2, 2, 3])])
def test_random_pairs_make_one_triad_when_odd(count, expected):
    state = run(make(people(count), group="pairs"), "form_groups", how="random", seed=1)
    assert sizes(state) == expected


def test_random_forming_is_a_seeded_shuffle():
    many = people(9)
    first = run(make(many), "form_groups", how="random", seed=11)["groups"]
    again = run(make(many), "form_groups", how="random", seed=11)["groups"]
    other = [run(make(many), "form_groups", how="random", seed=s)["groups"] for s in range(12, 20)]
    assert [g["members"] for g in first] == [g["members"] for g in again]
    assert any([g["members"] for g in o] != [g["members"] for g in first] for o in other)


def test_forming_needs_a_seed_a_way_and_two_people():
    assert reason(make(), "form_groups", how="random") == "Forming groups at random needs a seed."
    assert reason(make(), "form_groups", how="random", seed="7") == "Forming groups at random needs a seed."
    assert reason(make(), "form_groups", how="by_location") == "Forming groups at random needs a seed."
    assert reason(make(), "form_groups", how="sideways", seed=1).startswith("Choose how to form")
    assert reason(make(people(1)), "form_groups", how="random", seed=1) == \
        "At least two people are needed to form groups."
    assert reason(make([]), "form_groups", how="by_location", seed=1) == \
        "At least two people are needed to form groups."


def test_participants_cannot_form_or_move_or_run_rounds():
    for kind, args in [("form_groups", {"how": "random", "seed": 1}), ("move", {"member": "p1", "to": 1}),
                       ("start_round", {}), ("next_round", {}), ("extend", {"seconds": 30}), ("pause", {}),
                       ("resume", {}), ("call_back", {}), ("show_debrief", {"member": "p1", "answer": "helped"}),
                       ("hide_debrief", {})]:
        assert reason(running(), kind, P("p1"), **args) == "Only a facilitator can do that.", kind


def test_by_location_keeps_the_room_and_the_call_apart():
    many = people(5, in_room=True) + [{"id": f"r{i}", "name": f"Remote{i}", "in_room": False} for i in range(4)]
    state = run(make(many), "form_groups", how="by_location", seed=3)
    view = engine.facilitator_view(state)
    assert all(not g["mixed"] for g in view["groups"]) and view["notes"] == []
    rooms = [{state["members"][m]["in_room"] for m in g["members"]} for g in state["groups"]]
    assert sorted(len(g["members"]) for g in state["groups"]) == [2, 2, 2, 3]
    assert all(len(r) == 1 for r in rooms)


def test_by_location_pairs_make_a_triad_on_the_odd_side():
    many = people(3, in_room=True) + [{"id": f"r{i}", "name": f"Remote{i}", "in_room": False} for i in range(2)]
    state = run(make(many, group="pairs"), "form_groups", how="by_location", seed=3)
    assert sorted(len(g["members"]) for g in state["groups"]) == [2, 3]
    assert all(not g["mixed"] for g in engine.facilitator_view(state)["groups"])


def test_by_location_merges_a_single_person_and_says_so():
    many = [{"id": "solo", "name": "Solo", "in_room": True}] + [
        {"id": f"r{i}", "name": f"Remote{i}", "in_room": False} for i in range(4)]
    state = run(make(many), "form_groups", how="by_location", seed=3)
    assert sorted(placed(state)) == sorted(m["id"] for m in many)
    notes = engine.facilitator_view(state)["notes"]
    assert notes == ["Solo is the only one in the room, so they join a remote group."]
    assert engine.participant_view(state, "solo")["mixed_group"] is True
    assert "Solo" not in json.dumps(engine.display_view(state, False))


def test_by_location_two_people_in_different_places_still_pair_up():
    many = [{"id": "a", "name": "Aya", "in_room": True}, {"id": "b", "name": "Bo", "in_room": False}]
    state = run(make(many), "form_groups", how="by_location", seed=1)
    assert sizes(state) == [2] and len(engine.facilitator_view(state)["notes"]) == 1


def test_manual_groups_are_taken_as_given():
    state = formed([["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
    assert [g["members"] for g in state["groups"]] == [["p1", "p2"], ["p3", "p4"], ["p5", "p6"]]
    assert [g["id"] for g in state["groups"]] == ["g1", "g2", "g3"]


@pytest.mark.parametrize(("groups", "expected"), [
    ("p1", "Groups must be a list of groups of member ids."),
    ([["p1", "p2", "p3"], "p4"], "Groups must be a list of groups of member ids."),
    ([["p1", "p2", "p3"], ["p4", "p5", "zz"]], "Every group member must be someone who is here."),
    ([["p1", "p2", "p3"], ["p4", "p5", 6]], "Every group member must be someone who is here."),
    ([["p1", "p2", "p3"], ["p4", "p5"]], "Every member who is here must be in exactly one group."),
    ([["p1", "p2", "p3"], ["p4", "p5", "p1", "p6"]], "Every member who is here must be in exactly one group."),
    ([["p1", "p2", "p3", "p4"], ["p5", "p6"]], "Each group needs two or three people."),
    ([["p1"], ["p2", "p3"], ["p4", "p5", "p6"]], "Each group needs two or three people."),
])
def test_manual_groups_must_place_every_present_member_once_in_twos_and_threes(groups, expected):
    assert reason(make(), "form_groups", how="manual", groups=groups) == expected


def test_reforming_mid_exercise_keeps_the_round_but_not_in_the_debrief():
    state = run(running(), "next_round")
    state = run(state, "form_groups", how="manual", groups=[["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
    assert state["round"] == 2 and [g["id"] for g in state["groups"]] == ["g3", "g4", "g5"]
    done = run(state, "call_back")
    assert reason(done, "form_groups", how="random", seed=1) == "Everyone is back together for the debrief."


# ---- moving people ----------------------------------------------------------------------------


def test_move_takes_a_member_out_of_a_triad_into_a_pair():
    state = run(formed(), "member_leave", member="p6")
    state = run(state, "move", member="p3", to=1)
    assert [g["members"] for g in state["groups"]] == [["p1", "p5"], ["p2", "p4", "p3"]]


def test_move_keeps_every_group_at_two_or_three():
    state = formed([["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
    assert reason(state, "move", member="p1", to=1) == \
        "That would leave Ben on their own: move them too, or form the groups again."
    state = formed()
    assert reason(state, "move", member="p1", to=1) == "That group already has three people."
    assert reason(state, "move", member="p1", to=0) == "Ana is already in that group."
    assert reason(state, "move", member="p1", to=2) == "There is no such group."
    assert reason(state, "move", member="p1", to="1") == "There is no such group."
    assert reason(state, "move", member="zz", to=1) == "That member is not here."
    assert reason(make(), "move", member="p1", to=0) == "Form the groups first."




def test_move_places_a_member_who_was_waiting():
    state = run(formed(), "member_join", member={"id": "p7", "name": "Gus", "in_room": True})
    assert "p7" not in placed(state)
    state = run(state, "member_leave", member="p6")
    state = run(state, "move", member="p7", to=1)
    assert state["groups"][1]["members"] == ["p2", "p4", "p7"]
    assert engine.participant_view(state, "p7")["placement"] == "placed"


# ---- rounds, rotation and the soft timer ------------------------------------------------------


def test_start_round_needs_groups_and_happens_once():
    assert reason(make(), "start_round") == "Form the groups first."
    state = running()
    assert state["phase"] == "running" and state["round"] == 1
    assert state["deadline"] == 100.0 + ROUND and state["paused"] is False
    assert reason(state, "start_round") == "The rounds have already started."


def test_roles_in_the_first_round_follow_the_seating_order():
    assert roles(running()) == {"p1": "Speaker", "p3": "Listener", "p5": "Observer",
                                "p2": "Speaker", "p4": "Listener", "p6": "Observer"}


def test_next_round_rotates_listener_to_speaker_observer_to_listener():
    state = run(running(), "next_round", now=500.0)
    assert roles(state)["p3"] == "Speaker" and roles(state)["p5"] == "Listener" and roles(state)["p1"] == "Observer"
    assert state["round"] == 2 and state["deadline"] == 500.0 + ROUND


@pytest.mark.parametrize("groups", [
    [["p1", "p3", "p5"], ["p2", "p4", "p6"]],
    [["p1", "p2"], ["p3", "p4"], ["p5", "p6"]],
])
def test_over_len_group_rounds_everyone_takes_each_role_of_their_group_once(groups):
    state = running(groups)
    seen: dict[str, list[str]] = {m: [] for g in groups for m in g}
    for round_number in range(1, len(groups[0]) + 1):
        if round_number > 1:
            state = run(state, "next_round")
        for member, role in roles(state).items():
            seen[member].append(role)
    for group in groups:
        expected = ["Speaker", "Listener", "Observer"][:len(group)]
        for member in group:
            assert sorted(seen[member]) == sorted(expected), member


def test_a_triad_with_two_roles_gets_an_observer():
    state = running([["p1", "p2", "p3"], ["p4", "p5", "p6"]], roles=["Speaker", "Listener"])
    assert sorted(roles(state).values()) == ["Listener", "Listener", "Observer", "Observer", "Speaker", "Speaker"]


def test_next_round_stops_when_everyone_has_had_each_role():
    state = run(run(running(), "next_round"), "next_round")
    assert state["round"] == 3
    assert reason(state, "next_round") == "Everyone has had each role. Call everyone back when you are ready."
    pairs_only = running([["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
    assert engine.facilitator_view(pairs_only)["total_rounds"] == 2
    assert reason(run(pairs_only, "next_round"), "next_round").startswith("Everyone has had each role.")
    assert reason(formed(), "next_round") == "The first round has not started yet."


def test_extend_pause_and_resume_keep_the_remaining_time():
    state = run(running(), "extend", now=120.0, seconds=60)
    assert state["deadline"] == 100.0 + ROUND + 60
    state = run(state, "pause", now=200.0)
    assert state["paused"] and state["deadline"] is None and state["remaining"] == ROUND + 60 - 100
    assert reason(state, "pause") == "The timer is already paused."
    state = run(state, "extend", seconds=30)
    assert state["remaining"] == ROUND - 10
    state = run(state, "resume", now=1000.0)
    assert not state["paused"] and state["deadline"] == 1000.0 + ROUND - 10 and state["remaining"] is None
    assert reason(state, "resume") == "The timer is not paused."
    view = engine.participant_view(run(state, "pause", now=2000.0), "p1")
    assert view["paused"] is True and view["remaining"] < 0  # overtime is shown, never enforced


@pytest.mark.parametrize("seconds", [0, -5, 1801, "30", 2.5, True, None])
def test_extend_rejects_bad_seconds(seconds):
    assert "Extra time" in reason(running(), "extend", seconds=seconds)


def test_the_timer_is_soft_and_next_round_unpauses():
    state = run(running(), "pause", now=150.0)
    late = 100.0 + ROUND + 5000
    state = run(state, "reflected", P("p3"), now=late)
    state = run(state, "next_round", now=late)
    assert not state["paused"] and state["deadline"] == late + ROUND


def test_call_back_ends_the_rounds():
    state = run(running(), "call_back")
    assert state["phase"] == "debrief" and state["deadline"] is None
    for kind, args in [("next_round", {}), ("pause", {}), ("call_back", {}), ("move", {"member": "p1", "to": 1})]:
        assert reason(state, kind, **args) == "Everyone is back together for the debrief.", kind
    assert reason(state, "reflected", P("p3")) == "Everyone is back together for the debrief."
    assert run(formed(), "call_back")["phase"] == "debrief"


# ---- the listening loop -----------------------------------------------------------------------


def test_listener_reflects_and_speaker_confirms():
    state = run(running(), "reflected", P("p3"), note="slow down")
    view = engine.participant_view(state, "p1")
    assert view["loop"] == {"reflections": 1, "yes": 0, "not_quite": 0, "waiting_for_answer": True, "words": []}
    assert view["can"]["confirm"] is True
    state = run(state, "confirm", P("p1"), result="yes")
    assert engine.participant_view(state, "p5")["loop"]["yes"] == 1
    state = run(run(state, "reflected", P("p3")), "confirm", P("p1"), result="not_quite", word="more tired")
    loop = engine.participant_view(state, "p3")["loop"]
    assert loop == {"reflections": 2, "yes": 1, "not_quite": 1, "waiting_for_answer": False, "words": ["more tired"]}
    group = engine.facilitator_view(state)["groups"][0]
    assert group["loops"]["reflections"] == 2 and group["reflection_notes"] == [
        {"by": "p3", "name": "Cai", "note": "slow down"}]
    assert engine.display_view(state, False)["loops_total"] == 2
    # one person answered both: the room never gets a count that is one person's answer
    assert engine.display_view(state, False)["understood_total"] is None


def test_loop_refusals():
    state = running()
    assert reason(state, "confirm", P("p1"), result="yes") == "There is no reflection to answer yet."
    assert reason(state, "reflected", P("p1")) == "This round, that is for the listener."
    state = run(state, "reflected", P("p3"))
    assert reason(state, "confirm", P("p3"), result="yes") == "This round, that is for the speaker."
    assert reason(state, "confirm", P("p1"), result="maybe") == "Answer “yes, that's it” or “not quite”."
    assert reason(state, "confirm", P("p1"), result="yes", word="fine") == "A word to add goes with “not quite”."
    assert reason(state, "confirm", P("p1"), result="not_quite", word="x" * 61) == \
        "A word to add can be up to 60 characters."
    assert reason(state, "reflected", P("p3"), note="x" * 201) == "A note can be up to 200 characters."
    assert reason(state, "reflected", P("p3"), note=5) == "A note can be up to 200 characters."
    state = run(state, "confirm", P("p1"), result="yes")
    assert reason(state, "confirm", P("p1"), result="yes") == "There is no reflection to answer yet."
    assert reason(formed(), "reflected", P("p3")) == "The first round has not started yet."


def test_a_participant_cannot_act_for_another():
    state = running()
    assert reason(state, "reflected", P("p1"), member="p3") == "You can only do that for yourself."
    assert reason(state, "debrief", P("p1"), member="p3", helped="x") == \
        "The debrief opens once everyone is back together."
    debrief = run(state, "call_back")
    assert reason(debrief, "debrief", P("p1"), member="p3", helped="x") == "You can only do that for yourself."


def test_facilitator_acts_only_for_in_room_members():
    state = run(running(), "reflected", member="p4")
    state = run(state, "confirm", member="p2", result="yes")
    assert engine.facilitator_view(state)["groups"][1]["loops"]["yes"] == 1
    assert reason(state, "reflected", member="p3") == "Cai has their own device and does this themselves."
    assert reason(state, "reflected") == "Please choose a member."


def test_unplaced_members_cannot_take_part_in_a_loop():
    state = run(running(), "member_join", member={"id": "p7", "name": "Gus", "in_room": False})
    assert reason(state, "reflected", P("p7")) == "You are waiting to be placed in a group."
    state = run(state, "member_join", member={"id": "p8", "name": "Hal", "in_room": True})
    assert "p7" in placed(state)  # the second late joiner pairs with the first
    alone = run(running(), "member_join", member={"id": "p9", "name": "Ivy", "in_room": True})
    assert reason(alone, "reflected", member="p9") == "Ivy is not in a group yet."


# ---- checklist and repair steps ---------------------------------------------------------------


def test_observer_fills_in_the_checklist_once_per_round():
    state = run(running(), "checklist", P("p5"), items={0: True, "1": False}, note="steady voice")
    state = run(state, "checklist", P("p5"), items={"2": True})
    records = state["checklists"]
    assert len(records) == 1 and records[0]["items"] == {"2": True} and records[0]["note"] is None
    assert engine.participant_view(state, "p5")["my_checklist"] == {"items": {"2": True}, "note": None}
    assert engine.participant_view(state, "p5")["checklist"] == ["Tone", "Timing", "Phrasing"]
    assert engine.participant_view(state, "p3")["checklist"] == []


def test_the_checklist_reaches_the_own_group_after_the_round():
    state = run(running(), "checklist", P("p5"), items={"0": True}, note="warm and steady")
    assert engine.participant_view(state, "p1")["observer_notes"] == []
    state = run(state, "next_round")
    expected = [{"round": 1, "items": {"0": True}, "note": "warm and steady"}]
    assert engine.participant_view(state, "p1")["observer_notes"] == expected
    assert engine.participant_view(state, "p5")["observer_notes"] == expected
    assert "warm and steady" not in json.dumps(engine.participant_view(state, "p2"))
    assert engine.facilitator_view(state)["groups"][0]["checklists"][0]["name"] == "Eve"


@pytest.mark.parametrize(("items", "note", "expected"), [
    ({"5": True}, None, "The checklist must say yes or no per item."),
    ({"0": "yes"}, None, "The checklist must say yes or no per item."),
    ({"-1": True}, None, "The checklist must say yes or no per item."),
    ({"²": True}, None, "The checklist must say yes or no per item."),
    ("all good", None, "The checklist must say yes or no per item."),
    ({}, None, "Please tick an item or add a note."),
    ({}, "   ", "Please tick an item or add a note."),
    ({}, "x" * 301, "A note can be up to 300 characters."),
])
def test_checklist_refusals(items, note, expected):
    assert reason(running(), "checklist", P("p5"), items=items, note=note) == expected


def test_only_the_observer_and_never_in_a_pair():
    assert reason(running(), "checklist", P("p3"), items={"0": True}) == "This round, that is for the observer."
    pairs_only = running([["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
    assert reason(pairs_only, "checklist", P("p1"), items={"0": True}) == "A pair has no observer."


REPAIR = {"exercise": "repair", "roles": ["Person repairing", "Person receiving", "Observer"],
          "repair_steps": ["Acknowledge", "Understand", "Next step", "Invite"], "listener_prompts": []}


def test_repair_steps_are_marked_by_the_person_repairing():
    state = run(running(**REPAIR), "repair_step", P("p1"), index=1)
    state = run(state, "repair_step", P("p1"), index=3)
    assert engine.participant_view(state, "p3")["steps_done"] == [1, 3]
    assert engine.participant_view(state, "p3")["repair_steps"] == REPAIR["repair_steps"]
    state = run(state, "repair_step", P("p1"), index=1, done=False)
    assert engine.participant_view(state, "p5")["steps_done"] == [3]
    assert engine.participant_view(state, "p2")["steps_done"] == []
    assert engine.participant_view(state, "p1")["can"]["repair_step"] is True
    assert engine.display_view(state, False)["repair_steps"] == REPAIR["repair_steps"]
    assert run(state, "next_round")["repairs"][0]["done"] == [3]
    assert engine.participant_view(run(state, "next_round"), "p3")["steps_done"] == []


def test_repair_step_refusals():
    state = running(**REPAIR)
    assert reason(state, "repair_step", P("p3"), index=0) == "This round, that is for the person repairing."
    assert reason(state, "repair_step", P("p1"), index=4) == "There is no such step."
    assert reason(state, "repair_step", P("p1"), index=0, done="yes") == "A step is either done or not."
    assert reason(running(), "repair_step", P("p1"), index=0) == "This exercise has no repair steps."


ASKING = {**REPAIR, "ask_steps": ["Name what happened", "Say how it felt", "Ask for one thing"]}


def test_the_person_who_was_hurt_marks_the_steps_of_asking_for_repair():
    state = run(running(**ASKING), "ask_step", P("p3"), index=0)
    state = run(state, "ask_step", P("p3"), index=2)
    state = run(state, "repair_step", P("p1"), index=0)
    for viewer in ("p1", "p3", "p5"):  # the whole triad follows both sides
        view = engine.participant_view(state, viewer)
        assert view["ask_steps"] == ASKING["ask_steps"]
        assert (view["steps_asked"], view["steps_done"]) == ([0, 2], [0])
    assert engine.participant_view(state, "p3")["can"]["ask_step"] is True
    assert engine.participant_view(state, "p1")["can"]["ask_step"] is False
    assert engine.participant_view(state, "p2")["steps_asked"] == []  # another triad
    group = engine.facilitator_view(state)["groups"][0]
    assert group["steps_asked"] == [0, 2] and group["steps_done"] == [0]
    assert [m["marks_asks"] for m in group["members"]] == [False, True, False]
    assert engine.display_view(state, False)["ask_steps"] == ASKING["ask_steps"]
    state = run(state, "ask_step", P("p3"), index=0, done=False)
    assert engine.participant_view(state, "p5")["steps_asked"] == [2]
    assert engine.participant_view(run(state, "next_round"), "p3")["steps_asked"] == []


def test_with_steps_for_asking_the_receiver_is_the_one_who_asks():
    state = running(**ASKING)
    assert "asking for repair" in engine.participant_view(state, "p3")["my_role_does"]
    assert "asking for repair" not in engine.participant_view(running(**REPAIR), "p3")["my_role_does"]


def test_ask_step_refusals():
    state = running(**ASKING)
    assert reason(state, "ask_step", P("p1"), index=0) == "This round, that is for the person receiving."
    assert reason(state, "ask_step", P("p3"), index=3) == "There is no such step."
    assert reason(state, "ask_step", P("p3"), index=0, done=1) == "A step is either done or not."
    assert reason(running(**REPAIR), "ask_step", P("p3"), index=0) == \
        "This exercise has no steps for asking for repair."


def test_a_repair_without_the_asking_steps_reads_old_marks():
    state = run(running(**REPAIR), "repair_step", P("p1"), index=1)
    old = {**state, "repairs": [{k: v for k, v in m.items() if k != "asked"} for m in state["repairs"]]}
    del old["ask_steps"]
    assert engine.participant_view(old, "p1")["steps_asked"] == [] and engine.participant_view(old, "p1")["ask_steps"] == []
    assert run(old, "repair_step", P("p1"), index=2)["repairs"][0]["done"] == [1, 2]


def test_in_a_repair_the_person_repairing_reflects_and_the_receiver_confirms():
    state = run(running(**REPAIR), "reflected", P("p1"))
    state = run(state, "confirm", P("p3"), result="yes")
    assert engine.participant_view(state, "p1")["loop"]["yes"] == 1


# ---- debrief ----------------------------------------------------------------------------------


def debriefed() -> dict[str, Any]:
    state = run(running(), "call_back")
    state = run(state, "debrief", P("p1"), helped="Being asked again", adjust="")
    return run(state, "debrief", member="p2", helped="The pauses", adjust="Slower start")


def test_debrief_answers_reach_the_facilitators():
    view = engine.facilitator_view(debriefed())
    assert view["debriefs"] == [
        {"id": "p1", "name": "Ana", "helped": "Being asked again", "adjust": ""},
        {"id": "p2", "name": "Ben", "helped": "The pauses", "adjust": "Slower start"},
    ]
    assert engine.participant_view(debriefed(), "p1")["my_debrief"] == {"helped": "Being asked again", "adjust": ""}
    assert "The pauses" not in json.dumps(engine.participant_view(debriefed(), "p1"))


def test_debrief_refusals():
    state = run(running(), "call_back")
    assert reason(state, "debrief", P("p1"), helped="", adjust=" ") == \
        "Please write what helped, or what you would adjust."
    assert reason(state, "debrief", P("p1")) == "Please write what helped, or what you would adjust."
    assert reason(state, "debrief", P("p1"), helped="x" * 301) == "An answer can be up to 300 characters."
    assert reason(state, "debrief", member="p1", helped="x") == "Ana has their own device and does this themselves."
    assert reason(running(), "debrief", P("p1"), helped="x") == "The debrief opens once everyone is back together."


def enough_debriefs() -> dict[str, Any]:
    """Three people answered each question: one answer may go on the display (activities/privacy.py)."""
    state = run(debriefed(), "debrief", P("p4"), helped="Dee's help", adjust="Dee's change")
    return run(state, "debrief", P("p5"), helped="", adjust="Eve's change")


def test_show_debrief_puts_one_answer_on_the_display_without_a_name():
    assert reason(debriefed(), "show_debrief", member="p2", answer="adjust") == (
        "Wait until at least 3 people have answered “What would you adjust?”, "
        "so that no one's answer can be picked out.")
    state = run(enough_debriefs(), "show_debrief", member="p2", answer="adjust")
    shown = engine.display_view(state, False)["shown_debrief"]
    assert shown == {"answer": "adjust", "question": "What would you adjust?", "text": "Slower start", "name": None}
    assert engine.display_view(state, True)["shown_debrief"]["name"] is None  # never named on the display
    assert engine.participant_view(state, "p1")["debrief_who_sees"].startswith("The facilitators see your answers")
    left = run(state, "member_leave", member="p5")  # two answers left: the room no longer sees one
    assert engine.display_view(left, False)["shown_debrief"] is None
    assert engine.participant_view(state, "p2")["shown_debrief"]["mine"] is True
    mine = engine.participant_view(state, "p1")["shown_debrief"]
    assert mine == {"answer": "adjust", "question": "What would you adjust?", "text": "Slower start", "mine": False}
    assert engine.facilitator_view(state)["shown_debrief"]["name"] == "Ben"
    state = run(state, "hide_debrief")
    assert engine.display_view(state, True)["shown_debrief"] is None
    assert reason(state, "hide_debrief") == "Nothing is being shown."


def test_show_debrief_refusals_and_emptied_answers_leave_the_display():
    state = enough_debriefs()
    assert reason(state, "show_debrief", member="p1", answer="adjust") == "Ana has not answered that."
    assert reason(state, "show_debrief", member="p3", answer="helped") == "Cai has not answered that."
    assert reason(state, "show_debrief", member="p1", answer="name").startswith("Choose which answer")
    assert reason(state, "show_debrief", member="p1", answer=["helped"]).startswith("Choose which answer")
    state = run(state, "show_debrief", member="p1", answer="helped")
    state = run(state, "debrief", P("p1"), helped="", adjust="Breathe first")
    assert state["shown"] is None


# ---- views ------------------------------------------------------------------------------------


def busy() -> dict[str, Any]:
    state = run(running(), "reflected", P("p3"), note="NOTE-A")
    state = run(state, "confirm", P("p1"), result="not_quite", word="WORD-A")
    state = run(state, "checklist", P("p5"), items={"0": True}, note="CHECK-A")
    state = run(state, "reflected", member="p4", note="NOTE-B")
    state = run(state, "confirm", member="p2", result="not_quite", word="WORD-B")
    state = run(state, "checklist", member="p6", items={"1": True}, note="CHECK-B")
    return run(state, "next_round")


def test_a_participant_sees_only_their_own_group():
    state = busy()
    group_a, group_b = ["p1", "p3", "p5"], ["p2", "p4", "p6"]
    for mine, theirs, tokens in [(group_a, group_b, "B"), (group_b, group_a, "A")]:
        other_names = [m["name"] for m in MEMBERS if m["id"] in theirs]
        for member in mine:
            text = json.dumps(engine.participant_view(state, member))
            assert not any(f"{kind}-{tokens}" in text for kind in ("NOTE", "WORD", "CHECK"))
            assert not any(name in text for name in other_names)


def test_the_listener_note_reaches_no_other_participant():
    state = run(running(), "reflected", P("p3"), note="NOTE-A")
    assert engine.participant_view(state, "p3")["my_notes"] == ["NOTE-A"]
    for member in ("p1", "p5", "p2"):
        assert "NOTE-A" not in json.dumps(engine.participant_view(state, member))


def test_participant_view_carries_my_role_prompts_and_the_scenario():
    state = running()
    listener, observer, speaker = (engine.participant_view(state, m) for m in ("p3", "p5", "p1"))
    assert listener["my_role"] == "Listener" and listener["prompts"] == ["What I heard you say is…"]
    assert observer["my_role"] == "Observer" and observer["prompts"] == [] and observer["checklist"]
    assert speaker["my_role"] == "Speaker" and speaker["my_role_does"].startswith("Shares a moment")
    assert speaker["group"] == [{"name": "Ana", "role": "Speaker", "me": True},
                                {"name": "Cai", "role": "Listener", "me": False},
                                {"name": "Eve", "role": "Observer", "me": False}]
    assert [speaker["round"], speaker["total_rounds"], speaker["deadline"]] == [1, 3, 100.0 + ROUND]
    assert speaker["scenario"] == "S-one"
    assert listener["scenario"] is None and observer["scenario"] is None  # the idea is the speaker's
    later = run(state, "next_round")
    views = [engine.participant_view(later, m) for m in ("p1", "p3", "p5")]
    assert [v["scenario"] for v in views if v["my_role"] == "Speaker"] == ["S-two"]
    assert [v["scenario"] for v in views if v["my_role"] != "Speaker"] == [None, None]
    assert engine.participant_view(make(scenarios=[]), "p1")["scenario"] is None
    assert engine.participant_view(state, "nobody")["group"] == []


def test_display_shows_the_frame_and_no_names_or_words():
    state = busy()
    view = engine.display_view(state, False)
    assert [r["role"] for r in view["roles"]] == ["Speaker", "Listener", "Observer"]
    assert view["group_count"] == 2 and view["loops_total"] == 2 and view["round"] == 2
    named = engine.display_view(state, True)
    assert view["groups"] == [] and not any(m["name"] in json.dumps(view) for m in MEMBERS)
    # Names shown (the facilitator's choice): the groups the room is asked to find, first names and nothing else.
    assert named["groups"] == [["Ana", "Cai", "Eve"], ["Ben", "Dee", "Fay"]]
    assert not any(m["name"] in json.dumps({**named, "groups": []}) for m in MEMBERS)
    assert not any(token in json.dumps(view) + json.dumps(named) for token in ("NOTE", "WORD", "CHECK"))
    assert engine.display_view(run(state, "call_back"), True)["groups"] == []  # back together: no groups


def test_facilitator_view_has_everything():
    view = engine.facilitator_view(busy())
    assert [len(g["members"]) for g in view["groups"]] == [3, 3]
    assert view["totals"] == {"loops": 2, "yes": 0, "not_quite": 2}
    assert view["groups"][0]["loops_by_round"] == [{"round": 1, "reflections": 1, "yes": 0, "not_quite": 1}]
    assert view["groups"][0]["loops"]["reflections"] == 0  # the current round (2) has none yet
    assert all(g["checklists"] for g in view["groups"])
    assert view["groups"][0]["members"][0] == {"id": "p1", "name": "Ana", "in_room": False, "present": True,
                                               "role": "Observer", "offers_reflection": False,
                                               "answers_reflection": False, "observes": True, "marks_steps": False,
                                               "marks_asks": False}
    # what each role does this round, decided here for the console (activities/kinds/pairs_rules.py)
    doing = [{k for k in ("offers_reflection", "answers_reflection", "observes") if m[k]}
             for m in view["groups"][0]["members"]]
    assert sorted(map(sorted, doing)) == [["answers_reflection"], ["observes"], ["offers_reflection"]]


# ---- join and leave ---------------------------------------------------------------------------


def test_a_late_joiner_goes_into_the_smallest_group_at_their_location():
    state = formed([["p1", "p3"], ["p2", "p4"], ["p5", "p6"]])
    state = run(state, "member_join", member={"id": "p7", "name": "Gus", "in_room": True})
    state = run(state, "member_join", member={"id": "p8", "name": "Hal", "in_room": False})
    assert [g["members"] for g in state["groups"]] == [["p1", "p3", "p8"], ["p2", "p4", "p7"], ["p5", "p6"]]


def test_a_late_joiner_waits_when_every_group_is_full():
    state = run(running(), "member_join", member={"id": "p7", "name": "Gus", "in_room": True})
    view = engine.participant_view(state, "p7")
    assert view["placement"] == "waiting" and view["waiting_note"] == "Waiting to be placed in a group."
    assert engine.display_view(state, False)["waiting"] == 1
    assert engine.facilitator_view(state)["unplaced"][0]["id"] == "p7"


def test_joining_before_forming_or_in_the_debrief_places_no_one():
    state = run(make(), "member_join", member={"id": "p7", "name": "Gus", "in_room": True})
    assert state["groups"] == []
    state = run(run(running(), "call_back"), "member_join", member={"id": "p7", "name": "Gus", "in_room": True})
    assert "p7" not in placed(state) and engine.participant_view(state, "p7")["placement"] == "together"
    assert reason(make(), "member_join", P("p1"), member={"id": "p7", "name": "Gus"}) == \
        "Only a facilitator can do that."


def test_a_leaver_s_group_is_mended():
    state = run(running(), "member_leave", member="p5")
    assert state["groups"][0]["members"] == ["p1", "p3"]
    state = run(state, "member_leave", member="p3")
    assert placed(state) == ["p2", "p4", "p6"]
    assert engine.participant_view(state, "p1")["placement"] == "waiting"
    assert engine.participant_view(state, "p3")["group"] == []
    back = run(state, "member_join", member={"id": "p3", "name": "Cai", "in_room": False})
    assert back["groups"][-1]["members"] == ["p1", "p3"]
    assert reason(state, "member_leave", member="p3") == "That member is not here."


def test_unknown_commands_are_refused():
    assert reason(running(), "shuffle") == "That action is not available in this activity."


def test_a_reflection_changes_only_its_groups_views():
    state, effects = act(running(), "reflected", P("p3"))
    assert changed_views(running(), state) == ["p1", "p3", "p5"] and effects == []
    assert act(running(), "extend", seconds=5)[1] == []


def test_a_newcomer_does_not_see_what_was_said_before_they_arrived():
    state = running([["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
    state = run(state, "reflected", P("p2"), note="NOTE-X")
    state = run(state, "confirm", P("p1"), result="not_quite", word="WORD-X")
    state = run(state, "member_join", member={"id": "p7", "name": "Gus", "in_room": True})
    assert state["groups"][0]["members"] == ["p1", "p2", "p7"]
    view = engine.participant_view(state, "p7")
    assert view["loop"]["words"] == [] and view["loop"]["reflections"] == 0
    assert "WORD-X" not in json.dumps(view) and "NOTE-X" not in json.dumps(view)
    assert engine.participant_view(state, "p1")["loop"]["words"] == ["WORD-X"]


def test_a_roleplay_scene_is_for_everyone_in_the_group():
    state = running(exercise="roleplay", roles=["Speaker", "Partner", "Observer"])
    assert {engine.participant_view(state, m)["scenario"] for m in ("p1", "p3", "p5")} == {"S-one"}


def test_a_phone_in_the_room_is_not_remote():
    """Hybrid: where a member is comes from their own choice (remote False = a phone in the room), not
    from whether they have a device; phones in the room are grouped with the people without one."""
    here = [{"id": f"d{i}", "name": f"NoDevice{i}", "in_room": True} for i in range(2)]
    phones = [{"id": f"h{i}", "name": f"PhoneHere{i}", "in_room": False, "remote": False} for i in range(2)]
    away = [{"id": f"r{i}", "name": f"Remote{i}", "in_room": False, "remote": True} for i in range(4)]
    state = run(make(here + phones + away, group="pairs"), "form_groups", how="by_location", seed=3)
    sides = [{m[0] for m in g["members"]} for g in state["groups"]]
    assert all(side <= {"d", "h"} or side == {"r"} for side in sides)
    assert sum(len(g["members"]) for g in state["groups"] if g["members"][0][0] != "r") == 4
    assert all(not g["mixed"] for g in engine.facilitator_view(state)["groups"])
    with pytest.raises(Rejected, match="in the room or joining from elsewhere"):
        make([{"id": "x", "name": "X", "in_room": False, "remote": "maybe"}, *away])


def test_the_view_says_who_reflects_and_who_confirms():
    """The phone is told its part in the listening loop instead of re-deriving the rule."""
    state = running()
    speaker, listener, observer = (engine.participant_view(state, m)["turns"] for m in ("p1", "p3", "p5"))
    assert speaker == {"reflector": "Cai", "confirmer": None, "mine": "confirm"}
    assert listener == {"reflector": None, "confirmer": "Ana", "mine": "reflect"}
    assert observer == {"reflector": "Cai", "confirmer": "Ana", "mine": None}
    repair = running(exercise="repair", roles=["Speaker", "Partner", "Observer"])
    assert engine.participant_view(repair, "p1")["turns"]["mine"] == "reflect"  # in a repair the first role reflects
    assert engine.participant_view(make(), "p1")["turns"] is None  # not in a group yet
