"""The state a process wrote last is held so the next command need not read it back (core/live/held.py),
and the database stays the truth: another process's write, a purge or a deleted row are never hidden."""
from sqlalchemy import update

from activities import plan
from core import catalogue, live
from core.extensions import db
from core.live import hub
from core.live.held import HeldStates
from core.models import GroupSession, LiveState


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_held_state_is_given_back_for_its_own_session_only():
    held = HeldStates()
    state = {"phase": "lobby"}
    held.put(1, "abc", 4, state)
    assert held.get(1, "abc") == (state, 4)
    assert held.get(1, "another-session-with-the-row-id") is None
    assert held.get(1, "abc") is None  # the earlier session's state was dropped, not kept aside
    assert held.get(2, "abc") is None


def test_a_later_version_is_not_replaced_by_an_earlier_one():
    held = HeldStates()
    held.put(1, "abc", 6, {"v": 6})
    held.put(1, "abc", 5, {"v": 5})  # a slower command finishing after a quicker one
    assert held.get(1, "abc") == ({"v": 6}, 6)


def test_a_quiet_session_is_dropped_and_the_oldest_go_first():
    clock = Clock()
    held = HeldStates(size=2, hold_s=60, clock=clock)
    held.put(1, "a", 1, {})
    clock.now = 30
    held.put(2, "b", 1, {})
    held.put(3, "c", 1, {})  # past the size: session 1 goes
    assert held.get(1, "a") is None and len(held) == 2
    clock.now = 95  # session 2 was last written 65 s ago
    assert held.get(2, "b") is None
    held.put(4, "d", 1, {})  # the sweep drops what is past its time (session 3, also written at 30)
    assert len(held) == 1 and held.get(4, "d") == ({}, 1)
    held.forget(4)
    assert len(held) == 0


def _session(app, make_facilitator, make_group, make_session):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry("go-around", catalogue.resolve(session.group_id, "go-around"), 5)]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    return gs


FAC = {"role": "facilitator", "id": "f1"}


def _message(gs, text: str):
    """Set the room message in this process; (the session row, the state held, its version)."""
    session = db.session.get(GroupSession, gs.id)
    assert live.execute(session, {"type": "set_message", "text": text, "actor": FAC})["ok"]
    return (session, *live.HELD.get(gs.id, gs.public_id))


def _written_elsewhere(gs, state: dict, version: int) -> None:
    """Another process writes ``state`` at ``version`` behind this one's back."""
    with db.transaction() as s:
        s.execute(update(LiveState).where(LiveState.session_id == gs.id).values(state=state, version=version))


def test_a_command_runs_on_what_another_process_wrote(app, make_facilitator, make_group, make_session):
    gs = _session(app, make_facilitator, make_group, make_session)
    fac = FAC
    with app.app_context():
        session, state, version = _message(gs, "First")
        assert state["message"] == "First"
        _written_elsewhere(gs, {**state, "message": "From the other process"}, version + 1)
        ack = live.execute(session, {"type": "show_names", "on": True, "actor": fac})
        assert ack == {"ok": True, "version": version + 2}
        state, _ = hub.load_state(gs.id)
        assert state["message"] == "From the other process" and state["show_names"] is True
        assert live.HELD.get(gs.id, gs.public_id)[0] == state


def test_a_purged_row_is_not_brought_back_from_memory(app, make_facilitator, make_group, make_session):
    gs = _session(app, make_facilitator, make_group, make_session)
    fac = FAC
    with app.app_context():
        session, _state, _version = _message(gs, "Kept only a while")
        with db.transaction() as s:  # the row goes (as the purge deletes it) while the state is held
            s.query(LiveState).filter_by(session_id=gs.id).delete()
        assert live.execute(session, {"type": "show_names", "on": True, "actor": fac})["ok"]
        state, version = hub.load_state(gs.id)
        assert state["message"] == "" and version == 1  # a fresh lobby: nothing of the old state is back


def test_a_snapshot_is_of_the_database_s_version(app, make_facilitator, make_group, make_session):
    gs = _session(app, make_facilitator, make_group, make_session)
    with app.app_context():
        session, held, version = _message(gs, "Held here")
        assert hub.current_state(session) == (held, version)
        assert hub.snapshot(session, "display")["frame"]["message"] == "Held here"
        _written_elsewhere(gs, {**held, "message": "Written elsewhere"}, version + 1)
        assert hub.current_state(session)[1] == version + 1
        assert hub.snapshot(session, "display")["frame"]["message"] == "Written elsewhere"


def test_a_command_refused_on_a_held_state_is_tried_on_what_another_process_wrote(
        app, make_facilitator, make_group, make_session):
    """A plan set by another process: "start step 1" was refused on the held state (no step 1 there)."""
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = FAC
    with app.app_context():
        session, state, version = _message(gs, "Before the plan")
        assert state["plan"] == []
        items = [plan.entry("go-around", catalogue.resolve(session.group_id, "go-around"), 5)]
        _written_elsewhere(gs, {**state, "plan": items}, version + 1)
        ack = live.execute(session, {"type": "plan_go", "index": 0, "actor": fac})
        assert ack == {"ok": True, "version": version + 2}
        refused = live.execute(session, {"type": "plan_go", "index": 5, "actor": fac})  # refused on the truth
        assert refused["ok"] is False and "no such step" in refused["error"]
