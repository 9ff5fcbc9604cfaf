"""Info engine (show_section) and the shared dispatch: registry, envelope checks, start arguments."""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from activities import engine
from activities.engine import KINDS, Rejected
from activities.schema import ActivityAdapter

F = {"role": "facilitator", "id": "f1"}
P1 = {"role": "participant", "id": "p1"}
MEMBERS = [{"id": "p1", "name": "Ana", "in_room": False}, {"id": "p2", "name": "Ben", "in_room": True}]
BASE = {
    "slug": "working-models", "title": "Internal working models", "category": "psychoeducation",
    "summary": "How expectations shape what we see.", "purpose": "Understand.", "intro": "A short card.",
    "duration": 10, "steps": [{"minutes": 5, "text": "Read."}], "prompts": ["What fits for you?"],
}
SECTIONS = [{"heading": "Model of self", "body": "Am I worth care?"},
            {"heading": "Model of other", "body": "Are others there for me?"},
            {"heading": "Change", "body": "Models change slowly."}]


def activity(kind: str = "info", settings: dict[str, Any] | None = None) -> Any:
    if settings is None:
        settings = {"sections": SECTIONS, "reflection": ["What did you notice?"]}
    return ActivityAdapter.validate_python({**BASE, "kind": kind, "settings": settings})


def make() -> dict[str, Any]:
    return engine.start(activity(), MEMBERS, 0.0, 1)


def reason(state: dict[str, Any], command: Any, now: float = 1.0) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, command, now)
    return caught.value.reason


# ---- info -------------------------------------------------------------------------------------


def test_info_starts_on_the_first_section():
    view = engine.participant_view(make(), "p1")
    assert view == {
        "kind": "info", "sections": SECTIONS, "reflection": ["What did you notice?"], "current": 0,
    }


def test_show_section_moves_the_highlight_for_everyone():
    state = make()
    new_state, effects = engine.apply(state, {"type": "show_section", "actor": F, "index": 2}, 1.0)
    assert state["current"] == 0 and new_state["current"] == 2
    assert engine.display_view(new_state, show_names=False)["current"] == 2
    assert effects == []


@pytest.mark.parametrize("index", [3, -1, "1", 1.0, True, None])
def test_show_section_rejects_bad_indexes(index):
    assert reason(make(), {"type": "show_section", "actor": F, "index": index}) == "There is no such section."


def test_show_section_is_for_facilitators():
    command = {"type": "show_section", "actor": P1, "index": 1}
    assert reason(make(), command) == "Only a facilitator can do that."


def test_info_views_match_across_audiences():
    state = make()
    assert engine.facilitator_view(state) == engine.display_view(state, show_names=True)


# ---- registry and dispatch --------------------------------------------------------------------


def test_registry_holds_the_live_kinds_and_leaves_room_for_the_rest():
    assert set(KINDS) == {"round", "form", "pacer", "info", "pairs", "cards", "measure"}
    assert all(name == kind_engine.kind for name, kind_engine in KINDS.items())


def test_a_duplicate_kind_fails_the_registry():
    with pytest.raises(ValueError, match="round"):
        engine._registry(KINDS["round"], KINDS["form"], KINDS["round"])


def test_kinds_without_an_engine_are_rejected_at_start():
    dance = SimpleNamespace(kind="dance", settings=None)  # a kind the schema may gain before its engine
    with pytest.raises(Rejected, match=r"^Dance activities cannot run live yet\.$"):
        engine.start(dance, MEMBERS, 0.0, 1)


@pytest.mark.parametrize(("members", "expected"), [
    ([{"id": "p1", "name": "Ana"}, {"id": "p1", "name": "Ann"}], "Two members share the id p1."),
    ([{"id": "p1"}], "A member needs a name."),
    ([{"id": "p1", "name": "x" * 81}], "A member needs a name."),
    ("p1", "Members must be a list."),
])
def test_start_rejects_bad_members(members, expected):
    with pytest.raises(Rejected) as caught:
        engine.start(activity(), members, 0.0, 1)
    assert caught.value.reason == expected


def test_start_rejects_a_non_integer_seed():
    with pytest.raises(Rejected):
        engine.start(activity(), MEMBERS, 0.0, True)


@pytest.mark.parametrize("now", [float("nan"), float("inf"), "1.0", None, True])
def test_a_broken_clock_is_a_programming_error(now):
    with pytest.raises(ValueError):
        engine.apply(make(), {"type": "show_section", "actor": F, "index": 1}, now)


def test_a_state_of_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        engine.apply({"kind": "dance"}, {"type": "next", "actor": F}, 1.0)
    with pytest.raises(ValueError):
        engine.facilitator_view({})


@pytest.mark.parametrize(("command", "expected"), [
    ("show_section", "The request was not understood."),
    ({"actor": F}, "The request does not say what to do."),
    ({"type": "", "actor": F}, "The request does not say what to do."),
    ({"type": "show_section"}, "It is not clear who is asking."),
    ({"type": "show_section", "actor": {"role": "admin"}}, "It is not clear who is asking."),
    ({"type": "show_section", "actor": {"role": "participant"}}, "It is not clear who is asking."),
    ({"type": "show_section", "actor": {"role": "facilitator", "id": 3}}, "It is not clear who is asking."),
    ({"type": "show_section", "actor": {"role": "participant", "id": "p9"}},
     "You are not part of this activity."),
    ({"type": "dance", "actor": F}, "That action is not available in this activity."),
])
def test_malformed_commands_are_rejected(command, expected):
    assert reason(make(), command) == expected


def test_a_member_who_left_can_no_longer_act():
    state, _ = engine.apply(make(), {"type": "member_leave", "actor": F, "member": "p1"}, 1.0)
    command = {"type": "show_section", "actor": P1, "index": 1}
    assert reason(state, command) == "You are not part of this activity."


def test_state_is_json_and_records_its_kind():
    state = make()
    assert state["kind"] == "info" and json.loads(json.dumps(state)) == state
