"""The roster page: only the group's facilitators; clear errors that save nothing; the privacy notice."""
from __future__ import annotations

from core.extensions import db
from core.member_models import Member
from core.models import AuditEvent


def test_only_the_groups_facilitators_see_and_change_the_roster(app, make_facilitator, make_group, make_member):
    fac, stranger = make_facilitator(), make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    page = fac.client.get(f"/groups/{g.id}/members")
    assert page.status_code == 200 and b"Sam" in page.data and b"personal link made" in page.data
    assert stranger.client.get(f"/groups/{g.id}/members").status_code == 404
    for path in (f"/groups/{g.id}/members", f"/groups/{g.id}/members/{sam.id}/link",
                 f"/groups/{g.id}/members/{sam.id}/status", f"/groups/{g.id}/members/{sam.id}/erase"):
        assert stranger.client.post(path, data={"name": "X", "status": "left", "confirm": "Sam"}).status_code == 404
    signed_out = app.test_client().get(f"/groups/{g.id}/members")
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    with app.app_context():
        assert db.session.get(Member, sam.id).status == "active"


def test_adding_a_member_validates_and_is_audited(app, make_facilitator, make_group):
    fac = make_facilitator()
    g = make_group(fac)
    bad = fac.client.post(f"/groups/{g.id}/members", data={"name": "   "}, follow_redirects=True)
    assert b"Please" in bad.data
    odd = fac.client.post(f"/groups/{g.id}/members", data={"name": "Sam", "status": "boss"}, follow_redirects=True)
    assert b"Not a valid choice" in odd.data
    with app.app_context():
        assert db.session.query(Member).count() == 0
    ok = fac.client.post(f"/groups/{g.id}/members", data={"name": "Sam", "status": "waiting"}, follow_redirects=True)
    assert b"Sam is on the roster" in ok.data
    with app.app_context():
        m = db.session.query(Member).one()
        assert m.status == "waiting" and m.link_hash is None
        assert db.session.query(AuditEvent).filter_by(action="member_add", target=f"member:{m.id}").count() == 1
    audit = fac.client.get(f"/groups/{g.id}/audit")
    assert b"added to the roster" in audit.data and b"Sam" in audit.data


def test_the_member_card_shows_the_link_once_as_a_qr(app, make_facilitator, make_group, make_member):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac, link=False)
    card = fac.client.post(f"/groups/{g.id}/members/{sam.id}/link")
    assert card.status_code == 200 and b"data:image/svg+xml" in card.data and b"/m/" in card.data
    assert b"/m/" not in fac.client.get(f"/groups/{g.id}/members").data  # never shown again


def test_guests_read_the_privacy_notice_before_their_first_session(app, make_facilitator, make_group, make_session):
    fac = make_facilitator()
    g = make_group(fac)
    gs = make_session(g, fac)
    c = app.test_client()
    c.get(f"/j/{gs.join_token}")
    c.post(f"/s/{gs.public_id}/name", data={"name": "Gil"})
    page = c.get(f"/s/{gs.public_id}/agreements")
    assert b"<h2>How your data is kept</h2>" in page.data and b"30 days" in page.data and b"7 years" in page.data
    c.post(f"/s/{gs.public_id}/agreements", data={"agree": "y"})
    gs2 = make_session(g, fac, "Week 2")
    c2 = app.test_client()
    c2.set_cookie("sb_privacy", c.get_cookie("sb_privacy").value, domain="localhost")
    c2.get(f"/j/{gs2.join_token}")
    c2.post(f"/s/{gs2.public_id}/name", data={"name": "Gil"})
    assert b"unchanged since you last read it" in c2.get(f"/s/{gs2.public_id}/agreements").data
