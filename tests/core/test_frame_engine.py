"""The session frame engine: pure, no Flask."""
import pytest

from activities import frame
from activities.engine import Rejected

FAC = {"role": "facilitator", "id": "f1"}
SYSTEM = {"role": "system", "id": None}


def me(mid="p1"):
    return {"role": "participant", "id": mid}


def with_members(*names):
    state = frame.new_state()
    for i, name in enumerate(names, start=1):
        state, _ = frame.apply(state, {"type": "member_join", "actor": SYSTEM,
                                       "member_info": {"id": f"p{i}", "name": name}}, 0)
    return state


def test_phases_follow_the_allowed_transitions():
    s = frame.new_state()
    s, eff = frame.apply(s, {"type": "set_phase", "to": "running", "actor": FAC}, 1)
    assert s["phase"] == "running" and eff == [{"type": "phase", "phase": "running"}]
    s, _ = frame.apply(s, {"type": "set_phase", "to": "paused", "actor": FAC}, 2)
    assert s["pause_note"] == frame.DEFAULT_PAUSE_NOTE
    s, _ = frame.apply(s, {"type": "set_phase", "to": "running", "actor": FAC}, 3)
    assert s["pause_note"] == ""
    with pytest.raises(Rejected, match="cannot go from running to lobby"):
        frame.apply(s, {"type": "set_phase", "to": "lobby", "actor": FAC}, 4)
    s, _ = frame.apply(s, {"type": "set_phase", "to": "ended", "actor": FAC}, 5)
    with pytest.raises(Rejected, match="ended"):
        frame.apply(s, {"type": "set_message", "text": "hi", "actor": FAC}, 6)


@pytest.mark.parametrize("command", [
    {"type": "set_phase", "to": "running"},
    {"type": "set_message", "text": "x"},
    {"type": "show_join", "on": True},
    {"type": "ack_signal", "signal": 1},
    {"type": "show_names", "on": True},
    {"type": "member_join", "member_info": {"id": "p9", "name": "X"}},
    {"type": "member_leave", "member": "p1"},
])
def test_participants_cannot_run_the_session(command):
    s = with_members("Ana")
    with pytest.raises(Rejected):
        frame.apply(s, {**command, "actor": me()}, 1)


def test_facilitator_cannot_add_members_directly():
    with pytest.raises(Rejected):
        frame.apply(frame.new_state(), {"type": "member_join", "actor": FAC,
                                        "member_info": {"id": "p1", "name": "A"}}, 1)


def test_unknown_and_bad_commands_are_rejected():
    s = with_members("Ana")
    with pytest.raises(Rejected, match="Unknown command"):
        frame.apply(s, {"type": "explode", "actor": FAC}, 1)
    with pytest.raises(Rejected, match="not valid"):
        frame.apply(s, {"type": "set_message", "text": 5, "actor": FAC}, 1)
    with pytest.raises(Rejected, match="under 500"):
        frame.apply(s, {"type": "set_message", "text": "x" * 501, "actor": FAC}, 1)
    with pytest.raises(Rejected, match="Unknown session state"):
        frame.apply(s, {"type": "set_phase", "to": "party", "actor": FAC}, 1)


def test_pass_is_for_yourself_and_resets_with_a_new_message():
    s = with_members("Ana", "Ben")
    with pytest.raises(Rejected, match="yourself"):
        frame.apply(s, {"type": "pass", "member": "p2", "actor": me("p1")}, 1)
    s, eff = frame.apply(s, {"type": "pass", "actor": me("p1")}, 1)
    assert s["passes"] == ["p1"] and eff == []
    s, _ = frame.apply(s, {"type": "pass", "actor": me("p1")}, 2)
    assert s["passes"] == ["p1"]
    s, _ = frame.apply(s, {"type": "pass", "member": "p2", "actor": FAC}, 3)  # for an in-room member
    assert s["passes"] == ["p1", "p2"]
    s, _ = frame.apply(s, {"type": "set_message", "text": "Next question", "actor": FAC}, 4)
    assert s["passes"] == []


def test_pause_signal_reaches_facilitators_only_and_is_acknowledged_privately():
    s = with_members("Ana", "Ben")
    s, eff = frame.apply(s, {"type": "pause_signal", "actor": me("p1")}, 10)
    assert {"type": "alert", "kind": "pause", "member": "p1", "signal": 1} in eff
    s2, eff2 = frame.apply(s, {"type": "pause_signal", "actor": me("p1")}, 11)
    assert eff2 == [] and len(s2["signals"]) == 1  # a second tap changes nothing
    assert frame.facilitator_view(s)["signals"][0]["name"] == "Ana"
    assert frame.participant_view(s, "p1")["signal"] == {"acknowledged": False, "note": ""}
    assert frame.participant_view(s, "p2")["signal"] is None
    assert "signals" not in frame.display_view(s)
    s, eff = frame.apply(s, {"type": "ack_signal", "signal": 1, "note": "I see you", "actor": FAC}, 12)
    assert eff == []
    assert frame.participant_view(s, "p1")["signal"] == {"acknowledged": True, "note": "I see you"}
    assert frame.facilitator_view(s)["signals"] == []
    with pytest.raises(Rejected, match="already answered"):
        frame.apply(s, {"type": "ack_signal", "signal": 1, "actor": FAC}, 13)
    with pytest.raises(Rejected, match="no longer there"):
        frame.apply(s, {"type": "ack_signal", "signal": 99, "actor": FAC}, 13)


