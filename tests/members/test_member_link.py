"""The standing personal link: into the open session in one tap, refused everywhere once dead."""
from __future__ import annotations

from core import members
from core.extensions import db
from core.member_models import Member
from core.models import Group, Participant


def _seat(app, member_id: int, session_id: int) -> Participant | None:
    with app.app_context():
        return db.session.query(Participant).filter_by(member_id=member_id, session_id=session_id).one_or_none()


def test_the_link_leads_into_the_open_session_and_one_tap_lets_the_member_in(
        app, make_facilitator, make_group, make_session, make_member, opened):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    r = sam.client.get(f"/m/{sam.secret}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/me/{sam.public_id}/session")
    assert sam.secret not in r.headers["Location"]
    page = sam.client.get(f"/me/{sam.public_id}/session")
    assert b"Welcome back, Sam" in page.data and b"Our group agreements" in page.data
    assert b"How your data is kept" in page.data  # the privacy notice, before the first session
    r = sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/s/{gs.public_id}")
    seat = _seat(app, sam.id, gs.id)
    assert seat is not None and seat.status == "waiting" and seat.display_name == "Sam"
    assert sam.client.get(f"/s/{gs.public_id}").status_code == 200
    # Week 2: unchanged agreements and notice are one tap.
    gs2 = opened(make_session(g, fac, "Week 2"))
    page = sam.client.get(f"/me/{sam.public_id}/session")
    assert b"have not changed since you last agreed" in page.data and b"I still agree" in page.data
    assert sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"}).status_code == 302
    assert _seat(app, sam.id, gs2.id) is not None


def test_changed_agreements_are_read_in_full_again(app, make_facilitator, make_group, make_session, make_member,
                                                   opened):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    opened(make_session(g, fac))
    sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    r = fac.client.post(f"/groups/{g.id}/edit", data={
        "name": g.name, "description": "", "agreements": "We keep time.\nWe listen.", "retention_days": 30,
        "record_retention_years": 7, "distress_threshold": 8, "crisis_text": ""})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Group, g.id).agreements_version == 2
    opened(make_session(g, fac, "Week 2"))
    page = sam.client.get(f"/me/{sam.public_id}/session")
    assert b"Our group agreements have changed" in page.data and b"We keep time." in page.data
    assert b"I still agree" not in page.data
    assert sam.client.post(f"/me/{sam.public_id}/session", data={}).status_code == 400  # must tick to agree


def test_members_come_straight_in_when_the_group_says_so(app, make_facilitator, make_group, make_session,
                                                         make_member, opened):
    fac = make_facilitator()
    g = make_group(fac)
    r = fac.client.post(f"/groups/{g.id}/members/straight-in", data={"straight_in": "y"})
    assert r.status_code == 302
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    assert _seat(app, sam.id, gs.id).status == "admitted"


def test_the_same_seat_is_reused_on_a_second_device(app, make_facilitator, make_group, make_session, make_member,
                                                    opened):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    laptop = app.test_client()
    assert laptop.get(f"/m/{sam.secret}").status_code == 302
    assert laptop.post(f"/me/{sam.public_id}/session", data={"agree": "y"}).status_code == 302
    with app.app_context():
        assert db.session.query(Participant).filter_by(member_id=sam.id, session_id=gs.id).count() == 1
    assert laptop.get(f"/s/{gs.public_id}").status_code == 200


def test_a_member_link_of_group_a_opens_nothing_of_group_b(app, make_facilitator, make_group, make_session,
                                                           make_member, opened):
    fac, other = make_facilitator(), make_facilitator()
    ga, gb = make_group(fac, "A"), make_group(other, "B")
    sam = make_member(ga, fac)
    bea = make_member(gb, other, "Bea")
    gs_b = opened(make_session(gb, other))
    # Sam's browser holds Sam's cookie only: Bea's page and Bea's way in are refused.
    assert sam.client.get(f"/me/{bea.public_id}/session").status_code == 403
    # Sam's own link leads to group A's sessions only (none open): never into B's.
    r = sam.client.get(f"/me/{sam.public_id}/session")
    assert r.status_code == 302 and gs_b.public_id not in r.headers["Location"]
    # Sam's secret pasted into Bea's cookie name opens nothing either.
    sam.client.set_cookie(f"sbm_{bea.public_id}", sam.secret, domain="localhost")
    assert sam.client.get(f"/me/{bea.public_id}/session").status_code == 403


