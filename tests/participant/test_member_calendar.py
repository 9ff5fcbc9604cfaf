"""Calendar files: a member's own recurring event (neutral, for them only) and the facilitators' feed link
(a secret that can be replaced)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from core import members
from core.extensions import db
from core.member_models import GroupSchedule
from core.models import AuditEvent, Group, GroupSession
from facilitator import series
from participant.member_access import member_cookie

TOPIC = "Social anxiety circle"


def schedule(group_id: int, actor_id: int, **fields) -> None:
    values = {"every_weeks": 2, "weekday": 3, "time_of_day": "18:30", "minutes": 75, "timezone": "Europe/London",
              "first_date": "2026-10-01", **fields}
    series.set_schedule(db.session.get(Group, group_id), actor_id, **values)


@pytest.fixture
def world(app, make_facilitator, make_group):
    f = make_facilitator()
    g, other = make_group(f, TOPIC), make_group(f, "Grief group")
    with app.app_context():
        schedule(g.id, f.id)
        schedule(other.id, f.id, every_weeks=1, weekday=0)
        ana, ben = members.add(g, "Ana", f.id), members.add(other, "Ben", f.id)
        ana_secret, ben_secret = members.new_link(ana, f.id), members.new_link(ben, f.id)
    return {"f": f, "g": g, "other": other, "ana": ana, "ben": ben, "ana_secret": ana_secret,
            "ben_secret": ben_secret}


def browser(app, member, secret):
    c = app.test_client()
    c.set_cookie(member_cookie(member.public_id), secret)
    return c


def test_the_member_downloads_one_neutral_recurring_event(app, world):
    r = browser(app, world["ana"], world["ana_secret"]).get(f"/me/{world['ana'].public_id}/calendar.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    assert "attachment" in r.headers["Content-Disposition"] and r.headers["Cache-Control"] == "private, no-store"
    cal = Calendar.from_ical(r.data)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    ev = events[0]
    assert str(ev["summary"]) == "Group session"
    assert dict(ev["rrule"]) == {"FREQ": ["WEEKLY"], "INTERVAL": [2], "BYDAY": ["TH"]}
    start = ev.decoded("dtstart")
    assert ev["dtstart"].params["TZID"] == "Europe/London" and start.date() == date(2026, 10, 1)
    assert start.strftime("%H:%M") == "18:30" and ev.decoded("duration") == timedelta(minutes=75)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    for private in ("description", "url", "location", "attendee", "organizer"):
        assert private not in ev
    body = r.data.decode()
    assert TOPIC not in body and "Ana" not in body and "http" not in body.lower()


def test_the_event_keeps_its_uid_between_downloads(app, world):
    c = browser(app, world["ana"], world["ana_secret"])
    uids = {str(Calendar.from_ical(c.get(f"/me/{world['ana'].public_id}/calendar.ics").data).walk("VEVENT")[0]["uid"])
            for _ in range(2)}
    assert len(uids) == 1 and re.fullmatch(r"[0-9a-f]{32}@secure-base", uids.pop())


def test_a_utc_schedule_needs_no_time_zone_block(app, world):
    with app.app_context():
        schedule(world["g"].id, world["f"].id, timezone="UTC", every_weeks=1)
    r = browser(app, world["ana"], world["ana_secret"]).get(f"/me/{world['ana'].public_id}/calendar.ics")
    cal = Calendar.from_ical(r.data)
    assert cal.walk("VTIMEZONE") == [] and "DTSTART:20261001T183000Z" in r.data.decode()
    assert dict(cal.walk("VEVENT")[0]["rrule"]) == {"FREQ": ["WEEKLY"], "BYDAY": ["TH"]}


@pytest.mark.parametrize("who", ["no_cookie", "other_group_member", "wrong_secret", "revoked"])
def test_only_the_member_themself_gets_their_calendar(app, world, who):
    url = f"/me/{world['ana'].public_id}/calendar.ics"
    if who == "no_cookie":
        c = app.test_client()
    elif who == "other_group_member":
        c = browser(app, world["ben"], world["ben_secret"])
        c.set_cookie(member_cookie(world["ana"].public_id), world["ben_secret"])  # Ben's live secret, Ana's page
    elif who == "wrong_secret":
        c = browser(app, world["ana"], "x" * 43)
    else:
        c = browser(app, world["ana"], world["ana_secret"])
        with app.app_context():
            members.revoke_link(members.by_public_id(world["ana"].public_id), world["f"].id)
    r = c.get(url)
    assert r.status_code == 403 and b"VCALENDAR" not in r.data


def test_group_b_member_reads_only_group_b(app, world):
    r = browser(app, world["ben"], world["ben_secret"]).get(f"/me/{world['ben'].public_id}/calendar.ics")
    ev = Calendar.from_ical(r.data).walk("VEVENT")[0]
    assert dict(ev["rrule"]) == {"FREQ": ["WEEKLY"], "BYDAY": ["MO"]}
    assert browser(app, world["ben"], world["ben_secret"]).get(
        f"/me/{world['ana'].public_id}/calendar.ics").status_code == 403


def test_no_active_schedule_says_so(app, world):
    with app.app_context():
        series.clear_schedule(db.session.get(Group, world["g"].id), world["f"].id)
    r = browser(app, world["ana"], world["ana_secret"]).get(f"/me/{world['ana'].public_id}/calendar.ics")
    assert r.status_code == 404 and b"no regular meeting time yet" in r.data


# ---- the facilitators' feed ----------------------------------------------------------------------


def new_feed_link(c, group_id: int) -> str:
    r = c.post(f"/groups/{group_id}/schedule/feed")
    assert r.status_code == 302 and r.location.endswith("#feed")
    page = c.get(f"/groups/{group_id}/schedule").data.decode()
    found = re.search(r'value="(http[^"]+/calendar/[^"]+\.ics)"', page)
    assert found, "the feed link is shown once, after it is made"
    assert "/calendar/" not in c.get(f"/groups/{group_id}/schedule").data.decode()
    return urlsplit(found.group(1)).path


def test_the_feed_lists_sessions_and_the_series_without_doubles(app, world):
    c = world["f"].client
    path = new_feed_link(c, world["g"].id)
    r = app.test_client().get(path)
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = Calendar.from_ical(r.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    with app.app_context():
        gs = db.session.execute(select(GroupSession).where(GroupSession.group_id == world["g"].id)).scalar_one()
        starts_at, title = gs.starts_at, gs.title
    assert set(events) == {title, f"{TOPIC} (regular meeting)"}
    assert events[title].decoded("dtstart") == starts_at
    regular = events[f"{TOPIC} (regular meeting)"]
    skipped = [d.dt for d in regular["exdate"].dts]
    assert skipped == [starts_at] and "INTERVAL=2" in r.data.decode()
    assert len({str(e["uid"]) for e in cal.walk("VEVENT")}) == 2
    assert "Ana" not in r.data.decode()


def test_a_wrong_or_replaced_feed_link_opens_nothing(app, world):
    c = world["f"].client
    old = new_feed_link(c, world["g"].id)
    new = new_feed_link(c, world["g"].id)
    anyone = app.test_client()
    assert anyone.get(new).status_code == 200
    assert anyone.get(old).status_code == 404
    assert anyone.get("/calendar/not-a-real-secret.ics").status_code == 404
    assert anyone.get("/calendar/" + "a" * 300 + ".ics").status_code == 404
    with app.app_context():
        rows = db.session.execute(select(AuditEvent).where(AuditEvent.action == "calendar_feed_new")).scalars().all()
        assert len(rows) == 2 and all(r.group_id == world["g"].id for r in rows)
        assert db.session.get(GroupSchedule, world["g"].id).feed_hash not in (old, new)
