"""Clearing the waiting room in one action (issue 11, finding 5): facilitators of the session only;
everyone waiting is turned away (credential dead, a calm "not admitted" screen), one audit event with
the count, and nobody admitted is touched."""
import pytest

from core.extensions import db
from core.models import AuditEvent, GroupMember, Participant
from tests.helpers import events


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock, join):
    """Ana admitted; Ben and Cy waiting (Ben with a socket open); the facilitator's console open."""
    f = make_facilitator()
    group = make_group(f)
    gs = make_session(group, f)
    fac = sock(f.client, gs, "facilitator")
    (ana_http, ana), (ben_http, ben), (cy_http, cy) = (join(gs, name) for name in ("Ana", "Ben", "Cy"))
    assert fac.emit("admit", {"participant": ana.id}, callback=True) == {"ok": True}
    ana_sock, ben_sock = sock(ana_http, gs, "participant"), sock(ben_http, gs, "participant")
    for c in (fac, ana_sock, ben_sock):
        c.get_received()
    return {"f": f, "group": group, "gs": gs, "fac": fac, "ana": ana, "ana_sock": ana_sock, "ana_http": ana_http,
            "ben": ben, "ben_sock": ben_sock, "ben_http": ben_http, "cy": cy, "cy_http": cy_http}


def statuses(app, gs) -> dict[str, str]:
    with app.app_context():
        return {p.display_name: p.status for p in db.session.query(Participant).filter_by(session_id=gs.id)}


def clear_events(app, gs) -> list[AuditEvent]:
    with app.app_context():
        return db.session.query(AuditEvent).filter_by(session_id=gs.id, action="clear_waiting").all()


def test_the_facilitator_clears_everyone_waiting_and_nobody_else(app, room, sock):
    gs = room["gs"]
    assert room["fac"].emit("clear_waiting", {}, callback=True) == {"ok": True, "cleared": 2}
    assert statuses(app, gs) == {"Ana": "admitted", "Ben": "removed", "Cy": "removed"}
    # the waiting person is told calmly and cut off; their credential is dead, by socket and by page
    assert not room["ben_sock"].is_connected()
    # (get_received refuses a disconnected client: read what it received directly)
    assert [e["args"][0] for e in room["ben_sock"].queue if e["name"] == "status"] == [{"status": "not_admitted"}]
    assert not sock(room["ben_http"], gs, "participant").is_connected()
    assert not sock(room["cy_http"], gs, "participant").is_connected()
    assert room["cy_http"].get(f"/s/{gs.public_id}").status_code == 403
    # the admitted person notices nothing and carries on
    assert events(room["ana_sock"], "status") == []
    assert room["ana_sock"].is_connected()
    assert room["ana_sock"].emit("command", {"type": "pass"}, callback=True)["ok"] is True
    # the console's roster: nobody waiting
    roster = events(room["fac"], "roster")[-1]
    assert roster["waiting"] == 0 and [p["name"] for p in roster["participants"]] == ["Ana"]
    # one audit event with the count, no names
    [event] = clear_events(app, gs)
    assert event.actor == f"facilitator:{room['f'].id}" and event.target == "waiting:2"


def test_an_empty_waiting_room_clears_nothing_and_writes_no_event(app, room):
    assert room["fac"].emit("clear_waiting", {}, callback=True)["cleared"] == 2
    assert room["fac"].emit("clear_waiting", {}, callback=True) == {"ok": True, "cleared": 0}
    assert len(clear_events(app, room["gs"])) == 1


def test_a_co_facilitator_may_clear_it(app, room, make_facilitator, sock):
    co = make_facilitator()
    with app.app_context():
        db.session.add(GroupMember(group_id=room["group"].id, facilitator_id=co.id, role="co"))
        db.session.commit()
    assert sock(co.client, room["gs"], "facilitator").emit("clear_waiting", {}, callback=True)["cleared"] == 2


@pytest.mark.parametrize("who", ["participant", "waiting", "display", "other_facilitator", "other_participant"])
def test_everyone_else_is_refused_and_nothing_changes(app, room, who, sock, make_facilitator, make_group,
                                                      make_session, join):
    gs = room["gs"]
    before = statuses(app, gs)
    if who == "participant":
        caller = room["ana_sock"]
    elif who == "waiting":
        caller = room["ben_sock"]
    elif who == "display":
        caller = sock(app.test_client(), gs, "display", display=gs.display_token)
    elif who == "other_facilitator":  # refused at this session's door; acts from their own session
        other = make_facilitator()
        theirs = make_session(make_group(other, "Other group"), other)
        assert not sock(other.client, gs, "facilitator").is_connected()
        join(theirs, "Ola")
        caller = sock(other.client, theirs, "facilitator")
    else:
        other = make_facilitator()
        theirs = make_session(make_group(other, "Other group"), other, auto_admit=True)
        http, _p = join(theirs, "Olaf")
        caller = sock(http, theirs, "participant")
    ack = caller.emit("clear_waiting", {}, callback=True)
    if who == "other_facilitator":
        assert ack == {"ok": True, "cleared": 1}  # their own waiting room, not this one
    else:
        assert ack == {"ok": False, "error": "Not allowed."}
    assert statuses(app, gs) == before
    assert events(room["ben_sock"], "status") == [] and room["ben_sock"].is_connected()
    assert clear_events(app, gs) == []


def test_the_not_admitted_screen_is_calm(app):
    with app.test_request_context():
        from flask import render_template

        html = render_template("participant/closed.html", reason="not_admitted")
    assert "You weren't let in this time" in html and "removed" not in html
