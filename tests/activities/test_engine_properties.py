"""Property tests: random command sequences (valid and invalid, random actors, rising clock).

For every kind: apply raises nothing but Rejected, never mutates its input, and the state stays
JSON-serialisable. For rounds the turn invariants hold after every step; for forms no view leaks an
answer to an audience it is not meant for. Participant and display views stay within allow-lists.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import engine
from activities.engine import Rejected
from activities.library import load_library
from activities.schema import ActivityAdapter
from activities.split import PERSONAL

PARTNER_ALLOWED = {
    ("pairs", "participant"): {
        "kind", "exercise", "phase", "round", "round_minutes", "deadline", "paused", "remaining", "total_rounds",
        "placement", "waiting_note", "my_role", "my_role_does", "group", "mixed_group", "turns", "prompts", "checklist",
        "scenario", "repair_steps", "steps_done", "ask_steps", "steps_asked", "loop", "my_notes", "my_checklist", "observer_notes", "can",
        "my_debrief", "debrief_who_sees", "shown_debrief"},
    ("pairs", "display"): {
        "kind", "exercise", "phase", "round", "round_minutes", "deadline", "paused", "remaining", "total_rounds",
        "roles", "repair_steps", "ask_steps", "group_count", "groups", "waiting", "loops_total", "understood_total",
        "shown_debrief"},
    ("cards", "participant"): {
        "kind", "mode", "anonymity", "worked_example", "max_chars", "templates", "who_sees", "open", "can_send_to",
        "sent", "received", "group_cards", "shown"},
    ("cards", "display"): {"kind", "mode", "anonymity", "worked_example", "max_chars", "templates", "counts",
                           "shown"},
}

# Example counts scale with the hypothesis profile (tests/conftest.py): as written in "ci", a quarter
# in "fast" (make test-fast).
SCALE = settings.default.max_examples / 100
THOROUGH = settings(max_examples=int(200 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=int(60 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
IDS = ["p1", "p2", "p3", "p4", "p5", "p6"]
NAMES = {member: f"Name{member.upper()}" for member in IDS}  # tokens that appear nowhere else
F = {"role": "facilitator", "id": "f1"}
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=3), st.just([]), st.just({}))


def mostly(valid: st.SearchStrategy[Any], junk: st.SearchStrategy[Any] = JUNK) -> st.SearchStrategy[Any]:
    """Usually a well-formed value, sometimes junk: enough commands get through to reach deep states."""
    # 3 rather than 0: Hypothesis favours boundary values, which would make junk far too common.
    return st.integers(0, 5).flatmap(lambda n: junk if n == 3 else valid)


MEMBER_IDS = mostly(st.sampled_from(IDS[:4]), st.one_of(st.sampled_from(IDS[4:]), JUNK))
PARTICIPANTS = st.builds(lambda member: {"role": "participant", "id": member}, st.sampled_from(IDS[:4]))
BAD_ACTORS = st.sampled_from([
    {"role": "participant"}, {"role": "guest", "id": "p1"}, {"role": "participant", "id": "p5"}, None,
])
ACTORS = mostly(st.one_of(st.just(F), PARTICIPANTS), BAD_ACTORS)
MEMBER_RECORDS = st.builds(lambda member, in_room: {"id": member, "name": NAMES[member], "in_room": in_room},
                           st.sampled_from(IDS), st.booleans())
STATUSES = {"waiting", "speaking", "done", "passed", "later", "skipped"}

FORBIDDEN_KEYS = {"airtime", "spoken_before", "history", "private_answered", "distress", "answers",
                  "submitted_at", "members", "hands", "volunteers", "order", "upcoming"}
ALLOWED = {
    ("round", "participant"): {"kind", "phase", "mode", "prompt", "turn_seconds", "turn_started_at",
                               "deadline", "speaker", "up_next", "my_status", "my_turn", "queue", "queue_more", "me",
                               "hand_raised", "volunteered", "can_pass", "can_come_back_later", "hand_on_to"},
    ("round", "display"): {"kind", "phase", "mode", "prompt", "turn_seconds", "turn_started_at", "deadline",
                           "speaker", "up_next", "still_to_speak", "hands_raised"},
    ("form", "participant"): {"kind", "phase", "fields", "my_answers", "submitted", "shared", "spotlight"},
    ("form", "display"): {"kind", "phase", "fields", "answered", "present", "held_back", "spotlight"},
    **dict.fromkeys([("pacer", "participant"), ("pacer", "display")], {
        "kind", "mode", "running", "started_at", "stopped_at", "pattern", "cycles", "cycle_seconds",
        "total_seconds", "ends_at", "senses", "step", "step_started_at", "step_seconds"}),
    **dict.fromkeys([("info", "participant"), ("info", "display")], {"kind", "sections", "reflection", "current"}),
    ("measure", "participant"): {"kind", "phase", "title", "stem", "items", "mine", "submitted", "passed",
                                 "who_sees"},
    ("measure", "display"): {"kind", "phase", "title", "answered", "present", "held_back"},
    **PARTNER_ALLOWED,  # pairs and cards: their sequences are in test_engine_properties_partner.py
}


def activity(kind: str, settings_: dict[str, Any]) -> Any:
    return ActivityAdapter.validate_python({
        "slug": "prop", "title": "Prop", "category": "skill", "summary": "s", "purpose": "p", "intro": "i",
        "duration": 5, "steps": [{"minutes": 1, "text": "t"}], "prompts": ["p"], "kind": kind,
        "settings": settings_,
    })


def initial_members(count: int, in_room: list[bool]) -> list[dict[str, Any]]:
    return [{"id": IDS[i], "name": NAMES[IDS[i]], "in_room": in_room[i]} for i in range(count)]


def commands(args_by_type: dict[str, dict[str, st.SearchStrategy[Any]]],
             rare: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Commands of the given types plus membership and an unknown type. Membership, the unknown type
    and ``rare`` ones (such as finish) come up less often, so sequences live long enough to matter."""
    args_by_type = {
        **args_by_type,
        "member_join": {"member": mostly(MEMBER_RECORDS, MEMBER_IDS)},
        "member_leave": {"member": MEMBER_IDS},
        "bogus": {},
    }
    seldom = (*rare, "member_join", "member_leave", "bogus")
    weighted = [kind for kind in sorted(args_by_type) for _ in range(1 if kind in seldom else 4)]

    @st.composite
    def command(draw: st.DrawFn) -> dict[str, Any]:
        kind = draw(st.sampled_from(weighted))
        actor = draw(ACTORS)
        drawn = {"type": kind, "actor": actor}
        for key, strategy in args_by_type[kind].items():
            if draw(st.integers(0, 9)) > 0:
                drawn[key] = draw(strategy)
        if isinstance(actor, dict) and actor.get("role") == "participant" and "member" in drawn:
            choice = draw(st.sampled_from(["self", "absent", "as drawn"]))
            if choice == "self":
                drawn["member"] = actor.get("id")
            elif choice == "absent":
                del drawn["member"]
        return drawn

    return command()


