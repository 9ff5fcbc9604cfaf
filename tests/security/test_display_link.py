"""The room display link can be replaced or turned off, and displays open with the old link end at
once (issue 11, finding 3: before, a display opened with the old link kept receiving the session,
new join link included)."""
from __future__ import annotations

import pytest

from core.extensions import db
from core.models import AuditEvent, GroupSession


@pytest.fixture
def room(make_facilitator, make_group, make_session):
    owner = make_facilitator()
    group = make_group(owner)
    return owner, make_session(group, owner)


def _fresh(gs) -> GroupSession:
    db.session.expire_all()
    return db.session.get(GroupSession, gs.id)


def test_a_new_display_link_ends_the_old_displays_at_once(app, room, sock):
    owner, gs = room
    old = gs.display_token
    screen = sock(app.test_client(), gs, "display", display=old)
    assert screen.is_connected()
    screen.get_received()
    r = owner.client.post(f"/sessions/{gs.id}/display/new")
    assert r.status_code == 302
    assert not screen.is_connected()
    new = _fresh(gs).display_token
    assert new != old
    # Nothing after the change reaches the old display, not even the join link the facilitator rotates next.
    assert owner.client.post(f"/sessions/{gs.id}/rotate").status_code == 302
    from core import live
    from core.extensions import socketio

    display_room = live.rooms(gs.id)["display"]
    assert not socketio.server.manager.rooms.get("/", {}).get(display_room)  # nobody left listening
    page = app.test_client().get(f"/display/{old}")
    assert page.status_code == 404 and b"does not work" in page.data
    assert not sock(app.test_client(), gs, "display", display=old).is_connected()
    assert app.test_client().get(f"/display/{new}").status_code == 200
    assert sock(app.test_client(), gs, "display", display=new).is_connected()
    console = owner.client.get(f"/sessions/{gs.id}/console").data.decode()
    assert f"/display/{new}" in console and f"/display/{old}" not in console


def test_turning_the_display_link_off(app, room, sock):
    owner, gs = room
    screen = sock(app.test_client(), gs, "display", display=gs.display_token)
    assert owner.client.post(f"/sessions/{gs.id}/display/off").status_code == 302
    assert not screen.is_connected()
    fresh = _fresh(gs)
    assert not fresh.display_on
    # Even the current (never shown) token opens nothing while the link is off.
    assert app.test_client().get(f"/display/{fresh.display_token}").status_code == 404
    assert not sock(app.test_client(), gs, "display", display=fresh.display_token).is_connected()
    console = owner.client.get(f"/sessions/{gs.id}/console").data.decode()
    assert "The room display link is off" in console and fresh.display_token not in console
    # ... until a new one is made.
    assert owner.client.post(f"/sessions/{gs.id}/display/new").status_code == 302
    fresh = _fresh(gs)
    assert fresh.display_on and app.test_client().get(f"/display/{fresh.display_token}").status_code == 200
    actions = [a for (a,) in db.session.query(AuditEvent.action).filter_by(session_id=gs.id)]
    assert "display_link_off" in actions and "display_link_new" in actions


def test_an_open_display_socket_is_refused_events_once_its_link_is_off(app, room, sock):
    """Even if a disconnect were lost, the display's next event finds its connection gone."""
    owner, gs = room
    screen = sock(app.test_client(), gs, "display", display=gs.display_token)
    with app.app_context():
        from core.models import Connection

        sid = db.session.query(Connection.sid).filter_by(session_id=gs.id, role="display").scalar()
    assert sid
    owner.client.post(f"/sessions/{gs.id}/display/off")
    db.session.expire_all()
    assert db.session.query(Connection).filter_by(session_id=gs.id, role="display").count() == 0
    assert not screen.is_connected()


@pytest.mark.parametrize("action", ["new", "off"])
def test_only_this_groups_facilitators_can_change_the_display_link(app, room, make_facilitator, join, action):
    owner, gs = room
    stranger = make_facilitator()
    participant, _ = join(gs)
    before = gs.display_token
    assert stranger.client.post(f"/sessions/{gs.id}/display/{action}").status_code == 404
    anonymous = app.test_client().post(f"/sessions/{gs.id}/display/{action}")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    assert participant.post(f"/sessions/{gs.id}/display/{action}").status_code == 302  # to sign-in
    assert owner.client.post(f"/sessions/{gs.id}/display/other").status_code == 404
    assert _fresh(gs).display_token == before and _fresh(gs).display_on
