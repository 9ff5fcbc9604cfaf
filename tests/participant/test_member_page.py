"""The member's own page `/me/<public id>`: only the member's own browser opens it; it shows the next
session, their take-home sheets from sessions they attended, and the practice log."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core import members
from core.extensions import db
from core.member_models import Member, PracticeEntry
from core.models import Group, GroupSession, utcnow
from tests.participant import member_fixtures
from tests.participant.member_fixtures import COMMITMENT, attended_session, member_browser, seat

world = member_fixtures.world  # the shared fixture, used by name


def page(w) -> str:
    r = w["client"].get(f"/me/{w['m'].public_id}")
    assert r.status_code == 200, r.status_code
    return r.data.decode()


def test_the_member_sees_their_page_with_privacy_words_and_no_secret(world):
    text = page(world)
    assert "Hello, Ana" in text and "Your practice log" in text
    assert "Only you see your practice log" in text
    assert world["secret"] not in text  # the standing link's secret is never in a page
    assert "No session is planned yet" in text and "After your first session" in text


@pytest.mark.parametrize("who", ["stranger", "other_member", "guest", "facilitator"])
def test_anyone_else_gets_403(app, world, join, make_session, who):
    path = f"/me/{world['m'].public_id}"
    if who == "stranger":
        c = app.test_client()
    elif who == "other_member":
        with app.app_context():
            ben = members.add(world["g"], "Ben", world["f"].id)
            c = member_browser(app, ben, members.new_link(ben, world["f"].id))
        assert c.get(f"/me/{ben.public_id}").status_code == 200  # his own page opens
        c.set_cookie(f"sbm_{world['m'].public_id}", "not-her-secret")
    elif who == "guest":
        gs = make_session(world["g"], world["f"])
        c, _p = join(gs, "Guest")
    else:
        c = world["f"].client
    r = c.get(path)
    assert r.status_code == 403 and b"Hello, Ana" not in r.data
    assert c.post(f"{path}/practice", data={"kind": "morning"}).status_code == 403


def test_a_rotated_revoked_or_left_member_link_opens_nothing(app, world):
    path = f"/me/{world['m'].public_id}"
    with app.app_context():
        members.new_link(db.session.get(Member, world["m"].id), world["f"].id)  # rotated
    assert world["client"].get(path).status_code == 403
    with app.app_context():
        m = db.session.get(Member, world["m"].id)
        secret = members.new_link(m, world["f"].id)
    c = member_browser(app, world["m"], secret)
    assert c.get(path).status_code == 200
    with app.app_context():
        members.revoke_link(db.session.get(Member, world["m"].id), world["f"].id)
    assert c.get(path).status_code == 403
    with app.app_context():
        m = db.session.get(Member, world["m"].id)
        secret = members.new_link(m, world["f"].id)
        members.set_status(db.session.get(Member, m.id), "left", world["f"].id)
    assert member_browser(app, world["m"], secret).get(path).status_code == 403


def test_next_planned_session_in_words_and_calendar_guarded(app, world, make_session):
    gs = make_session(world["g"], world["f"], "Week 3")
    with app.app_context(), db.transaction() as s:
        s.get(GroupSession, gs.id).starts_at = (utcnow() + timedelta(days=3)).replace(hour=18, minute=30)
    text = page(world)
    when = (utcnow() + timedelta(days=3))
    assert "Week 3" in text and f"{when:%A} {when.day} {when:%B %Y} at 18:30" in text
    assert "Join now" not in text
    assert "Add to my calendar" not in text  # no regular schedule: nothing to add
    from datetime import date

    from facilitator import series

    with app.app_context():
        series.set_schedule(db.session.get(Group, world["g"].id), world["f"].id, every_weeks=1, weekday=1,
                            time_of_day="18:30", minutes=90, timezone="UTC", first_date=date.today())
    assert "Add to my calendar" in page(world)


def test_an_open_session_offers_join_now_when_the_way_in_exists(app, world, make_session):
    gs = make_session(world["g"], world["f"], "Week 2")
    with app.app_context(), db.transaction() as s:
        s.get(GroupSession, gs.id).status = "live"
    text = page(world)
    assert "Week 2" in text and "is open now" in text and "Join now" in text


def test_take_home_sheets_of_attended_sessions_only(app, world, join, make_session):
    gs, _p = attended_session(app, join, make_session, world)
    other, _q = attended_session(app, join, make_session, world, "Not hers")
    with app.app_context(), db.transaction() as s:  # Ben's seat, not Ana's
        from core.models import Participant
        s.get(Participant, _q.id).member_id = None
    purged, _r = attended_session(app, join, make_session, world, "Purged week")
    with app.app_context(), db.transaction() as s:
        s.get(GroupSession, purged.id).purged_at = utcnow()
    text = page(world)
    base = f"/me/{world['m'].public_id}/sessions"
    assert f"{base}/{gs.public_id}/take-home" in text and f"{base}/{gs.public_id}/take-home.pdf" in text
    assert other.public_id not in text and purged.public_id not in text
    sheet = world["client"].get(f"{base}/{gs.public_id}/take-home")
    assert sheet.status_code == 200 and COMMITMENT in sheet.data.decode()
    assert world["client"].get(f"{base}/{other.public_id}/take-home").status_code == 404
    assert world["client"].get(f"{base}/{purged.public_id}/take-home").status_code == 404
    assert app.test_client().get(f"{base}/{gs.public_id}/take-home").status_code == 403


def test_the_sheet_as_a_pdf(app, world, join, make_session):
    gs, _p = attended_session(app, join, make_session, world)
    r = world["client"].get(f"/me/{world['m'].public_id}/sessions/{gs.public_id}/take-home.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"


def test_a_live_session_is_not_a_take_home_sheet_yet(app, world, join, make_session):
    gs = make_session(world["g"], world["f"], "Week 2")
    seat(app, join, gs, world["m"])
    assert gs.public_id not in page(world)


def test_delete_my_data_is_offered_once_the_endpoint_exists(app, world):
    text = page(world)
    assert ("Delete my data" in text) == ("participant.member_erase" in app.view_functions)
    if "participant.member_erase" not in app.view_functions:
        return
    path = f"/me/{world['m'].public_id}"
    assert f'action="{path}/erase"' in text and 'name="confirm" value="yes"' in text
    world["client"].post(f"{path}/practice", json={"kind": "evening", "day": utcnow().date().isoformat(),
                                                   "client_key": "erase-key-1", "went_well": "a walk"})
    assert world["client"].post(f"{path}/erase", data={"confirm": "yes"}).status_code == 200
    with app.app_context():
        assert db.session.get(Member, world["m"].id) is None
        assert db.session.query(PracticeEntry).count() == 0
    assert world["client"].get(path).status_code == 403


def test_the_time_is_in_the_groups_own_time_zone(app, world, make_session):
    from datetime import UTC, date, datetime

    from core.member_models import GroupSchedule

    gs = make_session(world["g"], world["f"], "Winter week")
    with app.app_context(), db.transaction() as s:
        s.get(GroupSession, gs.id).starts_at = datetime(2027, 12, 7, 17, 30, tzinfo=UTC)
        s.add(GroupSchedule(group_id=world["g"].id, weekday=1, time_of_day="18:30", timezone="Europe/Berlin",
                            first_date=date(2027, 1, 5)))
    assert "Tuesday 7 December 2027 at 18:30 (Europe/Berlin time)" in page(world)
