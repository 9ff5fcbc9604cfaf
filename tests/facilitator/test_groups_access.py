"""Groups, sessions and co-facilitator invitations; every group-scoped route checks membership."""
from urllib.parse import urlsplit

import pytest

from core.extensions import db
from core.models import GroupMember, GroupSession
from tests.conftest import PASSWORD


def test_create_group_and_session_then_console(make_facilitator):
    f = make_facilitator()
    r = f.client.post("/groups", data={"name": "Thursday circle", "description": "", "agreements": "",
                                       "retention_days": 30, "distress_threshold": 8})
    assert r.status_code == 302
    group_url = r.location
    page = f.client.get(group_url)
    assert b"Thursday circle" in page.data
    r = f.client.post(group_url + "/sessions", data={"title": "Week 1", "video_url": "https://meet.example.org/x"})
    assert r.status_code == 302 and "/console" in r.location
    console = f.client.get(r.location)
    gs = db.session.query(GroupSession).one()
    assert console.status_code == 200 and gs.join_code.encode() in console.data
    assert len(gs.join_code) == 7 and len(gs.join_token) >= 32


def test_bad_group_input_is_explained_and_nothing_is_created(make_facilitator):
    f = make_facilitator()
    r = f.client.post("/groups", data={"name": "", "retention_days": 0, "distress_threshold": 8})
    assert r.status_code == 400 and b"Create a group" in r.data
    r = f.client.post("/groups", data={"name": "Bad\u202eName", "retention_days": 30, "distress_threshold": 8})
    assert r.status_code == 400 and b"hidden or control characters" in r.data
    assert db.session.query(GroupMember).count() == 0


def test_session_video_link_must_be_a_web_link(make_facilitator, make_group):
    f = make_facilitator()
    g = make_group(f)
    r = f.client.post(f"/groups/{g.id}/sessions", data={"title": "W", "video_url": "javascript:alert(1)"})
    assert r.status_code == 302 and db.session.query(GroupSession).count() == 0


ROUTES = [
    ("get", "/groups/{g}"),
    ("post", "/groups/{g}/edit"),
    ("post", "/groups/{g}/invites"),
    ("post", "/groups/{g}/sessions"),
    ("get", "/sessions/{s}/console"),
    ("get", "/sessions/{s}/join-sheet"),
    ("post", "/sessions/{s}/rotate"),
    ("post", "/sessions/{s}/display/new"),
    ("post", "/sessions/{s}/display/off"),
    ("post", "/sessions/{s}/end"),
]
OWNER_ONLY = {"/groups/{g}/invites"}  # the rest of the owner's rights: tests/facilitator/test_roles_and_audit.py


@pytest.mark.parametrize("method,route", ROUTES)
@pytest.mark.parametrize("who", ["owner", "co_facilitator", "other_facilitator", "participant", "anonymous"])
def test_group_route_access_matrix(app, make_facilitator, make_group, make_session, join, method, route, who):
    owner = make_facilitator()
    g = make_group(owner)
    gs = make_session(g, owner)
    if who == "owner":
        c = owner.client
    elif who == "co_facilitator":
        co = make_facilitator()
        db.session.add(GroupMember(group_id=g.id, facilitator_id=co.id, role="co"))
        db.session.commit()
        c = co.client
    elif who == "other_facilitator":
        other = make_facilitator()
        make_group(other, "Their own group")
        c = other.client
    elif who == "participant":
        c, _p = join(gs)
    else:
        c = app.test_client()
    data = {"name": "Renamed", "retention_days": 30, "distress_threshold": 8, "title": "New"}
    url = route.format(g=g.id, s=gs.id)
    r = c.get(url) if method == "get" else c.post(url, data=data)
    if who == "co_facilitator" and route in OWNER_ONLY:
        assert r.status_code == 403
    elif who in ("owner", "co_facilitator"):
        assert r.status_code in (200, 302) and "/login" not in (r.location or "")
    elif who == "other_facilitator":
        assert r.status_code == 404
    else:
        assert r.status_code == 302 and "/login" in r.location
    if who not in ("owner", "co_facilitator"):
        db.session.expire_all()
        assert db.session.get(GroupSession, gs.id).status == "planned"
        assert db.session.get(GroupSession, gs.id).title == "Week 1"


def test_invitation_link_adds_a_co_facilitator_once(app, make_facilitator, make_group):
    owner = make_facilitator()
    g = make_group(owner)
    owner.client.post(f"/groups/{g.id}/invites")
    page = owner.client.get(f"/groups/{g.id}").data.decode()
    link = page.split('readonly value="', 1)[1].split('"', 1)[0]
    path = urlsplit(link).path  # the base is core.public_url's, not the request's host
    newcomer = app.test_client()
    r = newcomer.post(path, data={"name": "Sam", "email": "sam@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert r.status_code == 302 and f"/groups/{g.id}" in r.location
    assert newcomer.get(f"/groups/{g.id}").status_code == 200
    assert app.test_client().get(path).status_code == 410  # used up
    assert db.session.query(GroupMember).filter_by(group_id=g.id).count() == 2


def test_signed_in_facilitator_accepts_invitation(app, make_facilitator, make_group):
    owner, other = make_facilitator(), make_facilitator()
    g = make_group(owner)
    assert other.client.get(f"/groups/{g.id}").status_code == 404
    owner.client.post(f"/groups/{g.id}/invites")
    link = owner.client.get(f"/groups/{g.id}").data.decode().split('readonly value="', 1)[1].split('"', 1)[0]
    path = urlsplit(link).path  # the base is core.public_url's, not the request's host
    assert other.client.post(path).status_code == 302
    assert other.client.get(f"/groups/{g.id}").status_code == 200


def test_rotate_retires_the_old_link_and_code(app, make_facilitator, make_group, make_session):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    old_token, old_code = gs.join_token, gs.join_code
    f.client.post(f"/sessions/{gs.id}/rotate")
    db.session.expire_all()
    gs = db.session.get(GroupSession, gs.id)
    assert gs.join_token != old_token and gs.join_code != old_code
    c = app.test_client()
    assert c.get(f"/j/{old_token}").status_code == 404
    assert c.post("/join", data={"code": old_code}).status_code == 404
    assert c.get(f"/j/{gs.join_token}").status_code == 302


def test_join_sheet_shows_code_and_qr(make_facilitator, make_group, make_session):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    page = f.client.get(f"/sessions/{gs.id}/join-sheet").data
    assert gs.join_code.encode() in page and b"data:image/svg+xml" in page
