"""Where people are in a hybrid session: a phone starts remote when the session has a video call (in the
room when it has none), its owner can say otherwise, and pairs group by it. Over Socket.IO."""
import pytest

from activities import plan
from core import catalogue, live
from core.extensions import db
from core.models import GroupSession
from tests.helpers import events


def last_view(sc):
    views = events(sc, "view")
    return views[-1] if views else None


@pytest.fixture
def hybrid(app, make_facilitator, make_group, make_session, sock, admit_phones):
    def build(video_url: str):
        f = make_facilitator()
        gs = make_session(make_group(f), f)
        with app.app_context():
            session = db.session.get(GroupSession, gs.id)
            session.video_url = video_url
            db.session.commit()
        fac = sock(f.client, gs, "facilitator")
        phones = admit_phones(gs, fac, ("Ana", "Ben"))
        in_room = fac.emit("add_in_room", {"name": "Cy"}, callback=True)["participant"]
        with app.app_context():
            session = db.session.get(GroupSession, gs.id)
            item = plan.entry("empathic-listening", catalogue.resolve(session.group_id, "empathic-listening"), 10)
            assert live.system(session, {"type": "plan_set", "items": [item]})["ok"]
        return {"gs": gs, "fac": fac, "phones": phones, "cy": f"p{in_room}", "fac_client": f.client}
    return build


def activity_members(app, gs):
    with app.app_context():
        state, _ = live.load_state(gs.id)
        return state["activity"]["members"]


def test_without_a_video_call_every_phone_is_in_the_room(app, hybrid):
    room = hybrid("")
    ana, ana_id = room["phones"]["Ana"]
    ana.get_received()
    assert room["fac"].emit("command", {"type": "plan_go", "index": 0}, callback=True)["ok"]
    assert last_view(ana)["frame"]["remote"] is False
    members = activity_members(app, room["gs"])
    assert members[ana_id]["remote"] is False and members[room["cy"]]["in_room"] is True


def test_in_a_hybrid_session_a_phone_says_where_it_is(app, hybrid):
    room = hybrid("https://video.example.org/room")
    (ana, ana_id), ben_id = room["phones"]["Ana"], room["phones"]["Ben"][1]
    assert room["fac"].emit("command", {"type": "plan_go", "index": 0}, callback=True)["ok"]
    assert activity_members(app, room["gs"])[ana_id]["remote"] is True  # a phone starts remote
    ana.get_received()
    ack = ana.emit("command", {"type": "set_place", "remote": False}, callback=True)
    assert ack["ok"], ack
    assert last_view(ana)["frame"]["remote"] is False
    assert activity_members(app, room["gs"])[ana_id]["remote"] is False  # forming groups sees it at once
    assert activity_members(app, room["gs"])[ben_id]["remote"] is True
    refused = ana.emit("command", {"type": "set_place", "remote": True, "member": ben_id}, callback=True)
    assert refused == {"ok": False, "error": "You can only do this for yourself."}
    # Forming by location now keeps Ana with Cy (both in the room) and Ben on his own side, joined to them.
    formed = room["fac"].emit("command", {"type": "activity", "action": "form_groups",
                                          "args": {"how": "by_location", "seed": 1}}, callback=True)
    assert formed["ok"], formed
    view = last_view(room["fac"])["activity"]["view"]
    assert any("Ben is the only one joining remotely" in note for note in view["notes"])


def test_a_facilitator_can_correct_where_someone_is(app, hybrid):
    room = hybrid("https://video.example.org/room")
    _ana, ana_id = room["phones"]["Ana"]
    ack = room["fac"].emit("command", {"type": "set_place", "member": ana_id, "remote": False}, callback=True)
    assert ack["ok"], ack
    members = [m for m in last_view(room["fac"])["frame"]["members"] if m["id"] == ana_id]
    assert members[0]["remote"] is False
    no_device = room["fac"].emit("command", {"type": "set_place", "member": room["cy"], "remote": True}, callback=True)
    assert no_device == {"ok": False, "error": "Cy is in the room without a device."}
    page = room["fac_client"].get(f"/sessions/{room['gs'].id}/console").data.decode()
    assert 'data-hybrid="1"' in page