def steps(command_strategy: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.tuples(st.floats(0, 400), command_strategy, st.booleans()), min_size=8, max_size=50)


def keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


def check_views(state: dict[str, Any]) -> None:
    kind = state["kind"]
    json.dumps(engine.facilitator_view(state))
    views = {member: engine.participant_view(state, member) for member in [*IDS, "zz"]}
    for view in views.values():
        assert set(view) <= ALLOWED[kind, "participant"]
        assert not FORBIDDEN_KEYS & set(keys(view))
    # The room's part (activities/split.py) is the same for every member: only declared keys differ.
    first = views[IDS[0]]
    assert not {key for key in ALLOWED[kind, "participant"] - PERSONAL[kind]
                if any(view.get(key) != first.get(key) for view in views.values())}
    for show_names in (False, True):
        view = engine.display_view(state, show_names)
        assert set(view) <= ALLOWED[kind, "display"]
        assert not FORBIDDEN_KEYS & set(keys(view))
        if not show_names:
            assert not any(name in json.dumps(view) for name in NAMES.values())


Check = Callable[[dict[str, Any], dict[str, Any]], None]
Prepare = Callable[[dict[str, Any], dict[str, Any], bool], dict[str, Any]]


def unchanged(state: dict[str, Any], command: dict[str, Any], flag: bool) -> dict[str, Any]:
    return command


def drive(state: dict[str, Any], plan: list[Any], check: Check, prepare: Prepare = unchanged) -> None:
    now = 1000.0
    for delay, command, flag in plan:
        now += delay
        command = prepare(state, command, flag)
        before = json.dumps(state, sort_keys=True)
        try:
            new_state, effects = engine.apply(state, command, now)
        except Rejected:
            new_state, effects = state, []
        assert json.dumps(state, sort_keys=True) == before, "apply mutated its input"
        assert json.loads(json.dumps(new_state)) == new_state
        assert all(isinstance(effect, dict) and "type" in effect for effect in effects)
        check(state, new_state)
        check_views(new_state)
        state = new_state


# ---- round ------------------------------------------------------------------------------------

