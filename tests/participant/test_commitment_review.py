"""The commitment review at the check-in, on a member's own phone: last session's commitment and the
practice log since, for the member only; a line they share reaches the facilitators' room only."""
from __future__ import annotations

import pytest

from activities import plan
from core import catalogue, live, members
from core.extensions import db
from core.member_models import Member, ReviewShare
from core.models import GroupSession, Participant, utcnow
from participant.review import is_check_in
from tests.helpers import events
from tests.participant import member_fixtures
from tests.participant.member_fixtures import COMMITMENT, attended_session

world = member_fixtures.world  # the shared fixture, used by name

SECRET_LINE = "Wombatprivate lunch with Sam"


def cmd(sc, type_, **args):
    return sc.emit("command", {"type": type_, **args}, callback=True)


@pytest.fixture
def room(app, world, join, make_session, sock):
    """Ana (a member) came last week and planned COMMITMENT; since then she wrote two log entries.
    This week: Ana in her seat as a member, Ben as a guest, a facilitator console and a room display."""
    w = world
    attended_session(app, join, make_session, w)
    for n, lesson in enumerate((SECRET_LINE, "Wombatsecond ask sooner")):
        r = w["client"].post(f"/me/{w['m'].public_id}/practice",
                             json={"kind": "evening", "day": utcnow().date().isoformat(), "client_key": f"key-{n:08d}",
                                   "went_well": lesson, "repair": "", "lesson": ""})
        assert r.status_code == 201
    gs = make_session(w["g"], w["f"], "Week 2")
    fac = sock(w["f"].client, gs, "facilitator")
    ana_http, ana = join(gs, "Ana")
    with app.app_context(), db.transaction() as s:
        s.get(Participant, ana.id).member_id = w["m"].id
    ben_http, ben = join(gs, "Ben")
    for p in (ana, ben):
        assert fac.emit("admit", {"participant": p.id}, callback=True)["ok"]
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    ana_sock, ben_sock = sock(ana_http, gs, "participant"), sock(ben_http, gs, "participant")
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry(slug, catalogue.resolve(session.group_id, slug), 5) for slug in ("check-in", "go-around")]
        assert live.system(session, {"type": "plan_set", "items": items})["ok"]
    assert cmd(fac, "plan_go", index=0)["ok"]
    for c in (fac, disp, ana_sock, ben_sock):
        c.get_received()
    return {**w, "gs": gs, "fac": fac, "disp": disp, "ana_http": ana_http, "ben_http": ben_http,
            "ana_sock": ana_sock, "ben_sock": ben_sock, "ana": ana}


def review(client, gs):
    return client.get(f"/s/{gs.public_id}/review")


def share(client, gs, **body):
    return client.post(f"/s/{gs.public_id}/review/share", json={"source": "commitment", "text": COMMITMENT,
                                                                 "audience": "facilitators", **body})


def test_the_member_sees_last_weeks_plan_and_their_log_at_the_check_in(room):
    r = review(room["ana_http"], room["gs"])
    assert r.status_code == 200 and r.json["active"] is True
    assert r.json["planned"] == [COMMITMENT] and r.json["previous"] == "Week 1"
    assert r.json["total"] == 2 and r.json["counts"] == [{"kind": "Evening review", "count": 2, "words": "2 evening reviews"}]
    assert r.json["recent"][1] == f"Went well: {SECRET_LINE}"
    assert r.headers["Cache-Control"] == "no-store"


def test_no_review_outside_the_check_in(room):
    assert cmd(room["fac"], "plan_go", index=1)["ok"]
    r = review(room["ana_http"], room["gs"])
    assert r.status_code == 200 and r.json == {"ok": True, "active": False}


def test_guests_strangers_and_facilitators_get_403(app, room):
    gs = room["gs"]
    for client in (room["ben_http"], app.test_client(), room["f"].client):
        assert review(client, gs).status_code == 403
        assert share(client, gs).status_code == 403
    with app.app_context():
        assert db.session.query(ReviewShare).count() == 0


def test_a_member_who_left_gets_403(app, room):
    with app.app_context():
        members.set_status(db.session.get(Member, room["m"].id), "left", room["f"].id)
    assert review(room["ana_http"], room["gs"]).status_code == 403
    assert share(room["ana_http"], room["gs"]).status_code == 403


def test_the_live_page_has_the_panel_and_its_script(room):
    page = room["ana_http"].get(f"/s/{room['gs'].public_id}").data.decode()
    assert 'id="review"' in page and "/static/participant/review.js" in page
    assert page.index("review.js") < page.index("participant.js")  # it wraps SB.connect first
    guest_page = room["ben_http"].get(f"/s/{room['gs'].public_id}").data.decode()
    assert 'id="review"' not in guest_page  # a guest's page never asks (no 403 in a guest's console)


def test_practice_lines_reach_no_facilitator_socket_or_page_unless_shared(room):
    fac, f, gs = room["fac"], room["f"], room["gs"]
    assert cmd(fac, "plan_go", index=1)["ok"] and cmd(fac, "plan_go", index=0)["ok"]
    cmd(fac, "set_message", text="hello")
    fac.emit("roster", {}, callback=True)
    received = fac.get_received() + room["disp"].get_received() + room["ben_sock"].get_received()
    assert "Wombat" not in str(received)
    for path in (f"/sessions/{gs.id}/console", f"/sessions/{gs.id}/shared-lines", f"/sessions/{gs.id}/summary"):
        assert "Wombat" not in f.client.get(path).data.decode(), path


