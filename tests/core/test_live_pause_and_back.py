"""Over Socket.IO: "Pause everyone" holds the activity's clock on every screen, and Back to a go-around
carries it on from its archived run (core/catalogue.prepare), kept once in the records."""
import pytest

from core import catalogue, live, records
from core.activity_models import ActivityRun
from core.extensions import db
from core.models import GroupSession
from tests.core.test_live_activities import act, cmd, live_room  # noqa: F401  (the fixture: Ana, Ben, Cy in the room)
from tests.helpers import events

ROUND, PACER = 1, 2  # go-around and paced breathing in test_live_activities.PLAN


@pytest.fixture
def room(live_room):  # noqa: F811
    assert cmd(live_room["fac"], "set_phase", to="running")["ok"]
    return live_room


def activity_view(sc):
    views = events(sc, "view")
    return views[-1]["activity"]["view"]


def test_pause_everyone_holds_the_pacer_and_the_turn_on_every_screen(room):
    fac, ana, disp = room["fac"], room["ana"], room["disp"]
    assert cmd(fac, "plan_go", index=PACER)["ok"]
    assert cmd(fac, "set_phase", to="paused", note="A short break")["ok"]
    for client in (fac, ana, disp):
        view = activity_view(client)
        assert view["kind"] == "pacer" and view["paused"] is True and view["paused_at"] >= view["started_at"]
    assert cmd(fac, "set_phase", to="running")["ok"]
    for client in (fac, ana, disp):
        assert "paused" not in activity_view(client)
    assert cmd(fac, "plan_go", index=ROUND)["ok"] and act(fac, "start")["ok"]
    assert cmd(fac, "set_phase", to="paused")["ok"]
    view = activity_view(disp)
    assert view["paused"] and 0 < view["remaining"] <= view["turn_seconds"]
    assert act(room["ben"], "pass")["ok"]  # people may still pass during the pause
    assert activity_view(ana)["paused"] is True


def test_a_client_cannot_send_its_own_earlier_round(room):
    fac = room["fac"]
    forged = {"kind": "round", "phase": "finished", "left_open": {"at": 0, "speaker": None}}
    ack = fac.emit("command", {"type": "plan_go", "index": ROUND, "resume": {"id": 1, "state": forged}}, callback=True)
    assert ack["ok"] is False or activity_view(fac)["phase"] == "ready"


def test_back_to_a_go_around_carries_it_on_and_it_is_kept_once(app, room):
    fac, cy = room["fac"], room["cy_id"]
    assert cmd(fac, "plan_go", index=ROUND)["ok"] and act(fac, "start")["ok"]
    first = activity_view(fac)["speaker"]["id"]
    assert act(fac, "next")["ok"]  # the first speaker is done; the second one speaks
    second = activity_view(fac)["speaker"]["id"]
    assert cmd(fac, "plan_next")["ok"]  # moved on in the middle of the second turn
    assert cmd(fac, "plan_back")["ok"]
    view = activity_view(fac)
    assert view["phase"] == "running" and view["speaker"]["id"] == second
    assert view["resumed"]["spoken"] == 1 and view["resumed"]["of"] == 3
    assert view["resumed"]["reopened"]["id"] == second
    assert {m["id"]: m["status"] for m in view["members"]} == {first: "done", second: "speaking", cy: "waiting"}
    with app.app_context():
        session = db.session.get(GroupSession, room["gs"].id)
        listed = [r for r in records.session_runs(session) if r["kind"] == "round"]
        assert len(listed) == 1 and listed[0]["running"]  # not the archive too, while it runs again
    assert act(fac, "next")["ok"] and act(fac, "next")["ok"]  # the second, then Cy: everyone has had a turn
    assert cmd(fac, "plan_next")["ok"]
    with app.app_context():
        rounds = db.session.query(ActivityRun).filter_by(session_id=room["gs"].id, kind="round").all()
        assert len(rounds) == 1  # the archive was brought up to date, not doubled
        assert rounds[0].state["status"] == {first: "done", second: "done", cy: "done"}
        session = db.session.get(GroupSession, room["gs"].id)
        summary = next(r["summary"] for r in records.run_summaries(session) if r["kind"] == "round")
        assert summary["facts"][0] == {"label": "Took a turn", "value": 3}
        history = catalogue._history(session.id, live.load_state(session.id)[0])
        assert set(history) == {first, second, cy}
    # back again: everyone has had a turn, so nothing was left open: the go-around starts afresh
    assert cmd(fac, "plan_back")["ok"]
    view = activity_view(fac)
    assert view["phase"] == "ready" and view["resumed"] is None
