"""A group's regular schedule (every week or fortnight, a weekday, a local time) and the next session it
creates ahead of time. Rules only: the pages are in schedule_routes.py, the calendar files in series_ics.py.

Times are kept as the facilitator says them ("18:30 in Europe/London") and turned into UTC per date, so a
session stays at 18:30 local across a daylight-saving change. A local time that does not exist on a date
(the hour the clocks skip) is read with the offset from before the change, as calendar apps do (RFC 5545).
"""
from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import func, select

from core import audit
from core.activity_models import PlanItem
from core.extensions import db
from core.member_models import GroupSchedule
from core.models import Group, GroupSession, utcnow
from core.security import new_join_code, new_token, token_hash
from facilitator import plans

EVERY = {1: "Every week", 2: "Every fortnight"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_MIN, MINUTES_MAX = 15, 480
TIME_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
TITLE_MAX = 120
MAX_FEED_SECRET = 100


class ScheduleError(ValueError):
    """A schedule the rules refuse; `field` names the form field, the message is shown as is."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@cache
def timezone_choices() -> tuple[str, ...]:
    """Region/City names a facilitator can choose (legacy aliases such as "US/Eastern" left out), and UTC."""
    regions = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/",
               "Pacific/")
    return ("UTC", *sorted(z for z in available_timezones() if z.startswith(regions)))


def _parse_date(raw: object) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and len(raw.strip()) == 10:
        with suppress(ValueError):  # answered below, with the field named
            return date.fromisoformat(raw.strip())
    raise ScheduleError("first_date", "Please give the first date as a date, for example 2026-12-09.")


def anchor(first_date: date, weekday: int) -> date:
    """The series' first meeting: the first `weekday` on or after `first_date` (fortnights count from it)."""
    return first_date + timedelta(days=(weekday - first_date.weekday()) % 7)


def validate(*, every_weeks: object, weekday: object, time_of_day: object, minutes: object, timezone: object,
             first_date: date | str) -> dict:
    """The schedule's fields, checked; raises ScheduleError naming the first field that is wrong."""
    if every_weeks not in EVERY or isinstance(every_weeks, bool):
        raise ScheduleError("every_weeks", "Please choose every week or every fortnight.")
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise ScheduleError("weekday", "Please choose the day of the week the group meets.")
    if not isinstance(time_of_day, str) or TIME_RE.fullmatch(time_of_day.strip()) is None:
        raise ScheduleError("time_of_day", "Please give the start time as hours and minutes, for example 18:30.")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise ScheduleError("minutes", f"Please give a length between {MINUTES_MIN} and {MINUTES_MAX} minutes.")
    if not isinstance(timezone, str) or timezone not in timezone_choices():
        raise ScheduleError("timezone", "Please choose the time zone the group meets in, for example Europe/London.")
    first = _parse_date(first_date)
    if not date(2000, 1, 1) <= first <= date(2100, 1, 1):
        raise ScheduleError("first_date", "Please give a first date between the years 2000 and 2100.")
    return {"every_weeks": every_weeks, "weekday": weekday, "time_of_day": time_of_day.strip(), "minutes": minutes,
            "timezone": timezone, "first_date": anchor(first, weekday)}


def schedule_of(group: Group) -> GroupSchedule | None:
    return db.session.get(GroupSchedule, group.id)


def set_schedule(group: Group, actor_id: int, **fields) -> GroupSchedule:
    """Save (and switch on) the group's schedule, then make sure its next session exists.
    Invalid fields raise ScheduleError and nothing is saved."""
    values = validate(**fields)
    now = utcnow()
    with db.transaction() as s:
        sched = s.get(GroupSchedule, group.id) or GroupSchedule(group_id=group.id)
        before = GroupSchedule(**{name: getattr(sched, name) for name in values}) if sched.active else None
        for name, value in values.items():
            setattr(sched, name, value)
        sched.active = True
        s.add(sched)
        if before is not None and before.first_date is not None:
            _retime(s, group, before, sched, now)
        audit.record("schedule_set", actor="facilitator", actor_id=actor_id, group_id=group.id, target="on")
    ensure_next(group)
    return db.session.get(GroupSchedule, group.id)


def _retime(s, group: Group, before: GroupSchedule, after: GroupSchedule, now: datetime) -> None:
    """A changed rhythm moves the upcoming session the old one made (never opened, title unchanged) to the new
    rhythm's next free date, so a corrected time does not leave a meeting at the wrong hour. Its links stay."""
    old_starts = set(occurrences(before, now, 8))
    upcoming = s.execute(select(GroupSession).where(
        GroupSession.group_id == group.id, GroupSession.status == "planned", GroupSession.starts_at > now)
        .order_by(GroupSession.starts_at)).scalars().all()
    made = [gs for gs in upcoming if gs.starts_at in old_starts
            and gs.title == session_title(group, local_day(before, gs.starts_at))]
    if not made:
        return
    taken = {local_day(after, gs.starts_at) for gs in upcoming if gs not in made}
    free = [when for when in occurrences(after, now, 8) if local_day(after, when) not in taken]
    if free:
        made[0].starts_at, made[0].title = free[0], session_title(group, local_day(after, free[0]))


def clear_schedule(group: Group, actor_id: int) -> None:
    """Stop the regular schedule. Sessions already created stay; the facilitators' feed link keeps working."""
    with db.transaction() as s:
        sched = s.get(GroupSchedule, group.id)
        if sched is None or not sched.active:
            return
        sched.active = False
        audit.record("schedule_set", actor="facilitator", actor_id=actor_id, group_id=group.id, target="off")


def zone(schedule: GroupSchedule) -> ZoneInfo:
    return ZoneInfo(schedule.timezone)


def local_start(schedule: GroupSchedule, day: date) -> datetime:
    """The meeting's start on `day` in the group's own time zone."""
    hours, mins = (int(part) for part in schedule.time_of_day.split(":"))
    return datetime.combine(day, time(hours, mins), tzinfo=zone(schedule))


def occurrences(schedule: GroupSchedule, after: datetime, count: int) -> list[datetime]:
    """The next `count` meeting starts strictly after `after`, in UTC (daylight saving per date)."""
    after = after if after.tzinfo is not None else after.replace(tzinfo=UTC)
    step = 7 * schedule.every_weeks
    first = anchor(schedule.first_date, schedule.weekday)
    # Start one period before the period that holds `after`'s local date: nothing is skipped, whatever the offset.
    k = max(0, (after.astimezone(zone(schedule)).date() - first).days // step - 1)
    found: list[datetime] = []
    while len(found) < count:
        start = local_start(schedule, first + timedelta(days=k * step)).astimezone(UTC)
        if start > after:
            found.append(start)
        k += 1
    return found


def local_day(schedule: GroupSchedule, moment: datetime) -> date:
    return moment.astimezone(zone(schedule)).date()


def _taken_days(s, schedule: GroupSchedule, since: datetime) -> set[date]:
    """Local dates that already have a session of this group (any status): a meeting the facilitator made by
    hand, or one that was opened and ended early, counts as that date's meeting."""
    starts = s.execute(select(GroupSession.starts_at).where(
        GroupSession.group_id == schedule.group_id, GroupSession.starts_at >= since - timedelta(days=1))).scalars()
    return {local_day(schedule, when) for when in starts if when is not None}


def _latest(s, group_id: int, *, with_plan: bool) -> GroupSession | None:
    query = select(GroupSession).where(GroupSession.group_id == group_id)
    if with_plan:
        query = query.where(select(PlanItem.id).where(PlanItem.session_id == GroupSession.id).exists())
    newest = (func.coalesce(GroupSession.starts_at, GroupSession.created_at).desc(), GroupSession.id.desc())
    return s.execute(query.order_by(*newest).limit(1)).scalar_one_or_none()


def _unique_code(s) -> str:
    while True:
        code = new_join_code()
        if s.execute(select(GroupSession.id).where(GroupSession.join_code == code)).first() is None:
            return code


def session_title(group: Group, day: date) -> str:
    suffix = f" · {day.day} {day:%b}"
    return group.name[:TITLE_MAX - len(suffix)] + suffix


def ensure_next(group: Group, now: datetime | None = None) -> GroupSession | None:
    """With an active schedule and no planned session still to come, create the next meeting (the plan, video
    link and admission setting of the group's latest session copied). Returns the new session, or None.

    Safe to call any number of times, from any process: the check and the insert are one write unit holding
    the schedule row, and a date that already has a session is never given a second one."""
    now = now or utcnow()
    with db.transaction() as s:
        sched = s.execute(select(GroupSchedule).where(GroupSchedule.group_id == group.id)
                          .with_for_update()).scalar_one_or_none()
        if sched is None or not sched.active:
            return None
        ahead = select(GroupSession.id).where(GroupSession.group_id == group.id, GroupSession.status == "planned",
                                              GroupSession.starts_at > now)
        if s.execute(ahead.limit(1)).first() is not None:
            return None
        taken = _taken_days(s, sched, now)
        free = [when for when in occurrences(sched, now, 8) if local_day(sched, when) not in taken]
        if not free:
            return None
        previous, source = _latest(s, group.id, with_plan=False), _latest(s, group.id, with_plan=True)
        gs = GroupSession(group_id=group.id, public_id=new_token(12), title=session_title(group, local_day(sched, free[0])),
                          starts_at=free[0], video_url=previous.video_url if previous else "",
                          join_token=new_token(24), join_code=_unique_code(s), display_token=new_token(24),
                          auto_admit=previous.auto_admit if previous else False)
        s.add(gs)
        s.flush()
        audit.record("session_create", session=gs, actor="system")
        source_id = source.id if source is not None else None
    if source_id is not None:
        plans.copy_from(gs, db.session.get(GroupSession, source_id))
    return db.session.get(GroupSession, gs.id)


# ---- the facilitators' calendar feed link ----------------------------------------------------------


def new_feed(group: Group, actor_id: int) -> str:
    """A new secret for the facilitators' calendar feed; returns it (shown once). The old link stops at once."""
    secret = new_token(32)
    with db.transaction() as s:
        sched = s.get(GroupSchedule, group.id)
        if sched is None:
            raise ScheduleError("feed", "Please save the group's schedule first; the feed link belongs to it.")
        sched.feed_hash = token_hash(secret)
        audit.record("calendar_feed_new", actor="facilitator", actor_id=actor_id, group_id=group.id)
    return secret


def by_feed(secret: str) -> GroupSchedule | None:
    if not secret or len(secret) > MAX_FEED_SECRET:
        return None
    return db.session.execute(select(GroupSchedule).where(GroupSchedule.feed_hash == token_hash(secret))
                              ).scalar_one_or_none()
