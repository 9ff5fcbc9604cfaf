"""The live core over Socket.IO: who may connect, what each audience receives, and that state survives."""
import pytest

from core.extensions import db
from core.models import LiveState, Participant
from tests.helpers import events, whole


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock, join):
    """A session with a connected facilitator, one admitted participant (Ana) and one waiting (Ben)."""
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    ana_http, ana = join(gs, "Ana")
    ben_http, ben = join(gs, "Ben")
    assert fac.emit("admit", {"participant": ana.id}, callback=True) == {"ok": True}
    ana_sock = sock(ana_http, gs, "participant")
    ben_sock = sock(ben_http, gs, "participant")
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    for c in (fac, ana_sock, ben_sock, disp):
        c.get_received()
    return {"f": f, "gs": gs, "fac": fac, "ana": ana, "ana_http": ana_http, "ana_sock": ana_sock,
            "ben": ben, "ben_http": ben_http, "ben_sock": ben_sock, "disp": disp}


def command(sc, type_, **args):
    return sc.emit("command", {"type": type_, **args}, callback=True)


def test_connect_requires_a_real_identity(app, make_facilitator, make_group, make_session, sock, join):
    f, other = make_facilitator(), make_facilitator()
    gs = make_session(make_group(f), f)
    make_group(other, "Elsewhere")
    assert not sock(app.test_client(), gs, "participant").is_connected()  # no cookie
    assert not sock(app.test_client(), gs, "facilitator").is_connected()  # not signed in
    assert not sock(other.client, gs, "facilitator").is_connected()  # signed in, other group
    assert not sock(app.test_client(), gs, "display", display="wrong").is_connected()
    assert sock(app.test_client(), gs, "display", display=gs.display_token).is_connected()
    assert sock(f.client, gs, "facilitator").is_connected()
    from core.extensions import socketio

    for bad_auth in (None, "x", {"session": 5}, {"session": "nope", "as": "facilitator"}, {"as": "display"}):
        sc = socketio.test_client(app, flask_test_client=f.client, auth=bad_auth)
        assert not sc.is_connected()


def test_waiting_room_receives_no_session_content(room):
    command(room["fac"], "set_message", text="Private group words")
    command(room["fac"], "set_phase", to="running")
    received = room["ben_sock"].get_received()
    assert received == []  # nothing at all while waiting
    assert room["ben_sock"].emit("sync", {}, callback=True) == {"ok": True, "status": "waiting"}
    assert command(room["ben_sock"], "pass") == {"ok": False, "error": "Not allowed."}
    assert [v["frame"]["message"] for v in events(room["ana_sock"], "view")] == ["Private group words"] * 2


def test_snapshot_on_connect_has_the_audience_view(room, sock):
    command(room["fac"], "set_message", text="Welcome")
    again = sock(room["ana_http"], room["gs"], "participant")
    [snap] = events(again, "snapshot")
    assert snap["status"] == "ok" and whole(snap)["frame"]["message"] == "Welcome"
    assert "signals" not in whole(snap)["frame"] and "roster" not in snap
    fac_again = sock(room["f"].client, room["gs"], "facilitator")
    [fsnap] = events(fac_again, "snapshot")
    assert [p["name"] for p in fsnap["roster"]["participants"]] == ["Ana", "Ben"]


def test_admission_brings_the_view(room):
    ack = room["fac"].emit("admit", {"participant": room["ben"].id}, callback=True)
    assert ack == {"ok": True}
    assert {"status": "admitted"} in events(room["ben_sock"], "status")
    snap = room["ben_sock"].emit("sync", {}, callback=True)
    assert snap["ok"] and whole(snap)["frame"]["phase"] == "lobby"
    command(room["fac"], "set_message", text="Now Ben too")
    assert events(room["ben_sock"], "view")[-1]["frame"]["message"] == "Now Ben too"


def test_admit_all(room):
    ack = room["fac"].emit("admit_all", {}, callback=True)
    assert ack == {"ok": True, "admitted": 1}
    db.session.expire_all()
    assert db.session.get(Participant, room["ben"].id).status == "admitted"


def test_pause_signal_reaches_only_facilitators_and_ack_only_its_sender(room):
    room["fac"].emit("admit", {"participant": room["ben"].id}, callback=True)
    room["ben_sock"].emit("sync", {}, callback=True)
    for c in ("fac", "ana_sock", "ben_sock", "disp"):
        room[c].get_received()
    assert command(room["ana_sock"], "pause_signal")["ok"]
    fac_got = room["fac"].get_received()
    alerts = [e["args"][0] for e in fac_got if e["name"] == "alert"]
    assert alerts == [{"kind": "pause", "member": f"p{room['ana'].id}", "name": "Ana", "signal": 1, "value": None}]
    ben_views = events(room["ben_sock"], "view")
    assert all("signal" not in str(v) or v["frame"]["signal"] is None for v in ben_views)
    assert "Ana" not in str(events(room["disp"]))
    assert command(room["fac"], "ack_signal", signal=1, note="I see you")["ok"]
    assert events(room["ana_sock"], "view")[-1]["frame"]["signal"] == {"acknowledged": True, "note": "I see you"}
    assert "I see you" not in str(events(room["ben_sock"])) and "I see you" not in str(events(room["disp"]))


