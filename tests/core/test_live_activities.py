"""Running a plan live over Socket.IO: who may move the plan, act in a round, and see which answers."""
import json

import pytest

from activities import plan
from core import catalogue, live
from core.activity_models import ActivityRun
from core.extensions import db
from core.models import GroupSession
from tests.helpers import events

PLAN = ["check-in", "go-around", "paced-breathing", "attachment-patterns", "check-out"]


@pytest.fixture
def live_room(app, make_facilitator, make_group, make_session, sock, admit_phones):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    clients = admit_phones(gs, fac, ("Ana", "Ben"))
    in_room = fac.emit("add_in_room", {"name": "Cy"}, callback=True)["participant"]
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry(slug, catalogue.resolve(session.group_id, slug), 5) for slug in PLAN]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    for c in [fac, disp, *(c for c, _ in clients.values())]:
        c.get_received()
    return {"f": f, "gs": gs, "fac": fac, "disp": disp, "ana": clients["Ana"][0], "ana_id": clients["Ana"][1],
            "ben": clients["Ben"][0], "ben_id": clients["Ben"][1], "cy_id": f"p{in_room}"}


def cmd(sc, type_, **args):
    return sc.emit("command", {"type": type_, **args}, callback=True)


def act(sc, action, **args):
    return sc.emit("command", {"type": "activity", "action": action, "args": args}, callback=True)


def last_view(sc):
    views = events(sc, "view")
    return views[-1] if views else None


@pytest.mark.parametrize("command", [{"type": "plan_next"}, {"type": "plan_go", "index": 1},
                                     {"type": "plan_back"}, {"type": "plan_stop"}])
def test_participants_cannot_move_the_plan(live_room, command):
    ack = live_room["ana"].emit("command", command, callback=True)
    assert ack["ok"] is False
    assert last_view(live_room["ben"]) is None  # nothing happened, nobody was told anything


def test_clients_cannot_inject_members_or_plans(live_room):
    cmd(live_room["fac"], "plan_next")
    for sc in (live_room["fac"], live_room["ana"]):
        assert act(sc, "member_join", member={"id": "p999", "name": "Ghost"})["ok"] is False
        assert cmd(sc, "plan_set")["ok"] is False  # hub-only


def test_checkin_answers_reach_only_whom_they_should(live_room):
    fac, ana, ben, disp = live_room["fac"], live_room["ana"], live_room["ben"], live_room["disp"]
    assert cmd(fac, "plan_next")["ok"]
    pview = last_view(ana)
    assert pview["activity"]["item"]["slug"] == "check-in" and "guide" not in pview["activity"]["item"]
    assert last_view(fac)["activity"]["item"]["guide"]["steps"]  # the script is for facilitators
    fac.get_received()
    answers = {"feeling": {"word": "windswept", "family": None}, "intensity": 9, "need": "blueberrypie"}
    ack = act(ana, "submit", answers=answers)
    assert ack["ok"], ack
    got = fac.get_received()
    alerts = [e["args"][0] for e in got if e["name"] == "alert"]
    assert alerts and alerts[0]["kind"] == "distress" and alerts[0]["name"] == "Ana"
    fac_view = [e["args"][0] for e in got if e["name"] == "view"][-1]
    row = next(m for m in fac_view["activity"]["view"]["members"] if m["id"] == live_room["ana_id"])
    assert row["answers"]["intensity"] == 9
    ben_payloads = json.dumps(events(ben))
    disp_payloads = json.dumps(events(disp))
    for secret in ("windswept", "blueberrypie", "\"intensity\": 9"):
        assert secret not in ben_payloads and secret not in disp_payloads
    assert "Ana" not in disp_payloads


def test_a_participant_submits_only_for_themselves(live_room):
    cmd(live_room["fac"], "plan_next")
    ack = act(live_room["ana"], "submit", member=live_room["ben_id"], answers={"intensity": 3})
    assert ack["ok"] is False
    ack = act(live_room["fac"], "submit", member=live_room["cy_id"],
              answers={"feeling": {"word": "calm", "family": "calm"}, "intensity": 2})
    assert ack["ok"], ack  # a facilitator fills in for an in-room member


def test_round_rules_over_sockets(live_room):
    fac, ana, ben = live_room["fac"], live_room["ana"], live_room["ben"]
    assert cmd(fac, "plan_go", index=1)["ok"]
    assert act(ana, "start")["ok"] is False
    assert act(fac, "start")["ok"]
    speaker = last_view(fac)["activity"]["view"]["speaker"]["id"]
    listener = ben if speaker == live_room["ana_id"] else ana
    assert act(listener, "next")["ok"] is False  # only the speaker may end their own turn
    assert act(ana, "skip", member=live_room["ben_id"])["ok"] is False
    assert act(ana, "pass", member=live_room["ben_id"])["ok"] is False  # only their own turn
    assert act(listener, "pass")["ok"]  # a pre-pass, for their own turn
    assert act(fac, "pass", member=live_room["cy_id"])["ok"]  # for the in-room member
    assert "airtime" not in json.dumps(events(ana)) and "airtime" not in json.dumps(events(live_room["disp"]))
    assert "airtime" in json.dumps(last_view(fac))