def test_a_guest_cannot_see_the_member_page(app, make_facilitator, make_group, make_session, make_member, join,
                                            opened):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    guest, _p = join(gs, "Gil")
    assert guest.get(f"/me/{sam.public_id}").status_code == 403
    assert guest.get(f"/me/{sam.public_id}/session").status_code == 403


def test_a_rotated_link_is_dead_at_once(app, make_facilitator, make_group, make_session, make_member):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    r = fac.client.post(f"/groups/{g.id}/members/{sam.id}/link")
    assert r.status_code == 200 and b"Member card: Sam" in r.data and b"/m/" in r.data
    assert r.headers["Cache-Control"] == "no-store"
    assert sam.client.get(f"/m/{sam.secret}").status_code == 404
    assert sam.client.get(f"/me/{sam.public_id}").status_code == 403


def test_a_member_who_left_is_cut_everywhere_at_once(app, make_facilitator, make_group, make_session, make_member,
                                                     opened, sock):
    fac = make_facilitator()
    g = make_group(fac)
    fac.client.post(f"/groups/{g.id}/members/straight-in", data={"straight_in": "y"})
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    sc = sock(sam.client, gs, "participant")
    assert sc.is_connected()
    r = fac.client.post(f"/groups/{g.id}/members/{sam.id}/status", data={"status": "left"})
    assert r.status_code == 302
    with app.app_context():
        m = db.session.get(Member, sam.id)
        assert m.status == "left" and m.link_hash is None and m.ended_on is not None
    assert _seat(app, sam.id, gs.id).status == "removed"  # no seat left open
    assert not sc.is_connected()
    assert sam.client.get(f"/s/{gs.public_id}").status_code == 403
    assert sam.client.get(f"/m/{sam.secret}").status_code == 404
    assert sam.client.get(f"/me/{sam.public_id}/session").status_code == 403
    later = sock(sam.client, gs, "participant")
    assert not later.is_connected()


def test_revoked_link_and_unknown_links(app, make_facilitator, make_group, make_member):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    assert fac.client.post(f"/groups/{g.id}/members/{sam.id}/link/revoke").status_code == 302
    assert sam.client.get(f"/m/{sam.secret}").status_code == 404
    assert app.test_client().get("/m/" + "x" * 500).status_code == 404
    with app.app_context():
        assert members.by_link(sam.secret) is None


def test_member_and_calendar_links_never_reach_logs():
    import logging

    from core.logfilter import RedactTokens

    for path in ("/m/%s", "/calendar/%s.ics"):
        record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, f'"GET {path} HTTP/1.1" 302',
                                   ("Zx9SecretSecretSecret01",), None)
        RedactTokens().filter(record)
        assert "Zx9SecretSecretSecret01" not in record.getMessage() and "[redacted]" in record.getMessage()


def test_a_session_left_open_last_week_does_not_hide_todays(app, make_facilitator, make_group, make_session,
                                                           make_member, opened):
    from datetime import timedelta

    from core.models import GroupSession, utcnow

    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    stale, today = opened(make_session(g, fac, "Last week")), make_session(g, fac, "Today")
    with app.app_context():
        db.session.get(GroupSession, stale.id).starts_at = utcnow() - timedelta(days=7)
        db.session.get(GroupSession, today.id).starts_at = utcnow() + timedelta(minutes=10)
        db.session.commit()
        assert members.open_session(db.session.get(Group, g.id)).id == today.id
    page = sam.client.get(f"/me/{sam.public_id}/session")
    assert b"Today is open now" in page.data