def test_removal_is_immediate_and_final(room, sock, app):
    ana = room["ana"]
    ack = room["fac"].emit("remove", {"participant": ana.id}, callback=True)
    assert ack == {"ok": True}
    assert not room["ana_sock"].is_connected()
    assert not sock(room["ana_http"], room["gs"], "participant").is_connected()
    page = room["ana_http"].get(f"/s/{room['gs'].public_id}")
    assert page.status_code == 403 and f"/s/{room['gs'].public_id}/help".encode() in page.data  # "Help now" stays
    assert room["ana_http"].get(f"/j/{room['gs'].join_token}").status_code == 403
    r = room["ana_http"].post("/join", data={"code": room["gs"].join_code})
    assert r.status_code == 403 and b"has removed you" in r.data
    command(room["fac"], "set_message", text="After removal")
    roster = room["fac"].emit("roster", {}, callback=True)["roster"]
    assert [p["name"] for p in roster["participants"]] == ["Ben"]


def test_removed_participant_cannot_act_on_a_socket_that_survived(room, app):
    """Even if a socket were somehow still open, every event re-checks the participant."""
    with app.app_context():
        p = db.session.get(Participant, room["ana"].id)
        p.status = "removed"
        db.session.commit()
    assert command(room["ana_sock"], "pass") == {"ok": False, "error": "Not allowed."}
    assert room["ana_sock"].emit("sync", {}, callback=True) == {"ok": False, "error": "Not allowed."}


def test_idempotency_key_applies_a_command_once(room):
    key = "retry-key-0001"
    first = command(room["ana_sock"], "pass", key=key)
    second = command(room["ana_sock"], "pass", key=key)
    assert first == second and first["ok"]
    version = first["version"]
    third = command(room["fac"], "set_message", text="x", key="another-key-01")
    assert third["version"] == version + 1  # the retry did not bump the version


def test_rejected_command_answers_the_same_on_retry(room):
    key = "rejected-key-01"
    a = command(room["ana_sock"], "set_phase", to="running", key=key)
    b = command(room["ana_sock"], "set_phase", to="running", key=key)
    assert a == b == {"ok": False, "error": "Only a facilitator can do that."}


@pytest.mark.parametrize("payload", [
    None, "text", 5, [], {"type": "pass", "extra": 1}, {"type": "PASS"}, {"type": "x" * 41},
    {"type": "set_message", "text": "x" * 2001}, {"type": "pass", "key": "short"},
    {"type": "pass", "key": "bad key with spaces"}, {"type": "set_message", "text": ["a"]},
])
def test_malformed_commands_get_a_clear_error(room, payload):
    ack = room["ana_sock"].emit("command", payload, callback=True)
    assert ack["ok"] is False and ack["error"]


def test_client_cannot_claim_another_actor(room):
    ack = room["ana_sock"].emit("command", {"type": "set_phase", "to": "running",
                                            "actor": {"role": "facilitator"}}, callback=True)
    assert ack["ok"] is False  # "actor" is not an accepted field at all


def test_version_numbers_let_clients_detect_gaps(room):
    versions = []
    for text in ("one", "two", "three"):
        versions.append(command(room["fac"], "set_message", text=text)["version"])
    assert versions == sorted(versions) and versions[-1] - versions[0] == 2
    seen = [v["version"] for v in events(room["ana_sock"], "view")]
    assert seen == versions
    snap = room["ana_sock"].emit("sync", {}, callback=True)
    assert whole(snap)["version"] == versions[-1]


def test_state_survives_a_server_restart(room, make_app, sock):
    command(room["fac"], "set_phase", to="running")
    command(room["fac"], "set_message", text="Before the restart")
    command(room["ana_sock"], "pause_signal")
    with make_app().app_context():
        version = db.session.get(LiveState, room["gs"].id).version
    restarted = make_app()  # a new app instance on the same database
    from core.extensions import socketio

    fac = socketio.test_client(restarted, flask_test_client=room["f"].client,
                               auth={"session": room["gs"].public_id, "as": "facilitator"})
    ana = socketio.test_client(restarted, flask_test_client=room["ana_http"],
                               auth={"session": room["gs"].public_id, "as": "participant"})
    [fsnap] = events(fac, "snapshot")
    [asnap] = events(ana, "snapshot")
    assert fsnap["view"]["version"] == version == whole(asnap)["version"]
    assert fsnap["view"]["frame"]["phase"] == "running" and fsnap["view"]["frame"]["signals"][0]["name"] == "Ana"
    assert whole(asnap)["frame"]["message"] == "Before the restart"
    assert command(fac, "ack_signal", signal=1)["ok"]  # the facilitator keeps control
    fac.disconnect()
    ana.disconnect()


def test_presence_shows_on_the_console(room):
    room["fac"].get_received()
    assert room["ana_sock"].emit("presence", {"state": "away"}, callback=True) == {"ok": True}
    [roster] = events(room["fac"], "roster")
    ana = next(p for p in roster["participants"] if p["name"] == "Ana")
    assert ana["presence"] == "away"
    room["ana_sock"].disconnect()
    roster = events(room["fac"], "roster")[-1]
    assert next(p for p in roster["participants"] if p["name"] == "Ana")["presence"] == "offline"


def test_in_room_member_without_device(room):
    ack = room["fac"].emit("add_in_room", {"name": "J.K."}, callback=True)
    assert ack["ok"]
    member = f"p{ack['participant']}"
    assert command(room["fac"], "pass", member=member)["ok"]
    view = events(room["fac"], "view")[-1]
    assert member in view["frame"]["passes"]
    assert room["fac"].emit("add_in_room", {"name": "\u202e"}, callback=True)["ok"] is False


def test_ending_the_session(room, app):
    room["f"].client.post(f"/sessions/{room['gs'].id}/end")
    assert events(room["ana_sock"], "view")[-1]["frame"]["phase"] == "ended"
    assert command(room["fac"], "set_message", text="late")["ok"] is False
