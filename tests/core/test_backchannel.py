"""The back-channel: notes between the co-facilitators of a session, in their consoles only.

Two facilitators see each other's notes; participants, a waiting person and the room display never
receive a word of them; only facilitators of the session's group may send; the limits hold; a
reconnecting (or restarted) console gets the notes in its snapshot; a purge or an erasure leaves none."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from activities import frame
from activities.engine import Rejected
from core import live, retention
from core.extensions import db
from core.models import Facilitator, Group, GroupMember, GroupSession, LiveState, utcnow
from tests.core.test_retention_and_erasure import dump_all_tables
from tests.helpers import events

NOTE = "Ana looks shaken, can you check in at the break? bcCANARY1"
REPLY = "Yes, I'll sit with her. bcCANARY2"


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock, join):
    owner = make_facilitator("Robin")
    co = make_facilitator("Sam")
    group = make_group(owner)
    with app.app_context():
        db.session.add(GroupMember(group_id=group.id, facilitator_id=co.id, role="co"))
        db.session.commit()
    gs = make_session(group, owner)
    fac = sock(owner.client, gs, "facilitator")
    co_sock = sock(co.client, gs, "facilitator")
    http, ana = join(gs, "Ana")
    assert fac.emit("admit", {"participant": ana.id}, callback=True)["ok"]
    waiting_http, _ = join(gs, "Wes")
    watchers = {"ana": sock(http, gs, "participant"), "waiting": sock(waiting_http, gs, "participant"),
                "display": sock(app.test_client(), gs, "display", display=gs.display_token)}
    assert fac.emit("command", {"type": "set_phase", "to": "running"}, callback=True)["ok"]
    return {"owner": owner, "co": co, "group": group, "gs": gs, "fac": fac, "co_sock": co_sock,
            "ana_http": http, "watchers": watchers}


def note(sc, text: str, **extra) -> dict:
    return sc.emit("backchannel", {"text": text, **extra}, callback=True)


def last_notes(sc) -> list[dict]:
    views = events(sc, "view")
    assert views, "no view arrived"
    return views[-1]["frame"]["backchannel"]


def stored_notes(app, gs) -> list[dict]:
    with app.app_context():
        return db.session.get(LiveState, gs.id).state.get("backchannel", [])


def test_two_facilitators_see_each_others_notes(room):
    fac, co = room["fac"], room["co_sock"]
    fac.get_received()
    co.get_received()
    assert note(fac, NOTE)["ok"]
    got = last_notes(co)
    assert [(n["text"], n["name"], n["by"]) for n in got] == [(NOTE, "Robin 1", f"f{room['owner'].id}")]
    assert isinstance(got[0]["at"], float) and got[0]["id"] == 1
    assert note(co, "  " + REPLY + "  ")["ok"]
    both = last_notes(fac)
    assert [(n["id"], n["name"], n["text"]) for n in both] == [(1, "Robin 1", NOTE), (2, "Sam 2", REPLY)]


def test_participants_and_the_display_never_receive_a_note(room):
    fac, co, watchers = room["fac"], room["co_sock"], room["watchers"]
    assert note(fac, NOTE)["ok"] and note(co, REPLY)["ok"]
    assert fac.emit("command", {"type": "set_message", "text": "Welcome"}, callback=True)["ok"]
    assert watchers["ana"].emit("command", {"type": "pass"}, callback=True)["ok"]
    received = {key: sc.get_received() for key, sc in watchers.items()}
    acks = {key: sc.emit("sync", {}, callback=True) for key, sc in watchers.items()}
    assert received["ana"] and received["display"], "the watchers heard nothing at all"
    for key in watchers:
        text = json.dumps([received[key], acks[key]], ensure_ascii=False)
        assert "bcCANARY" not in text and "backchannel" not in text, key
        assert "Robin 1" not in text and "Sam 2" not in text, key  # not even who wrote
    assert "Welcome" in json.dumps(received["ana"]) and "Welcome" in json.dumps(received["display"])


def test_a_participant_or_the_display_cannot_send_a_note(room, app):
    ana, display = room["watchers"]["ana"], room["watchers"]["display"]
    before = stored_notes(app, room["gs"])
    assert note(ana, "I am a facilitator now") == {"ok": False, "error": "Not allowed."}
    assert note(display, "Display here") == {"ok": False, "error": "Not allowed."}
    forged = ana.emit("command", {"type": "backchannel_note", "text": "forged"}, callback=True)
    assert forged == {"ok": False, "error": "Only a facilitator can do that."}
    # Through a plain command a facilitator cannot set the writer's name either.
    plain = room["fac"].emit("command", {"type": "backchannel_note", "text": "no name"}, callback=True)
    assert plain["ok"] is False and "Between facilitators" in plain["error"]
    named = room["fac"].emit("command", {"type": "backchannel_note", "text": "x", "name": "Sam"}, callback=True)
    assert named == {"ok": False, "error": "That request was not valid."}
    assert stored_notes(app, room["gs"]) == before == []


def test_the_system_and_a_participant_are_refused_by_the_frame():
    state = frame.new_state()
    for actor in ({"role": "system", "id": None}, {"role": "participant", "id": "p1"}):
        with pytest.raises(Rejected):
            frame.apply(state, {"type": "backchannel_note", "text": "hi", "name": "X", "actor": actor}, 1.0)


def test_size_limits_and_clean_text(room, app):
    fac = room["fac"]
    assert note(fac, "x" * 500)["ok"]
    too_long = note(fac, "x" * 501)
    assert too_long == {"ok": False, "error": "Please keep it to 500 characters or fewer."}
    assert note(fac, "   ") == {"ok": False, "error": "Please write a note first."}
    assert note(fac, "hidden\u200bcharacter") == {"ok": False, "error": "Please remove hidden or control characters."}
    assert note(fac, "x" * 2001) == {"ok": False, "error": "That request was not valid."}  # beyond any note
    assert note(fac, "two\n  lines")["ok"]
    assert [n["text"] for n in stored_notes(app, room["gs"])] == ["x" * 500, "two lines"]


def test_at_most_200_notes_then_a_clear_refusal():
    state = frame.new_state()
    fac = {"role": "facilitator", "id": "f1"}
    for i in range(frame.BACKCHANNEL_KEPT):
        state, effects = frame.apply(state, {"type": "backchannel_note", "text": f"n{i}", "name": "Robin",
                                             "actor": fac}, float(i))
        assert effects == []
    with pytest.raises(Rejected, match="already holds 200 notes"):
        frame.apply(state, {"type": "backchannel_note", "text": "one more", "name": "Robin", "actor": fac}, 999.0)
    assert [n["id"] for n in state["backchannel"]][:2] == [1, 2] and len(state["backchannel"]) == 200
    assert frame.participant_view(state, "p1").keys() == {"phase", "message", "pause_note", "passed", "remote", "signal"}
    assert "backchannel" not in frame.display_view(state)


def test_the_200th_note_is_refused_over_the_socket(room, app):
    with app.app_context():
        row = db.session.get(LiveState, room["gs"].id)
        row.state = {**row.state, "backchannel": [{"id": i + 1, "by": "f1", "name": "Robin", "text": "n", "at": 1.0}
                                                  for i in range(frame.BACKCHANNEL_KEPT)]}
        row.version += 1  # as every write does (a process holding the state it wrote sees it changed)
        db.session.commit()
    refused = note(room["co_sock"], REPLY)
    assert refused["ok"] is False and "200 notes" in refused["error"]
    assert len(stored_notes(app, room["gs"])) == 200


def test_an_idempotency_key_adds_a_note_once(room, app):
    assert note(room["fac"], NOTE, key="bc-key-00001")["ok"]
    assert note(room["fac"], NOTE, key="bc-key-00001")["ok"]
    assert len(stored_notes(app, room["gs"])) == 1


def test_an_ended_session_takes_no_more_notes(room):
    assert note(room["fac"], NOTE)["ok"]
    assert room["fac"].emit("command", {"type": "set_phase", "to": "ended"}, callback=True)["ok"]
    assert note(room["co_sock"], REPLY) == {"ok": False, "error": "This session has ended."}


def test_the_facilitator_of_another_group_can_neither_read_nor_send(room, app, make_facilitator, make_group,
                                                                     make_session, sock):
    assert note(room["fac"], NOTE)["ok"]
    other = make_facilitator("Olive")
    assert not sock(other.client, room["gs"], "facilitator").is_connected()  # refused at the door: no snapshot
    their = make_session(make_group(other, "Other group"), other)
    own = sock(other.client, their, "facilitator")
    snapshot = events(own, "snapshot")
    assert snapshot and snapshot[0]["view"]["frame"]["backchannel"] == []
    assert note(own, "into the other session?")["ok"]  # lands in their own session only
    assert [n["text"] for n in stored_notes(app, room["gs"])] == [NOTE]
    room["fac"].get_received()
    assert "into the other session" not in json.dumps(room["fac"].get_received())
    assert "bcCANARY" not in json.dumps(own.emit("sync", {}, callback=True))


def test_a_reconnecting_console_and_a_restarted_server_keep_the_notes(room, make_app, sock):
    assert note(room["fac"], NOTE)["ok"] and note(room["co_sock"], REPLY)["ok"]
    room["co_sock"].disconnect()
    again = sock(room["co"].client, room["gs"], "facilitator")
    snapshot = events(again, "snapshot")
    assert [n["text"] for n in snapshot[0]["view"]["frame"]["backchannel"]] == [NOTE, REPLY]
    restarted = make_app()
    with restarted.app_context():
        view = live.snapshot(db.session.get(GroupSession, room["gs"].id), "facilitator")
    assert [n["name"] for n in view["frame"]["backchannel"]] == ["Robin 1", "Sam 2"]


def test_a_purged_session_keeps_no_note_text(room, app):
    assert note(room["fac"], NOTE)["ok"]
    assert "bcCANARY1" in dump_all_tables(app)
    with app.app_context():
        gs = db.session.get(GroupSession, room["gs"].id)
        gs.status, gs.ended_at = "ended", utcnow() - timedelta(days=31)
        db.session.commit()
        assert retention.purge_expired()["sessions"] == 1
        assert db.session.get(LiveState, room["gs"].id) is None
    assert "bcCANARY" not in dump_all_tables(app)


def test_erasing_the_session_or_the_group_leaves_no_note_text(room, app, make_session):
    assert note(room["fac"], NOTE)["ok"]
    second = make_session(room["group"], room["owner"], "Week 2")
    with app.app_context():
        retention.erase_session(db.session.get(GroupSession, room["gs"].id), room["owner"].id)
    assert "bcCANARY1" not in dump_all_tables(app)
    with app.app_context():
        gs2 = db.session.get(GroupSession, second.id)
        live.execute(gs2, {"type": "backchannel_note", "text": "second bcCANARY3", "name": "Robin 1",
                           "actor": {"role": "facilitator", "id": f"f{room['owner'].id}"}})
    assert "bcCANARY3" in dump_all_tables(app)
    with app.app_context():
        retention.erase_group(db.session.get(Group, room["group"].id), room["owner"].id)
        assert db.session.get(Facilitator, room["owner"].id) is not None
    assert "bcCANARY" not in dump_all_tables(app)
