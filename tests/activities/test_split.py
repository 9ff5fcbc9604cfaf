"""The room's part and each member's own part of the participant views (activities/split.py). That
every kind's views keep to PERSONAL is checked over random sessions in test_engine_properties.py."""
import logging

from activities import frame
from activities.split import FRAME_PERSONAL, PERSONAL, compose, split, split_participants

SYSTEM = {"role": "system", "id": None}


def whole(member: str, status: str, speaker: str = "Ana") -> dict:
    return {"version": 7, "server_time": 1.5, "title": "Tuesday group",
            "frame": {"phase": "running", "message": "Welcome", "passed": False, "remote": True, "signal": None},
            "activity": {"item": {"slug": "go-around", "kind": "round"},
                         "view": {"kind": "round", "speaker": speaker, "queue": ["x1", "x2"], "me": member,
                                  "my_status": status, "my_turn": status == "speaking"}}}


def test_declared_keys_are_personal_and_the_rest_is_shared():
    views = {"p1": whole("x0", "speaking"), "p2": whole("x1", "waiting"), "p3": whole("x2", "waiting")}
    shared, mine = split_participants(views)
    assert shared["activity"]["view"] == {"kind": "round", "speaker": "Ana", "queue": ["x1", "x2"]}
    assert shared["frame"] == {"phase": "running", "message": "Welcome"}
    assert (shared["version"], shared["title"]) == (7, "Tuesday group")
    assert mine["p2"] == {"frame": {"passed": False, "remote": True, "signal": None},
                          "activity": {"me": "x1", "my_status": "waiting", "my_turn": False}}


def test_composing_the_parts_gives_back_every_members_view():
    views = {"p1": whole("x0", "speaking"), "p2": whole("x1", "waiting")}
    views["p2"]["frame"]["signal"] = {"acknowledged": False, "note": ""}
    shared, mine = split_participants(views)
    for member, view in views.items():
        assert compose(shared, {"version": 7, **mine[member]}) == view


def test_a_key_that_differs_but_is_not_declared_stays_personal_and_is_reported(caplog):
    views = {"p1": whole("x0", "waiting", speaker="Ana"), "p2": whole("x1", "waiting", speaker="Ben")}
    with caplog.at_level(logging.WARNING, logger="activities.split"):
        shared, mine = split_participants(views)
    assert "speaker" not in shared["activity"]["view"]
    assert mine["p1"]["activity"]["speaker"] == "Ana" and mine["p2"]["activity"]["speaker"] == "Ben"
    assert "speaker" in caplog.text and "Ana" not in caplog.text  # the key, never the value


def test_a_declared_key_is_personal_even_when_everyone_holds_the_same_value():
    shared, mine = split({"p1": {"kind": "form", "submitted": False}, "p2": {"kind": "form", "submitted": False}},
                         PERSONAL["form"])
    assert shared == {"kind": "form"} and mine == {"p1": {"submitted": False}, "p2": {"submitted": False}}


def test_no_activity_and_no_members():
    view = whole("x0", "waiting")
    view["activity"] = None
    shared, mine = split_participants({"p1": view})
    assert shared["activity"] is None and mine["p1"]["activity"] is None
    assert split_participants({}) == ({}, {})
    assert compose(shared, None)["frame"] == {"phase": "running", "message": "Welcome"}


def test_the_frames_own_keys_are_declared():
    """Members who passed, signalled and sit in different places: only FRAME_PERSONAL differs."""
    state = frame.new_state()
    for i, (name, remote) in enumerate((("Ana", True), ("Ben", False), ("Cy", True)), start=1):
        state, _ = frame.apply(state, {"type": "member_join", "actor": SYSTEM,
                                       "member_info": {"id": f"p{i}", "name": name, "remote": remote}}, 0)
    state, _ = frame.apply(state, {"type": "pass", "actor": {"role": "participant", "id": "p1"}}, 1)
    state, _ = frame.apply(state, {"type": "pause_signal", "actor": {"role": "participant", "id": "p2"}}, 2)
    views = {m: frame.participant_view(state, m) for m in ("p1", "p2", "p3")}
    differ = {key for key in views["p1"] if len({repr(v[key]) for v in views.values()}) > 1}
    assert differ == FRAME_PERSONAL
