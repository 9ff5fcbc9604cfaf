"""Display names that vanish or impersonate (issue 11, finding 6): names that would show as nothing are
refused with a clear message (joining and "add in room" alike); look-alikes and duplicates of someone
already in the session are flagged to facilitators in the console roster, and to nobody else."""
import html
import json
import unicodedata

import pytest

from core import lookalikes
from core.extensions import db
from core.models import Participant
from core.text import clean_name
from tests.helpers import events

BLANK_NAMES = {
    "Hangul choseong filler": "\u115f",
    "Hangul jungseong filler": "\u1160\u1160",
    "Hangul filler": "\u3164",
    "halfwidth Hangul filler": "\uffa0\uffa0\uffa0",
    "braille blank": "\u2800",
    "combining marks alone": "\u0301\u0308",
    "a combining grapheme joiner": "\u034f",
    "variation selectors alone": "\ufe0f\ufe0e",
    "a supplementary variation selector": "\U000e0100",
    "a zero-width joiner alone": "\u200d",
    "an ideographic space and a filler": "\u3000\u3164",
    "Khmer inherent vowels": "\u17b4\u17b5",
}
GOOD_NAMES = ["Ana", "Zoë", "e\u0301mile", "José María", "李雷", "Вова", "Νίκος", "🙂", "👩\u200d👩\u200d👧", "O'Neill"]


@pytest.mark.parametrize("kind", sorted(BLANK_NAMES))
def test_names_that_show_as_nothing_are_refused_at_join(app, make_facilitator, make_group, make_session, kind):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    c = app.test_client()
    assert c.get(f"/j/{gs.join_token}").status_code == 302
    r = c.post(f"/s/{gs.public_id}/name", data={"name": BLANK_NAMES[kind]})
    assert r.status_code == 400
    assert "That name would show as blank. Please choose a name people can see." in html.unescape(r.get_data(as_text=True))
    with app.app_context():
        assert db.session.query(Participant).count() == 0


def test_a_blank_filler_inside_a_name_is_refused():
    with pytest.raises(ValueError, match="blank characters"):
        clean_name("Bob\u3164")


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_real_names_are_kept(name):
    assert clean_name(name) == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize("kind", ["Hangul filler", "braille blank", "combining marks alone"])
def test_add_in_room_refuses_blank_names_too(app, make_facilitator, make_group, make_session, sock, kind):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    ack = sock(f.client, gs, "facilitator").emit("add_in_room", {"name": BLANK_NAMES[kind]}, callback=True)
    assert ack == {"ok": False, "error": "That name would show as blank. Please choose a name people can see."}
    with app.app_context():
        assert db.session.query(Participant).count() == 0


def test_look_alikes_are_flagged_to_facilitators_and_nobody_else(app, make_facilitator, make_group, make_session,
                                                                 sock, join):
    f = make_facilitator()
    gs = make_session(make_group(f), f, auto_admit=True)
    bob_http, _bob = join(gs, "Bob")  # admitted on arrival; then the waiting room is back on
    fac = sock(f.client, gs, "facilitator")
    assert fac.emit("auto_admit", {"on": False}, callback=True) == {"ok": True}
    bob_sock = sock(bob_http, gs, "participant")
    display = sock(app.test_client(), gs, "display", display=gs.display_token)
    for name in ("\u0412ob", "BOB", "B0b", "Bob", "Ana"):  # a Cyrillic В first
        join(gs, name)
    assert fac.emit("add_in_room", {"name": "b o b"}, callback=True)["ok"] is True
    roster = fac.emit("roster", {}, callback=True)["roster"]
    got = {(p["name"], p["status"]): p["flags"] for p in roster["participants"]}
    assert got == {
        ("Bob", "admitted"): [],
        ("\u0412ob", "waiting"): ["looks like Bob, who is already here", "mixes Latin and Cyrillic letters"],
        ("BOB", "waiting"): ["looks like Bob, who is already here"],
        ("B0b", "waiting"): ["looks like Bob, who is already here"],
        ("Bob", "waiting"): ["same name as Bob, who is already here"],
        ("Ana", "waiting"): [],
        ("b o b", "admitted"): ["looks like Bob, who is already here"],
    }
    pushed = events(fac, "roster")  # the roster pushed on each arrival carries them too
    assert {p["name"]: p["flags"] for p in pushed[-1]["participants"]} == {p["name"]: p["flags"] for p in roster["participants"]}
    # the participant and the room display never receive the roster or its flags
    for other in (bob_sock, display):
        received = other.get_received()
        assert not [e for e in received if e["name"] == "roster"]
        assert "already here" not in json.dumps(received) and "flags" not in json.dumps(received)


def test_name_keys():
    key = lookalikes.name_key
    assert key("Bob") == key("BOB") == key(" bob ") == key("B0b") == key("\u0412ob") == key("\u0392\u03bfb") == key("B.o.b")
    assert key("BiII") == key("Bill") and key("rnary") == key("Mary")
    assert key("Bob") != key("Rob") and key("Ana") != key("Anna")
    assert key("Вова") != key("Bob")  # a whole Cyrillic name is its own name
    assert lookalikes.scripts("\u0412ob") == ["LATIN", "CYRILLIC"]
    assert lookalikes.scripts("Вова") == ["CYRILLIC"] and lookalikes.scripts("李雷 Lee") == ["LATIN"]