ABOUT_MEMBER = {"member": MEMBER_IDS}
ROUND_COMMANDS = commands({
    **{kind: {} for kind in ("start", "next", "finish")},
    **{kind: ABOUT_MEMBER for kind in ("pass", "later", "skip", "raise_hand", "lower_hand", "volunteer")},
    "reorder": {"order": mostly(st.permutations(IDS), st.lists(MEMBER_IDS, max_size=6))},
    "extend": {"seconds": mostly(st.integers(1, 1800), st.one_of(st.integers(-10, 2000), JUNK))},
    "hand_on": {"to": MEMBER_IDS},
}, rare=("start", "finish"))


def valid_reorder(state: dict[str, Any], command: dict[str, Any], make_valid: bool) -> dict[str, Any]:
    """Half the reorders use a true permutation of the current order, so they get through."""
    if command.get("type") == "reorder" and make_valid and isinstance(command.get("order"), list):
        ordered = [m for m in command["order"] if m in state["order"]]
        return {**command, "order": ordered + [m for m in state["order"] if m not in ordered]}
    return command


def check_round(before: dict[str, Any], after: dict[str, Any]) -> None:
    order, status, speaker = after["order"], after["status"], after["speaker"]
    present = [member for member, record in after["members"].items() if record["present"]]
    assert len(order) == len(set(order)) and set(order) == set(present)
    speaking = [member for member, value in status.items() if value == "speaking"]
    assert len(speaking) <= 1 and speaking == ([] if speaker is None else [speaker])
    assert set(status.values()) <= STATUSES and set(present) <= set(status)
    if speaker is not None:
        assert speaker in order and after["phase"] == "running"
        assert after["deadline"] >= after["turn_started_at"] + after["turn_seconds"]
    assert all(seconds >= 0 for seconds in after["airtime"].values())
    assert all(after["airtime"][m] >= seconds for m, seconds in before["airtime"].items())
    for member, value in before["status"].items():
        if value == "passed" and after["members"][member]["present"]:
            assert status[member] in ("passed", "speaking") and member in order  # F may hand on to them
    assert len(after["hands"]) == len(set(after["hands"])) and set(after["hands"]) <= set(present) - {speaker}
    assert all(status[m] == "waiting" for m in after["volunteers"])


@THOROUGH
@given(
    mode=st.sampled_from(["seating", "random", "volunteers", "hand", "progressive"]),
    count=st.integers(0, 5),
    in_room=st.lists(st.booleans(), min_size=5, max_size=5),
    history=st.dictionaries(st.sampled_from(IDS), st.floats(0, 1000), max_size=4),
    seed=st.integers(0, 2**31),
    begin=st.booleans(),
    plan=steps(ROUND_COMMANDS),
)
def test_round_sequences_keep_their_invariants(mode, count, in_room, history, seed, begin, plan):
    settings_ = {"order": mode, "turn_seconds": 60, "prompt": "What matters today?"}
    state = engine.start(activity("round", settings_), initial_members(count, in_room), 1000.0, seed,
                         {"history": history})
    if begin:
        state, _ = engine.apply(state, {"type": "start", "actor": F}, 1000.0)
    check_views(state)
    drive(state, plan, check_round, valid_reorder)


# ---- form -------------------------------------------------------------------------------------

FORM_FIELDS = [
    {"id": "feeling", "type": "emotion", "label": "Feeling", "audience": "private", "required": True},
    {"id": "strength", "type": "scale", "label": "Strength", "audience": "facilitators",
     "distress_alert": True},
    {"id": "note", "type": "short_text", "label": "Note", "audience": "facilitators"},
    {"id": "story", "type": "long_text", "label": "Story", "audience": "group"},
    {"id": "items", "type": "list", "label": "Items", "audience": "group", "max_items": 2},
]
AUDIENCE = {field["id"]: field["audience"] for field in FORM_FIELDS}
TEXT = mostly(st.just("TXT"), st.sampled_from(["", "x" * 201, 5]))
ANSWERS = st.fixed_dictionaries(
    {"feeling": mostly(st.fixed_dictionaries({"word": TEXT, "family": st.sampled_from([None, "sad", "x"])}))},
    optional={
        "strength": mostly(st.integers(0, 10), st.one_of(st.integers(-1, 11), JUNK)),
        "note": TEXT,
        "story": st.one_of(st.just("TXT"), TEXT),
        "items": mostly(st.lists(TEXT, max_size=3)),
    },
)
FORM_COMMANDS = commands({
    "submit": {**ABOUT_MEMBER, "answers": mostly(ANSWERS)},
    "delete_answers": ABOUT_MEMBER,
    "reveal": {**ABOUT_MEMBER, "field": mostly(st.sampled_from(["story", "items", *AUDIENCE, "nope"]))},
    "hide": {},
    "close": {},
}, rare=("close",))


