"""Check-in alerts over the live hub: the feeling weighs the intensity, a facilitator follows each alert
up (seen, spoke with them, referred), participants cannot, and the follow-up reaches facilitators only:
the console view and the session summary, on screen and printed."""
import json

import pytest

from activities import plan
from core import catalogue, live
from core.extensions import db
from core.models import GroupSession
from facilitator.summary import session_summary
from tests.helpers import events


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock, admit_phones):
    f = make_facilitator("Noor")
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    clients = admit_phones(gs, fac, ("Ana", "Ben"))
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry("check-in", catalogue.resolve(session.group_id, "check-in"), 5)]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    assert command(fac, "plan_next")["ok"]
    for c in [fac, disp, *(c for c, _ in clients.values())]:
        c.get_received()
    return {"app": app, "f": f, "gs": gs, "fac": fac, "disp": disp, "ana": clients["Ana"][0],
            "ana_id": clients["Ana"][1], "ben": clients["Ben"][0], "ben_id": clients["Ben"][1]}


def command(sc, type_, **args):
    return sc.emit("command", {"type": type_, **args}, callback=True)


def check_in(sc, word, family, intensity):
    answers = {"feeling": {"word": word, "family": family}, "intensity": intensity}
    return sc.emit("command", {"type": "activity", "action": "submit", "args": {"answers": answers}}, callback=True)


def facilitator_alerts(room):
    return room["fac"].emit("sync", {}, callback=True)["view"]["alerts"]


def test_the_feeling_weighs_the_alert_over_the_hub(room):
    fac = room["fac"]
    assert check_in(room["ben"], "calm", "calm", 9)["ok"]
    assert check_in(room["ana"], "excited", "glad", 10)["ok"]
    assert [e for e in fac.get_received() if e["name"] == "alert"] == []
    assert check_in(room["ben"], "numb", "tired", 5)["ok"]  # the group's threshold is 8
    assert check_in(room["ana"], "panicky", "scared", 9)["ok"]
    got = [e["args"][0] for e in fac.get_received() if e["name"] == "alert"]
    assert [(a["name"], a["word"], a["value"]) for a in got] == [("Ben", "numb", 5), ("Ana", "panicky", 9)]
    listed = facilitator_alerts(room)
    assert [(a["id"], a["name"], a["followup"]) for a in listed] == [(got[0]["alert"], "Ben", "new"),
                                                                     (got[1]["alert"], "Ana", "new")]


def test_a_facilitator_follows_an_alert_up_and_a_participant_cannot(room):
    fac, ana = room["fac"], room["ana"]
    assert check_in(ana, "panicky", "scared", 9)["ok"]
    [alert] = facilitator_alerts(room)
    for who in (ana, room["ben"]):
        ack = command(who, "alert_followup", alert=alert["id"], followup="seen")
        assert ack == {"ok": False, "error": "Only a facilitator can do that."}
    assert command(fac, "alert_followup", alert=alert["id"], followup="later")["ok"] is False
    assert command(fac, "alert_followup", alert=999, followup="seen")["ok"] is False
    ack = command(fac, "alert_followup", alert=alert["id"], followup="spoke_with_them", by_name="Someone else")
    assert ack["ok"] is False  # the payload schema knows no by_name: the hub alone sets the name
    assert command(fac, "alert_followup", alert=alert["id"], followup="spoke_with_them")["ok"]
    [followed] = facilitator_alerts(room)
    assert followed["followup"] == "spoke_with_them" and followed["by"] == f"f{room['f'].id}"
    assert followed["by_name"].startswith("Noor") and followed["followup_at"] >= followed["at"]
    # a second check-in by the same member after the follow-up is a new alert, still "new"
    assert check_in(ana, "panicky", "scared", 10)["ok"]
    assert [a["followup"] for a in facilitator_alerts(room)] == ["spoke_with_them", "new"]


def test_a_new_value_before_any_follow_up_updates_the_same_alert(room):
    assert check_in(room["ana"], "sad", "sad", 8)["ok"]
    assert check_in(room["ana"], "sad", "sad", 10)["ok"]
    [alert] = facilitator_alerts(room)
    assert (alert["value"], alert["followup"]) == (10, "new")


def test_the_follow_up_never_reaches_participants_or_the_display(room):
    fac = room["fac"]
    assert check_in(room["ana"], "panicky", "scared", 9)["ok"]
    [alert] = facilitator_alerts(room)
    assert command(fac, "alert_followup", alert=alert["id"], followup="referred")["ok"]
    for who in ("ana", "ben", "disp"):
        room[who].emit("sync", {}, callback=True)
    for who in ("ana", "ben", "disp"):
        text = json.dumps(events(room[who]) + [room[who].emit("sync", {}, callback=True)])
        for secret in ("referred", "followup", "by_name", "Noor", '"alerts"'):
            assert secret not in text, (who, secret)
    for who in ("ben", "disp"):
        assert "panicky" not in json.dumps(events(room[who]))


def last_phase(sc):
    return [e["args"][0] for e in sc.get_received() if e["name"] == "view"][-1]["frame"]["phase"]


def test_follow_up_after_the_session_ended_and_erasure(room):
    fac = room["fac"]
    assert check_in(room["ana"], "ashamed", "ashamed", 9)["ok"]
    assert check_in(room["ben"], "furious", "mad", 9)["ok"]
    assert last_phase(fac) == "running"  # starting the check-in started the session (one Start)
    assert command(fac, "set_phase", to="ended")["ok"]
    ana_alert, ben_alert = facilitator_alerts(room)
    assert command(fac, "alert_followup", alert=ana_alert["id"], followup="seen")["ok"]
    assert command(room["ana"], "erase_member")["ok"]
    assert [a["id"] for a in facilitator_alerts(room)] == [ben_alert["id"]]


def test_the_summary_lists_the_alerts_with_their_follow_up(room):
    fac, gs, client = room["fac"], room["gs"], room["f"].client
    assert check_in(room["ana"], "panicky", "scared", 9)["ok"]
    assert check_in(room["ben"], "numb", "tired", 6)["ok"]
    ana_alert, _ben_alert = facilitator_alerts(room)
    assert command(fac, "alert_followup", alert=ana_alert["id"], followup="spoke_with_them")["ok"]
    with room["app"].app_context():
        summary = session_summary(db.session.get(GroupSession, gs.id))
    assert [(a["name"], a["word"], a["value"], a["followup"]) for a in summary["alerts"]] == [
        ("Ana", "panicky", 9, "spoke_with_them"), ("Ben", "numb", 6, "new")]
    page = client.get(f"/sessions/{gs.id}/summary").data.decode()
    assert "Alerts and their follow-up (2)" in page
    assert "panicky, 9 out of 10" in page and "Spoke with them" in page and "Not followed up yet" in page
    printed = client.get(f"/sessions/{gs.id}/handouts/summary").data.decode()
    assert "panicky, 9 out of 10" in printed and "Spoke with them by Noor" in printed
    assert "numb, 6 out of 10" in printed and "Not followed up yet" in printed
