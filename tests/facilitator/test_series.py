"""A group's regular schedule: dates across daylight saving and fortnights, the next session made ahead
(once, with the last plan), and the schedule page's access and validation."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.member_models import GroupSchedule
from core.models import AuditEvent, Facilitator, Group, GroupMember, GroupSession
from facilitator import plans, series
from facilitator import sessions as ops

GOOD = {"every_weeks": "1", "weekday": "1", "time_of_day": "18:30", "minutes": "90",
        "timezone": "Europe/London", "first_date": "2026-10-01"}


def rhythm(**fields) -> GroupSchedule:
    values = {"every_weeks": 1, "weekday": 1, "time_of_day": "18:30", "minutes": 90, "timezone": "Europe/London",
              "first_date": date(2026, 10, 1), **fields}
    return GroupSchedule(group_id=1, active=True, **values)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# ---- dates ---------------------------------------------------------------------------------------


def test_weekly_dates_keep_the_local_time_across_the_autumn_clock_change():
    # UK clocks go back on Sunday 25 October 2026: 18:30 is 17:30 UTC before, 18:30 UTC after.
    got = series.occurrences(rhythm(), utc(2026, 10, 14), 3)
    assert got == [utc(2026, 10, 20, 17, 30), utc(2026, 10, 27, 18, 30), utc(2026, 11, 3, 18, 30)]


def test_spring_change_and_a_time_the_clocks_skip():
    # New York: clocks go forward at 02:00 on Sunday 8 March 2026; 02:30 that day does not exist and is read
    # with the offset from before the change (07:30 UTC, 03:30 on the new clock), as calendar apps do.
    sched = rhythm(weekday=6, time_of_day="02:30", timezone="America/New_York", first_date=date(2026, 3, 1))
    got = series.occurrences(sched, utc(2026, 2, 28), 3)
    assert got == [utc(2026, 3, 1, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 15, 6, 30)]


def test_fortnightly_counts_from_the_first_date_even_far_ahead():
    sched = rhythm(every_weeks=2, weekday=2, time_of_day="10:00", timezone="UTC", first_date=date(2026, 12, 1))
    assert series.occurrences(sched, utc(2026, 11, 1), 3) == [utc(2026, 12, 2, 10), utc(2026, 12, 16, 10),
                                                             utc(2026, 12, 30, 10)]
    later = series.occurrences(sched, utc(2027, 6, 1), 2)
    assert all(d.weekday() == 2 and (d.date() - date(2026, 12, 2)).days % 14 == 0 for d in later)
    assert later[0] - utc(2027, 6, 1) < timedelta(days=14)


def test_dates_are_strictly_after_and_naive_means_utc():
    sched = rhythm(timezone="UTC", time_of_day="09:00", first_date=date(2026, 12, 1))
    assert series.occurrences(sched, utc(2026, 12, 1, 9), 1) == [utc(2026, 12, 8, 9)]
    assert series.occurrences(sched, datetime(2026, 12, 1, 8, 59), 1) == [utc(2026, 12, 1, 9)]


@pytest.mark.parametrize("field,value", [
    ("every_weeks", 3), ("weekday", 7), ("weekday", None), ("time_of_day", "25:00"), ("time_of_day", "6pm"),
    ("minutes", 10), ("minutes", 481), ("minutes", None), ("timezone", "Mars/Olympus"), ("timezone", "US/Eastern"),
    ("first_date", "next week"), ("first_date", "1900-01-01"),
])
def test_each_wrong_field_is_named_with_a_message(field, value):
    fields = {"every_weeks": 1, "weekday": 1, "time_of_day": "18:30", "minutes": 90, "timezone": "UTC",
              "first_date": "2026-12-01", field: value}
    with pytest.raises(series.ScheduleError) as caught:
        series.validate(**fields)
    assert caught.value.field == field and str(caught.value).startswith("Please")


def test_first_date_moves_to_the_chosen_weekday():
    values = series.validate(every_weeks=2, weekday=4, time_of_day="18:00", minutes=60, timezone="UTC",
                             first_date="2026-12-01")
    assert values["first_date"] == date(2026, 12, 4)


# ---- the next session, made ahead ----------------------------------------------------------------


@pytest.fixture
def world(app, make_facilitator, make_group, make_session):
    f = make_facilitator()
    g = make_group(f)
    gs = make_session(g, f, "Week 1")
    with app.app_context():
        plans.add(gs, "check-in")
        plans.add(gs, "grounding-5-4-3-2-1")
    return {"f": f, "g": g, "gs": gs}


def planned(group_id: int) -> list[GroupSession]:
    return list(db.session.execute(select(GroupSession).where(
        GroupSession.group_id == group_id, GroupSession.starts_at.is_not(None)).order_by(GroupSession.starts_at)
    ).scalars())


def save(group_id: int, actor_id: int, **fields) -> GroupSchedule:
    values = {"every_weeks": 1, "weekday": 1, "time_of_day": "18:30", "minutes": 90, "timezone": "Europe/London",
              "first_date": "2026-10-01", **fields}
    return series.set_schedule(db.session.get(Group, group_id), actor_id, **values)


def test_saving_a_schedule_makes_the_next_session_once_with_the_last_plan(app, world):
    with app.app_context():
        sched = save(world["g"].id, world["f"].id)
        made = planned(world["g"].id)
        assert len(made) == 1
        gs = made[0]
        expected = series.occurrences(sched, gs.created_at, 1)[0]
        local = expected.astimezone(series.zone(sched))
        assert gs.starts_at == expected and gs.status == "planned"
        assert gs.title == f"Tuesday group · {local.day} {local:%b}"
        assert [(i.slug, i.minutes) for i in plans.plan_items(gs)] == [("check-in", 15), ("grounding-5-4-3-2-1", 6)]
        for _ in range(3):
            assert series.ensure_next(db.session.get(Group, world["g"].id)) is None
        assert len(planned(world["g"].id)) == 1
        actions = db.session.execute(select(AuditEvent.action, AuditEvent.actor)
                                     .where(AuditEvent.group_id == world["g"].id)).all()
        assert ("schedule_set", f"facilitator:{world['f'].id}") in actions and ("session_create", "system") in actions


def test_ending_a_session_makes_the_one_after(app, world):
    with app.app_context():
        save(world["g"].id, world["f"].id)
        first = planned(world["g"].id)[0]
        ops.end(db.session.get(GroupSession, first.id), db.session.get(Facilitator, world["f"].id))
        after = planned(world["g"].id)
        assert [s.status for s in after] == ["ended", "planned"]
        assert after[1].starts_at > first.starts_at
        assert [i.slug for i in plans.plan_items(after[1])] == ["check-in", "grounding-5-4-3-2-1"]


def test_a_date_that_already_had_its_session_gets_no_second_one(app, world):
    """A meeting opened and ended before its start time still counts as that date's meeting."""
    with app.app_context():
        sched = save(world["g"].id, world["f"].id)
        gs = planned(world["g"].id)[0]
        with db.transaction() as s:
            s.merge(gs).status = "ended"
        group = db.session.get(Group, world["g"].id)
        made = series.ensure_next(group, now=gs.starts_at - timedelta(hours=1))
        assert made is not None and made.starts_at == series.occurrences(sched, gs.starts_at, 1)[0]
        assert series.ensure_next(group, now=gs.starts_at - timedelta(hours=1)) is None
        starts = [s.starts_at for s in planned(world["g"].id)]
        assert len(starts) == len(set(starts)) == 2


