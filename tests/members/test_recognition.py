"""A member on a new device says who they are; the facilitator confirms. A guest becomes a member."""
from __future__ import annotations

from core.extensions import db
from core.member_models import Attendance, Member
from core.models import Participant
from tests.helpers import events


def _claiming_guest(app, gs, name: str):
    c = app.test_client()
    assert c.get(f"/j/{gs.join_token}").status_code == 302
    assert c.post(f"/s/{gs.public_id}/name", data={"name": name, "member_claim": "y"}).status_code == 302
    assert c.post(f"/s/{gs.public_id}/agreements", data={"agree": "y"}).status_code == 302
    with app.app_context():
        return c, db.session.query(Participant).order_by(Participant.id.desc()).first()


def test_a_member_on_a_new_device_is_confirmed_in_the_waiting_room(app, make_facilitator, make_group, make_session,
                                                                   make_member, opened, sock):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    console = sock(fac.client, gs, "facilitator")
    _c, p = _claiming_guest(app, gs, " sam ")
    assert p.member_id is None and p.claimed_member_id == sam.id
    roster = events(console, "roster")[-1]
    row = next(r for r in roster["participants"] if r["id"] == p.id)
    assert row["claim"] == "Sam" and row["member"] is False
    ack = console.emit("confirm_member", {"participant": p.id}, callback=True)
    assert ack["ok"] and ack["member"] == "Sam"
    console.emit("admit", {"participant": p.id}, callback=True)
    with app.app_context():
        seat = db.session.get(Participant, p.id)
        assert seat.member_id == sam.id and seat.claimed_member_id is None
        assert db.session.query(Attendance).filter_by(member_id=sam.id, session_id=gs.id).one().joined_at


def test_a_claim_that_matches_no_single_member_is_just_a_guest(app, make_facilitator, make_group, make_session,
                                                               make_member, opened, sock):
    fac = make_facilitator()
    g = make_group(fac)
    make_member(g, fac, "Sam")
    make_member(g, fac, "Sam")  # two members share the name: nobody is guessed
    gs = opened(make_session(g, fac))
    _c, p = _claiming_guest(app, gs, "Sam")
    assert p.claimed_member_id is None
    _c, q = _claiming_guest(app, gs, "Nobody")
    assert q.claimed_member_id is None
    console = sock(fac.client, gs, "facilitator")
    ack = console.emit("confirm_member", {"participant": p.id}, callback=True)
    assert not ack["ok"] and "nothing to confirm" in ack["error"]


def test_confirming_replaces_the_members_seat_on_the_old_device(app, make_facilitator, make_group, make_session,
                                                                make_member, opened, sock):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    _c, p = _claiming_guest(app, gs, "Sam")
    console = sock(fac.client, gs, "facilitator")
    assert console.emit("confirm_member", {"participant": p.id}, callback=True)["ok"]
    with app.app_context():
        seats = db.session.query(Participant).filter_by(member_id=sam.id, session_id=gs.id).all()
        assert sorted(s.status for s in seats) == ["removed", "waiting"]


def test_a_guest_becomes_a_member_in_one_action(app, make_facilitator, make_group, make_session, join, opened, sock):
    fac = make_facilitator()
    g = make_group(fac)
    gs = opened(make_session(g, fac))
    _c, p = join(gs, "Gil")
    console = sock(fac.client, gs, "facilitator")
    assert not console.emit("make_member", {"participant": p.id}, callback=True)["ok"]  # still waiting
    console.emit("admit", {"participant": p.id}, callback=True)
    assert console.emit("make_member", {"participant": p.id}, callback=True)["ok"]
    again = console.emit("make_member", {"participant": p.id}, callback=True)
    assert not again["ok"] and "already a member" in again["error"]
    with app.app_context():
        m = db.session.query(Member).filter_by(group_id=g.id).one()
        assert m.display_name == "Gil" and m.status == "active"
        assert db.session.get(Participant, p.id).member_id == m.id
        assert db.session.query(Attendance).filter_by(member_id=m.id, session_id=gs.id).one().status == "present"


def test_member_events_are_for_this_sessions_facilitators_only(app, make_facilitator, make_group, make_session,
                                                               join, opened, sock):
    fac, stranger = make_facilitator(), make_facilitator()
    g, other = make_group(fac), make_group(stranger, "Other")
    gs, theirs = opened(make_session(g, fac)), opened(make_session(other, stranger))
    guest, p = join(gs, "Gil")
    sock(fac.client, gs, "facilitator").emit("admit", {"participant": p.id}, callback=True)
    outsider = sock(stranger.client, theirs, "facilitator")
    assert not outsider.emit("make_member", {"participant": p.id}, callback=True)["ok"]
    as_guest = sock(guest, gs, "participant")
    ack = as_guest.emit("make_member", {"participant": p.id}, callback=True)
    assert ack is None or not ack.get("ok")
    with app.app_context():
        assert db.session.query(Member).count() == 0