def test_walking_the_plan_archives_each_activity(app, live_room):
    fac = live_room["fac"]
    for _ in range(3):
        assert cmd(fac, "plan_next")["ok"]
    assert cmd(fac, "plan_back")["ok"]
    view = last_view(fac)
    assert view["plan"]["current"] == 1 and view["activity"]["item"]["slug"] == "go-around"
    assert cmd(fac, "plan_stop")["ok"]
    assert last_view(fac)["activity"] is None
    with app.app_context():
        runs = db.session.query(ActivityRun).order_by(ActivityRun.id).all()
        assert [r.slug for r in runs] == ["check-in", "go-around", "paced-breathing", "go-around"]
    assert cmd(fac, "plan_go", index=99)["ok"] is False


def test_display_shows_the_step_and_no_guide(live_room):
    cmd(live_room["fac"], "plan_go", index=2)
    view = last_view(live_room["disp"])
    assert view["step"] == {"number": 3, "of": 5}
    assert view["activity"]["item"]["kind"] == "pacer" and "guide" not in view["activity"]["item"]


def test_between_activities_the_display_says_what_comes_next(live_room):
    fac, disp = live_room["fac"], live_room["disp"]
    cmd(fac, "set_phase", to="running")
    assert last_view(disp)["coming"] == {"title": "Check-in round", "last": False}
    cmd(fac, "plan_go", index=1)
    assert last_view(disp)["coming"] is None  # an activity is on: it speaks for itself
    cmd(fac, "plan_stop")
    assert last_view(disp)["coming"]["title"] == "Paced breathing (in 4, out 6)"
    cmd(fac, "plan_go", index=4)
    cmd(fac, "plan_stop")
    assert last_view(disp)["coming"] == {"title": None, "last": True}


def test_summary_page_after_the_session(app, live_room, make_facilitator):
    fac, ana = live_room["fac"], live_room["ana"]
    cmd(fac, "plan_next")
    act(ana, "submit", answers={"feeling": {"word": "hopeful", "family": "glad"}, "intensity": 4,
                                "need": "quiet"})
    cmd(fac, "plan_next")
    act(fac, "start")
    act(fac, "next")
    live_room["f"].client.post(f"/sessions/{live_room['gs'].id}/end")
    page = live_room["f"].client.get(f"/sessions/{live_room['gs'].id}/summary").data.decode()
    assert "Ana" in page and "hopeful" in page and "Check-in" in page and "Airtime" in page
    other = make_facilitator()
    assert other.client.get(f"/sessions/{live_room['gs'].id}/summary").status_code == 404


def test_pairs_run_live_with_a_server_seed(app, live_room):
    """Empathic listening: random pairs from a server-drawn seed; each member sees only their own group."""
    with app.app_context():
        session = db.session.get(GroupSession, live_room["gs"].id)
        items = [plan.entry("empathic-listening", catalogue.resolve(session.group_id, "empathic-listening"), 30)]
        live.system(session, {"type": "plan_set", "items": items})
    fac = live_room["fac"]
    assert cmd(fac, "plan_go", index=0)["ok"]
    assert act(live_room["ana"], "form_groups", how="random", seed=1)["ok"] is False  # facilitators only
    assert act(fac, "form_groups", how="random", seed="chosen-by-client")["ok"]  # the server's seed wins
    view = last_view(fac)["activity"]["view"]
    placed = sorted(m["id"] for g in view["groups"] for m in g["members"])
    assert placed == sorted([live_room["ana_id"], live_room["ben_id"], live_room["cy_id"]])


def test_a_pass_in_the_lobby_does_not_stick_into_the_next_activity_but_is_counted(live_room):
    fac, ana = live_room["fac"], live_room["ana"]
    assert cmd(ana, "pass")["ok"]
    assert last_view(ana)["frame"]["passed"] is True
    assert cmd(fac, "plan_go", index=1)["ok"]
    assert last_view(ana)["frame"]["passed"] is False  # the go-around asks afresh: no "You passed" left over
    assert cmd(ana, "pass")["ok"]
    view = fac.emit("sync", {}, callback=True)["view"]
    assert view["frame"]["passes"] == [live_room["ana_id"]]
    assert "pass_count" not in json.dumps(events(ana)) and "pass_count" not in json.dumps(events(live_room["disp"]))


def test_the_first_activity_starts_the_session_too(live_room):
    """One Start: from the lobby, starting the first activity puts everyone in the running session;
    a paused session stays paused when the facilitator moves on."""
    fac, ana = live_room["fac"], live_room["ana"]
    assert cmd(fac, "plan_next")["ok"]
    assert last_view(fac)["frame"]["phase"] == "running"
    assert last_view(ana)["frame"]["phase"] == "running"
    assert cmd(fac, "set_phase", to="paused")["ok"]
    assert cmd(fac, "plan_next")["ok"]
    assert last_view(fac)["frame"]["phase"] == "paused"
