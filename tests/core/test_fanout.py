"""What one command sends each phone: the room's shared part once, a member's own part only when it
changed (core/live/fanout.py), and everything when this process does not know what it sent last."""
import json

import pytest

from activities import plan
from core import catalogue, live
from core.extensions import db
from core.models import GroupSession
from tests.helpers import events

NAMES = ("Ana", "Ben", "Dee")


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock, admit_phones):
    """Three members on their own devices and a plan with a check-in and a go-around."""
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    fac = sock(f.client, gs, "facilitator")
    phones = admit_phones(gs, fac, NAMES)
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry(slug, catalogue.resolve(session.group_id, slug), 5) for slug in ("check-in", "go-around")]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    return {"gs": gs, "fac": fac, "phones": phones}


def received(room) -> dict[str, dict[str, list]]:
    """Each phone's "shared" and "mine" payloads since the last call."""
    got = {}
    for name, (sc, _member) in room["phones"].items():
        events_ = sc.get_received()
        got[name] = {kind: [e["args"][0] for e in events_ if e["name"] == kind] for kind in ("shared", "mine", "view")}
    return got


def command(sc, type_, **args):
    ack = sc.emit("command", {"type": type_, **args}, callback=True)
    assert ack["ok"], ack
    return ack


def act(sc, action, **args):
    return command(sc, "activity", action=action, args=args)


def test_an_answer_sends_one_own_part_and_nothing_to_the_room(room):
    fac, phones = room["fac"], room["phones"]
    command(fac, "plan_next")  # the check-in
    received(room)
    ack = act(phones["Ana"][0], "submit", answers={"feeling": {"word": "calm", "family": None}, "intensity": 3})
    got = received(room)
    assert [m["version"] for m in got["Ana"]["mine"]] == [ack["version"]]
    assert got["Ana"]["mine"][0]["activity"]["submitted"] is True
    assert got["Ana"]["mine"][0]["with_shared"] is False
    assert all(not got[name]["mine"] for name in ("Ben", "Dee"))
    assert all(not got[name]["shared"] and not got[name]["view"] for name in NAMES)


def test_the_next_speaker_is_one_shared_part_and_the_two_speakers_own_parts(room):
    fac = room["fac"]
    command(fac, "plan_go", index=1)
    command(fac, "activity", action="start")
    received(room)
    ack = act(fac, "next")
    got = received(room)
    assert all([s["version"] for s in got[name]["shared"]] == [ack["version"]] for name in NAMES)
    own = {name for name in NAMES if got[name]["mine"]}
    assert 1 <= len(own) <= 2, own  # the one who spoke and the one who speaks now; nobody else
    assert all(m["with_shared"] for name in own for m in got[name]["mine"])
    statuses = {m["activity"]["my_status"] for name in own for m in got[name]["mine"]}
    assert statuses <= {"done", "speaking"} and "speaking" in statuses


def test_the_shared_part_says_how_many_are_before_me_without_names(room):
    fac, phones = room["fac"], room["phones"]
    command(fac, "plan_go", index=1)
    command(fac, "activity", action="start")
    views = {name: events(sc, "view")[-1]["activity"]["view"] for name, (sc, _m) in phones.items()}
    queues = {json.dumps(v["queue"]) for v in views.values()}
    assert len(queues) == 1  # one queue for the whole room
    places = sorted(v["queue"].index(v["me"]) if v["me"] in v["queue"] else -1 for v in views.values())
    assert places == [-1, 0, 1]  # the speaker is not in the queue; the others find their place
    shared = json.dumps(views["Ana"]["queue"])
    assert not any(name in shared or member in shared for name, (_sc, member) in phones.items())


def test_without_what_was_sent_last_everything_is_sent(room):
    fac = room["fac"]
    command(fac, "plan_next")
    received(room)
    live.SENT.forget(room["gs"].id)  # another process sent the last version, or this one restarted
    command(fac, "set_message", text="Tea at half past")
    got = received(room)
    assert all(len(got[name]["shared"]) == 1 and len(got[name]["mine"]) == 1 for name in NAMES)
    assert got["Ben"]["shared"][0]["frame"]["message"] == "Tea at half past"
    command(fac, "set_message", text="Tea at a quarter to")
    got = received(room)
    assert all(len(got[name]["shared"]) == 1 and not got[name]["mine"] for name in NAMES)


def test_the_cache_holds_digests_not_words(room):
    fac = room["fac"]
    command(fac, "plan_next")
    command(fac, "set_message", text="Zanzibar lighthouse")
    sent = live.SENT.get(room["gs"].id)
    assert sent is not None and "Zanzibar" not in repr(sent)


def test_an_earlier_session_with_the_same_row_id_is_not_taken_for_this_one(room):
    """SQLite reuses a deleted row's id (and each test's database starts again at 1): what was sent to
    that other session must neither stand for this one nor keep this one's record from being kept."""
    fac = room["fac"]
    command(fac, "plan_next")
    received(room)
    live.SENT.put(room["gs"].id, live.Sent("someone-else", 10**6, "digest"))
    command(fac, "set_message", text="Tea at half past")
    got = received(room)
    assert all(len(got[name]["mine"]) == 1 for name in NAMES)  # not known: everything is sent
    command(fac, "set_message", text="Tea at a quarter to")
    got = received(room)
    assert all(len(got[name]["shared"]) == 1 and not got[name]["mine"] for name in NAMES)


def test_the_activity_item_goes_once_per_activity(room):
    """The item (title, intro, prompts) is most of a shared part's bytes and the same for the whole
    activity: its first shared part carries it, later ones only its key; a new activity sends its own."""
    fac = room["fac"]
    command(fac, "plan_go", index=1)
    command(fac, "activity", action="start")
    received(room)
    act(fac, "next")
    got = received(room)
    later = got["Ben"]["shared"][0]["activity"]
    assert "item" not in later and later["item_key"]
    assert "Go-around" not in json.dumps(got["Ben"]["shared"])
    command(fac, "plan_go", index=0)  # another activity: its item comes with it
    got = received(room)
    first = got["Ben"]["shared"][0]["activity"]
    assert first["item"]["slug"] == "check-in" and first["item_key"] != later["item_key"]
    live.SENT.forget(room["gs"].id)  # not known what the room holds: the item is sent again
    command(fac, "set_message", text="Tea at half past")
    assert received(room)["Ben"]["shared"][0]["activity"]["item"]["slug"] == "check-in"


def test_a_phone_drawing_a_view_has_the_activity_item(room):
    fac, phones = room["fac"], room["phones"]
    command(fac, "plan_go", index=1)
    command(fac, "activity", action="start")
    for _ in range(2):
        act(fac, "next")
    for _name, (sc, _member) in phones.items():
        views = events(sc, "view")
        assert views and all(v["activity"]["item"]["slug"] == "go-around" for v in views)