def test_a_shared_line_reaches_the_facilitators_room_only(app, room):
    line = f"Went well: {SECRET_LINE}"
    r = share(room["ana_http"], room["gs"], source="practice", text=line, audience="group")
    assert r.status_code == 201
    [got] = events(room["fac"], "shared_line")
    assert got == {"id": r.json["id"], "name": "Ana", "text": line, "audience": "group", "shown": False}
    for other in ("ana_sock", "ben_sock", "disp"):
        assert "Wombat" not in str(room[other].get_received()), other
    with app.app_context():
        [row] = db.session.query(ReviewShare).all()
        assert (row.member_id, row.source, row.text, row.audience, row.shown) == (
            room["m"].id, "practice", line, "group", False)
    listed = room["f"].client.get(f"/sessions/{room['gs'].id}/shared-lines").json["lines"]
    assert listed == [got]
    assert "Wombatsecond" not in str(listed)  # only what was shared, never the log


def test_part_of_a_line_may_be_shared(room):
    assert share(room["ana_http"], room["gs"], text="call my sister").status_code == 201


@pytest.mark.parametrize("body,reason", [
    ({"text": "a line she never wrote"}, "your own review"),
    ({"source": "practice", "text": COMMITMENT}, "your own review"),
    ({"audience": "everyone"}, "who to share"),
    ({"source": "diary"}, "who to share"),
    ({"text": ""}, "1 to 500"),
    ({"text": "x" * 501}, "1 to 500"),
    ({"text": 5}, "who to share"),
    ({"extra": "field"}, "reload"),
])
def test_invalid_shares_store_and_send_nothing(app, room, body, reason):
    r = share(room["ana_http"], room["gs"], **body)
    assert r.status_code == 400 and reason in r.json["error"]
    assert events(room["fac"], "shared_line") == []
    with app.app_context():
        assert db.session.query(ReviewShare).count() == 0


def test_a_cap_on_shares_per_session(app, room, monkeypatch):
    from participant import review as review_module

    monkeypatch.setattr(review_module, "SHARES_PER_SESSION", 2)
    for _ in range(2):
        assert share(room["ana_http"], room["gs"]).status_code == 201
    r = share(room["ana_http"], room["gs"])
    assert r.status_code == 400 and "several lines" in r.json["error"]


def test_read_out_marks_group_lines_only_for_the_groups_facilitators(app, room, make_facilitator):
    gs, f = room["gs"], room["f"]
    to_group = share(room["ana_http"], gs, audience="group").json["id"]
    to_us = share(room["ana_http"], gs).json["id"]
    room["fac"].get_received()
    outsider = make_facilitator("Other")
    assert outsider.client.get(f"/sessions/{gs.id}/shared-lines").status_code == 404
    assert outsider.client.post(f"/sessions/{gs.id}/shared-lines/{to_group}/shown").status_code == 404
    assert app.test_client().get(f"/sessions/{gs.id}/shared-lines").status_code in (302, 401)
    assert f.client.post(f"/sessions/{gs.id}/shared-lines/{to_us}/shown").status_code == 400
    r = f.client.post(f"/sessions/{gs.id}/shared-lines/{to_group}/shown")
    assert r.status_code == 200 and events(room["fac"], "shared_line_shown") == [{"id": to_group}]
    assert "shared_line_shown" not in str(room["ana_sock"].get_received() + room["disp"].get_received())
    lines = {d["id"]: d["shown"] for d in f.client.get(f"/sessions/{gs.id}/shared-lines").json["lines"]}
    assert lines == {to_group: True, to_us: False}


def test_the_console_has_the_list_and_its_script(room):
    page = room["f"].client.get(f"/sessions/{room['gs'].id}/console").data.decode()
    assert 'id="shared-lines"' in page and "/static/facilitator/shared_lines.js" in page
    assert page.index("shared_lines.js") < page.index("console.js")


@pytest.mark.parametrize("item,expected", [
    ({"slug": "check-in", "title": "Check-in round", "kind": "form"}, True),
    ({"slug": "custom-4", "title": "Our check-in", "kind": "form"}, True),
    ({"slug": "go-around", "title": "Go-around", "kind": "round"}, False),
    ({"slug": "custom-5", "title": "Check-in chat", "kind": "round"}, False),
    (None, False),
])
def test_which_items_are_a_check_in(item, expected):
    assert is_check_in(item) is expected


def test_a_ladder_try_is_reviewed_in_its_short_form_and_can_be_shared_whole(room):
    """What was feared, what happened and the body stay on the member's own page: the review's line, which
    may be shared with the room, is the step and the two ratings (and always within the share limit)."""
    step = "s" * 300
    r = room["client"].post(f"/me/{room['m'].public_id}/practice",
                            json={"kind": "ladder", "day": utcnow().date().isoformat(), "client_key": "key-ladder-1",
                                  "step": step, "expected": 8, "actual": 3, "feared": "f" * 300,
                                  "happened": "h" * 300, "body": "b" * 200})
    assert r.status_code == 201 and "f" * 300 in r.json["entry"]["line"]
    line = review(room["ana_http"], room["gs"]).json["recent"][0]
    assert line == f"{step}: discomfort expected 8/10, felt 3/10"
    assert share(room["ana_http"], room["gs"], source="practice", text=line).status_code == 201