def test_views_hide_names_on_the_display_unless_turned_on():
    s = with_members("Ana", "Ben")
    assert frame.display_view(s)["names"] == [] and frame.display_view(s)["count"] == 2
    s, _ = frame.apply(s, {"type": "show_names", "on": True, "actor": FAC}, 1)
    assert frame.display_view(s)["names"] == ["Ana", "Ben"]


def test_member_leave_drops_their_passes_and_signals_and_apply_never_mutates():
    s = with_members("Ana", "Ben")
    s, _ = frame.apply(s, {"type": "pause_signal", "actor": me("p2")}, 1)
    s, _ = frame.apply(s, {"type": "pass", "actor": me("p2")}, 1)
    before = repr(s)
    s2, _ = frame.apply(s, {"type": "member_leave", "member": "p2", "actor": SYSTEM}, 2)
    assert repr(s) == before
    assert [m["id"] for m in s2["members"]] == ["p1"] and s2["passes"] == [] and s2["signals"] == []
    with pytest.raises(Rejected, match="not in the session"):
        frame.apply(s2, {"type": "pass", "actor": me("p2")}, 3)


def test_the_join_code_can_go_back_on_the_display_for_latecomers():
    s = frame.new_state()
    assert frame.display_view(s)["show_join"] is False
    s, eff = frame.apply(s, {"type": "show_join", "on": True, "actor": FAC}, 1)
    assert eff == [] and frame.display_view(s)["show_join"] is True and frame.facilitator_view(s)["show_join"] is True
    s, _ = frame.apply(s, {"type": "show_join", "on": False, "actor": FAC}, 2)
    assert frame.display_view(s)["show_join"] is False
    old = frame.new_state()
    del old["show_join"]  # a session saved before the switch existed
    assert frame.display_view(old)["show_join"] is False
    assert "show_join" not in frame.participant_view(s, "p1")  # phones have their own way in


def test_where_someone_is_in_a_hybrid_session():
    s = frame.new_state()
    for mid, name, remote, in_room in (("p1", "Ana", True, False), ("p2", "Ben", False, False), ("p3", "Cy", True, True)):
        s, _ = frame.apply(s, {"type": "member_join", "actor": SYSTEM,
                               "member_info": {"id": mid, "name": name, "in_room": in_room, "remote": remote}}, 0)
    assert [frame.is_remote(m) for m in s["members"]] == [True, False, False]  # no device: in the room
    assert frame.participant_view(s, "p1")["remote"] is True
    s, eff = frame.apply(s, {"type": "set_place", "remote": False, "actor": me("p1")}, 1)
    assert eff == [] and frame.participant_view(s, "p1")["remote"] is False
    s, _ = frame.apply(s, {"type": "set_place", "remote": True, "member": "p2", "actor": FAC}, 2)  # a correction
    assert frame.participant_view(s, "p2")["remote"] is True
    with pytest.raises(Rejected, match="only do this for yourself"):
        frame.apply(s, {"type": "set_place", "remote": True, "member": "p2", "actor": me("p1")}, 3)
    with pytest.raises(Rejected, match="without a device"):
        frame.apply(s, {"type": "set_place", "remote": True, "member": "p3", "actor": FAC}, 3)
    with pytest.raises(Rejected, match="in the room or from elsewhere"):
        frame.apply(s, {"type": "set_place", "remote": "yes", "actor": me("p1")}, 3)
    old = with_members("Dee")  # joined before the choice existed: a phone counts as remote, as it did
    assert frame.is_remote(old["members"][0]) is True and frame.participant_view(old, "p1")["remote"] is True


def test_a_broadcasts_frame_views_are_each_members_own_view():
    """frame.participant_views (one pass for a broadcast) gives each member exactly what
    participant_view gives them: their pass, their place, their latest signal and its answer."""
    s = with_members("Ana", "Ben", "Cy", "Dee")
    s, _ = frame.apply(s, {"type": "pause_signal", "actor": me("p1")}, 10)
    s, _ = frame.apply(s, {"type": "ack_signal", "signal": 1, "note": "I see you", "actor": FAC}, 11)
    s, _ = frame.apply(s, {"type": "pause_signal", "actor": me("p1")}, 12)  # a new one, not answered yet
    s, _ = frame.apply(s, {"type": "pause_signal", "actor": me("p3")}, 13)
    s, _ = frame.apply(s, {"type": "pass", "actor": me("p2")}, 14)
    s["members"][3]["in_room"] = True
    ids = ["p1", "p2", "p3", "p4", "nobody"]
    views = frame.participant_views(s, ids)
    assert views == {m: frame.participant_view(s, m) for m in ids}
    assert views["p1"]["signal"] == {"acknowledged": False, "note": ""}  # the latest of Ana's signals
    assert views["p2"]["passed"] and not views["p1"]["passed"]
    assert views["p3"]["signal"] is not None and views["p2"]["signal"] is None
    assert views["p4"]["remote"] is False and views["nobody"]["remote"] is False
