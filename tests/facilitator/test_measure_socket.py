"""A PHQ-9 over the live hub: an answer above "Not at all" to item 9 reaches the facilitators at once as a
risk alert (with what to read and an alert id to follow up), and nothing of it reaches another
participant or the room display; scores stay in the facilitators' view."""
import json

import pytest

from activities import plan
from core import catalogue, live
from core.extensions import db
from core.models import GroupSession


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock, join):
    f = make_facilitator("Noor")
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    clients = {}
    for name in ("Ana", "Ben"):
        http, p = join(gs, name)
        fac.emit("admit", {"participant": p.id}, callback=True)
        clients[name] = sock(http, gs, "participant")
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry("phq-9", catalogue.resolve(session.group_id, "phq-9"), 5)]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    assert fac.emit("command", {"type": "plan_next"}, callback=True)["ok"]
    for c in [fac, disp, *clients.values()]:
        c.get_received()
    return {"fac": fac, "disp": disp, "ana": clients["Ana"], "ben": clients["Ben"]}


def submit(sc, answers):
    return sc.emit("command", {"type": "activity", "action": "submit", "args": {"answers": answers}}, callback=True)


def test_item_9_alerts_the_facilitators_only(room):
    answers = {f"q{i}": 1 for i in range(1, 9)} | {"q9": 2}
    assert submit(room["ana"], answers)["ok"]
    got = [e["args"][0] for e in room["fac"].get_received() if e["name"] == "alert"]
    assert [(a["kind"], a["name"], a["instrument"], a["value"]) for a in got] == [("risk", "Ana", "phq-9", 2)]
    assert "follow your service's risk procedure" in got[0]["say"] and isinstance(got[0]["alert"], int)
    assert "q1" not in json.dumps(got)  # the alert carries no other answers
    view = room["fac"].emit("sync", {}, callback=True)["view"]
    [listed] = view["alerts"]
    assert (listed["kind"], listed["id"], listed["followup"]) == ("risk", got[0]["alert"], "new")
    [ana] = [m for m in view["activity"]["view"]["members"] if m["name"] == "Ana"]
    assert ana["total"] == 10 and ana["band"] == "Moderate"
    for other in (room["ben"], room["disp"], room["ana"]):
        text = json.dumps(other.get_received())
        assert not any(word in text for word in ("risk", "Moderate", "procedure", '"total"'))
    assert room["fac"].emit("command", {"type": "alert_followup", "alert": listed["id"],
                                        "followup": "spoke_with_them"}, callback=True)["ok"]


def test_a_participant_cannot_bring_in_answers_given_before_the_session(room):
    answers = {f"q{i}": 0 for i in range(1, 10)}
    ack = room["ana"].emit("command", {"type": "activity", "action": "submit",
                                       "args": {"answers": answers, "source": "before"}}, callback=True)
    assert ack["ok"] is False


def test_the_console_carries_the_safety_procedure_and_its_script(app, make_facilitator, make_group,
                                                                          make_session):
    from core.crisis import DEFAULT_SAFETY_PROCEDURE, safety_procedure

    f = make_facilitator("Noor")
    group = make_group(f)
    gs = make_session(group, f)
    page = f.client.get(f"/sessions/{gs.id}/console").get_data(as_text=True)
    assert "console-screen.js" in page and 'id="safety-procedure"' in page
    assert "Ask directly and calmly" in page
    with app.app_context():
        own = db.session.get(GroupSession, gs.id).group
        assert safety_procedure(own) == DEFAULT_SAFETY_PROCEDURE
        own.safety_procedure = "  Call Dr Lee on 0123.  "
        assert safety_procedure(own) == "Call Dr Lee on 0123."
