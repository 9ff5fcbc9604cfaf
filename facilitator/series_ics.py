"""Calendar files (iCalendar, RFC 5545) for a group's schedule, built with the icalendar library.

Two audiences, two contents:
- the facilitators' feed (a secret URL their calendar app polls): the group's sessions by title and the
  regular series by the group's name;
- a member's own download: the series only, as one recurring event called "Group session", with no group
  name, no link and no description, because a phone's calendar is seen by other people.
"""
from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from hashlib import sha256

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import or_, select

from core.extensions import db
from core.member_models import GroupSchedule
from core.models import Group, GroupSession, utcnow
from facilitator import series

PRODID = "-//Secure Base//Group schedule//EN"
MEMBER_TITLE = "Group session"
FEED_WEEKS_BACK = 8
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ICS_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
               "X-Content-Type-Options": "nosniff"}


def uid(kind: str, ident: int) -> str:
    """A stable UID that names nothing: the same event updates in place when the file is read again."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{kind}:{ident}".encode(), sha256).hexdigest()[:32] + "@secure-base"


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def _finish(cal: Calendar, schedule: GroupSchedule) -> bytes:
    """The VTIMEZONE for the series' zone (none for UTC), covering the series from its start to decades on."""
    cal.add_missing_timezones(first_date=schedule.first_date - timedelta(days=7),
                              last_date=date(utcnow().year + 30, 1, 1))
    return cal.to_ical()


def is_meeting_day(schedule: GroupSchedule, day: date) -> bool:
    first = series.anchor(schedule.first_date, schedule.weekday)
    return day >= first and (day - first).days % (7 * schedule.every_weeks) == 0


def series_event(schedule: GroupSchedule, summary: str, event_uid: str, skip: Iterable[date] = ()) -> Event:
    """The regular meeting as one recurring event, in the group's own time zone (TZID), from its first date."""
    ev = Event()
    ev.add("uid", event_uid)
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", series.local_start(schedule, series.anchor(schedule.first_date, schedule.weekday)))
    ev.add("duration", timedelta(minutes=schedule.minutes))
    rule = {"freq": "weekly", "byday": BYDAY[schedule.weekday]}
    if schedule.every_weeks > 1:
        rule["interval"] = schedule.every_weeks
    ev.add("rrule", rule)
    ev.add("summary", summary)
    skip = sorted(skip)
    if skip:
        ev.add("exdate", [series.local_start(schedule, day) for day in skip])
    return ev


def member_calendar(schedule: GroupSchedule) -> bytes:
    """A member's download: the series, neutral title, nothing that names the group or its topic."""
    cal = _calendar()
    cal.add_component(series_event(schedule, MEMBER_TITLE, uid("member-series", schedule.group_id)))
    return _finish(cal, schedule)


def feed_sessions(group: Group, now: datetime | None = None) -> list[GroupSession]:
    """The sessions in the facilitators' feed: every planned one with a date, and any from the last 8 weeks."""
    since = (now or utcnow()) - timedelta(weeks=FEED_WEEKS_BACK)
    return list(db.session.execute(
        select(GroupSession).where(GroupSession.group_id == group.id, GroupSession.starts_at.is_not(None),
                                   or_(GroupSession.status == "planned", GroupSession.starts_at >= since))
        .order_by(GroupSession.starts_at, GroupSession.id)).scalars())


def _session_event(gs: GroupSession, minutes: int) -> Event:
    ev = Event()
    ev.add("uid", uid("session", gs.id))
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", gs.starts_at)
    ev.add("duration", timedelta(minutes=minutes))
    ev.add("summary", gs.title)
    return ev


def facilitator_feed(schedule: GroupSchedule, group: Group) -> bytes:
    """The facilitators' feed: each session as its own event, and the series (while the schedule is on) with
    the dates that already have a session left out, so no meeting shows twice."""
    cal = _calendar()
    cal.add("x-wr-calname", f"{group.name} (Secure Base)")
    sessions = feed_sessions(group)
    for gs in sessions:
        cal.add_component(_session_event(gs, schedule.minutes))
    if schedule.active:
        days = {series.local_day(schedule, gs.starts_at) for gs in sessions}
        skip = [day for day in days if is_meeting_day(schedule, day)]
        cal.add_component(series_event(schedule, f"{group.name} (regular meeting)", uid("series", group.id), skip))
    return _finish(cal, schedule)