def marker(member: str, field: str) -> str:
    return f"<{member}:{field}>"


def mark_answers(state: dict[str, Any], command: dict[str, Any], flag: bool) -> dict[str, Any]:
    """Put a findable marker (who, which field) into every text an answer carries."""
    answers = command.get("answers")
    if command.get("type") != "submit" or not isinstance(answers, dict):
        return command
    actor = command.get("actor") or {}
    target = command.get("member") if actor.get("role") == "facilitator" else actor.get("id")
    if not isinstance(target, str):
        return command

    def fill(field: str, value: Any) -> Any:
        if value == "TXT":
            return marker(target, field)
        if isinstance(value, list):
            return [fill(field, item) for item in value]
        if isinstance(value, dict):
            return {key: fill(field, item) for key, item in value.items()}
        return value

    return {**command, "answers": {field: fill(field, value) for field, value in answers.items()}}


def check_form(before: dict[str, Any], after: dict[str, Any]) -> None:
    shared = {(item["member"], item["field"]) for item in after["shared"]}
    facilitator = json.dumps(engine.facilitator_view(after))
    displays = [json.dumps(engine.display_view(after, flag)) for flag in (False, True)]
    participants = {viewer: json.dumps(engine.participant_view(after, viewer)) for viewer in IDS}
    for member in IDS:
        for field, audience in AUDIENCE.items():
            text = marker(member, field)
            visible_to_group = audience == "group" and (member, field) in shared
            assert audience != "private" or text not in facilitator
            assert visible_to_group or not any(text in display for display in displays)
            for viewer, view in participants.items():
                assert viewer == member or visible_to_group or text not in view


def everyone_answers(state: dict[str, Any]) -> dict[str, Any]:
    """Every member submits a full set of marked answers, so reveals have something to show."""
    full = {"feeling": {"word": "TXT", "family": "sad"}, "strength": 9, "note": "TXT", "story": "TXT",
            "items": ["TXT"]}
    for member in list(state["members"]):
        command = mark_answers(state, {"type": "submit", "actor": {"role": "participant", "id": member},
                                       "answers": full}, True)
        state, _ = engine.apply(state, command, 1000.0)
    return state


@THOROUGH
@given(count=st.integers(0, 4), in_room=st.lists(st.booleans(), min_size=5, max_size=5),
       threshold=st.integers(0, 10), prefilled=st.booleans(), plan=steps(FORM_COMMANDS))
def test_form_sequences_never_leak_answers(count, in_room, threshold, prefilled, plan):
    form = activity("form", {"fields": FORM_FIELDS})
    state = engine.start(form, initial_members(count, in_room), 1000.0, 0, {"distress_threshold": threshold})
    if prefilled:
        state = everyone_answers(state)
    check_form(state, state)
    drive(state, plan, check_form, mark_answers)


# ---- pacer and info ---------------------------------------------------------------------------

PACER_COMMANDS = commands({"restart": {}, "stop": {}, "next_step": {}})
INFO_COMMANDS = commands({"show_section": {"index": mostly(st.integers(-1, 3))}})
PACER_SETTINGS = [
    {"mode": "breathing", "pattern": [{"label": "in", "seconds": 4}, {"label": "out", "seconds": 6}]},
    {"mode": "senses", "senses": [{"count": 5, "prompt": "See"}, {"count": 4, "prompt": "Touch"}],
     "step_seconds": 10},
]


def check_pacer(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert 0 <= after["step"] < max(1, len(after["senses"]))
    assert after["running"] or after["stopped_at"] is not None


@QUICK
@given(settings_=st.sampled_from(PACER_SETTINGS), plan=steps(PACER_COMMANDS))
def test_pacer_sequences_stay_valid(settings_, plan):
    drive(engine.start(activity("pacer", settings_), initial_members(2, [True, False]), 1000.0, 0), plan,
          check_pacer)


@QUICK
@given(plan=steps(INFO_COMMANDS))
def test_info_sequences_stay_valid(plan):
    sections = [{"heading": f"H{i}", "body": "Body"} for i in range(3)]
    info = activity("info", {"sections": sections})
    state = engine.start(info, initial_members(2, [True, False]), 1000.0, 0)
    drive(state, plan, lambda before, after: None)


# ---- the real library -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(engine.KINDS))
def test_every_library_activity_of_a_live_kind_starts_and_renders(kind):
    for item in load_library().by_kind(kind):
        state = engine.start(item, initial_members(3, [True, False, True]), 1000.0, 1)
        assert json.loads(json.dumps(state)) == state
        check_views(state)