def test_no_schedule_or_a_stopped_one_makes_nothing(app, world):
    with app.app_context():
        assert series.ensure_next(db.session.get(Group, world["g"].id)) is None
        save(world["g"].id, world["f"].id)
        series.clear_schedule(db.session.get(Group, world["g"].id), world["f"].id)
        with db.transaction() as s:
            for gs in planned(world["g"].id):
                s.delete(s.merge(gs))
        assert series.ensure_next(db.session.get(Group, world["g"].id)) is None
        assert planned(world["g"].id) == []


def test_a_corrected_time_moves_the_session_it_made(app, world):
    with app.app_context():
        save(world["g"].id, world["f"].id, time_of_day="18:00")
        before = planned(world["g"].id)[0]
        sched = save(world["g"].id, world["f"].id, time_of_day="19:15")
        after = planned(world["g"].id)
        assert len(after) == 1 and after[0].id == before.id and after[0].join_token == before.join_token
        assert after[0].starts_at.astimezone(series.zone(sched)).strftime("%H:%M") == "19:15"


# ---- the page ------------------------------------------------------------------------------------


def test_page_shows_the_form_then_six_dates_after_saving(app, world):
    c = world["f"].client
    page = c.get(f"/groups/{world['g'].id}/schedule").data.decode()
    assert "When the group meets" in page and "No regular dates yet" in page
    r = c.post(f"/groups/{world['g'].id}/schedule", data=GOOD)
    assert r.status_code == 302
    page = c.get(r.location).data.decode()
    assert "Schedule saved" in page and page.count("<time datetime=") == 6
    assert "meets every Tuesday at 18:30 (Europe/London) for 90 minutes" in page
    assert "Schedule and calendar" in c.get(f"/groups/{world['g'].id}").data.decode()


@pytest.mark.parametrize("who,allowed", [("owner", True), ("co_facilitator", True), ("other_facilitator", False),
                                         ("anonymous", False)])
def test_who_may_set_the_schedule(app, world, make_facilitator, make_group, who, allowed):
    if who == "owner":
        c = world["f"].client
    elif who == "co_facilitator":
        co = make_facilitator()
        with app.app_context():
            db.session.add(GroupMember(group_id=world["g"].id, facilitator_id=co.id, role="co"))
            db.session.commit()
        c = co.client
    elif who == "other_facilitator":
        other = make_facilitator()
        make_group(other, "Their own group")
        c = other.client
    else:
        c = app.test_client()
    url = f"/groups/{world['g'].id}/schedule"
    got = c.get(url).status_code, c.post(url, data=GOOD).status_code, c.post(url + "/feed").status_code
    if allowed:
        assert got == (200, 302, 302)
    elif who == "anonymous":
        assert got == (302, 302, 302) and "/login" in c.post(url, data=GOOD).location
    else:
        assert got == (404, 404, 404)
    with app.app_context():
        sched = db.session.get(GroupSchedule, world["g"].id)
        assert (sched is not None) == allowed
        assert (sched is not None and sched.feed_hash is not None) == allowed


@pytest.mark.parametrize("field,value,message", [
    ("minutes", "5", "between 15 and 480 minutes"),
    ("minutes", "ninety", "between 15 and 480 minutes"),
    ("timezone", "Nowhere/Special", "choose the time zone"),
    ("time_of_day", "half six", "for example 18:30"),
    ("weekday", "9", "day of the week"),
    ("first_date", "soon", "for example 2026-12-09"),
])
def test_invalid_input_is_explained_and_saves_nothing(app, world, field, value, message):
    r = world["f"].client.post(f"/groups/{world['g'].id}/schedule", data={**GOOD, field: value})
    page = r.data.decode()
    assert r.status_code == 400 and message in page and 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.get(GroupSchedule, world["g"].id) is None
        assert planned(world["g"].id) == []
        assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "schedule_set")).first() is None


def test_stopping_the_schedule(app, world):
    c = world["f"].client
    c.post(f"/groups/{world['g'].id}/schedule", data=GOOD)
    r = c.post(f"/groups/{world['g'].id}/schedule/stop")
    assert r.status_code == 302
    page = c.get(r.location).data.decode()
    assert "The regular schedule is off" in page and "No regular dates yet" in page
    with app.app_context():
        assert db.session.get(GroupSchedule, world["g"].id).active is False
        targets = db.session.execute(select(AuditEvent.target).where(AuditEvent.action == "schedule_set")).scalars()
        assert list(targets) == ["on", "off"]
