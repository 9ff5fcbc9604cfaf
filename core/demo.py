"""The demo group behind `flask --app wsgi demo`: a facilitator, a weekly group of eight members, six
past sessions with real engine states and attendance, practice-log entries, and next week's session
ready to run. The people and their words are in core/demo_content.yaml; the sessions are replayed by
core/demo_sessions.py, with the clinical record (questionnaire results, signed notes) by core/demo_record.py.

A demo group is known by its name and description together (no column of its own): any other group
is a real one, and the command refuses to run beside real groups unless told to (core/demo_cli.py).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import select

from activities import yaml_reader
from core import catalogue, demo_record, demo_sessions, members, privacy_notice, retention
from core.extensions import db
from core.member_models import GroupSchedule, Member, PracticeEntry
from core.models import Facilitator, Group, GroupSession, utcnow
from core.security import hash_password, new_token
from facilitator import series, sessions
from facilitator.accounts import create_account

CONTENT_PATH = Path(__file__).with_name("demo_content.yaml")
PAST_WEEKS = 6
PRACTICE_HOURS = {"morning": time(8, 0), "ladder": time(18, 0), "evening": time(21, 30)}  # local time of writing


@dataclass
class Demo:
    """What the command prints: where to sign in, the group and each member's standing link."""

    group_id: int
    email: str
    password: str
    account_reused: bool
    replaced: list[int]
    next_session: GroupSession | None
    links: list[tuple[str, str | None]] = field(default_factory=list)  # (name, secret); None: left the group
    record: str = ""  # the clinical record in a sentence (core.demo_record.summary)
    every_week: tuple[str, int] | None = None  # (name, member id) of a member who came to every past session


@cache
def content() -> dict:
    data, problems = yaml_reader.read(CONTENT_PATH.read_bytes())
    if problems:
        raise ValueError(f"{CONTENT_PATH}: " + "; ".join(f"{p.field}: {p.reason}" for p in problems))
    return data


def is_demo(group: Group) -> bool:
    spec = content()["group"]
    return group.name == spec["name"] and group.description == spec["description"]


def demo_groups() -> list[Group]:
    return [g for g in db.session.execute(select(Group).order_by(Group.id)).scalars() if is_demo(g)]


def real_groups() -> list[Group]:
    return [g for g in db.session.execute(select(Group).order_by(Group.id)).scalars() if not is_demo(g)]


def _facilitator(spec: dict) -> tuple[Facilitator, str, bool]:
    """The demo account with a fresh password (shown once): made, or reused with its old logins ended."""
    password = new_token(15)
    email = spec["facilitator_email"]
    found = db.session.execute(select(Facilitator).where(Facilitator.email == email)).scalar_one_or_none()
    if found is None:
        return create_account(spec["facilitator_name"], email, password), password, False
    with db.transaction() as s:
        f = s.merge(found)
        f.password_hash, f.auth_epoch = hash_password(password), f.auth_epoch + 1
    return db.session.get(Facilitator, found.id), password, True


def _schedule(group: Group, spec: dict, now: datetime) -> tuple[GroupSchedule, list[datetime]]:
    """The weekly schedule, anchored so the next meeting is the first one not over yet; returns it and
    the starts of the six past meetings and the next one (UTC)."""
    rules = {k: spec[k] for k in ("weekday", "time_of_day", "minutes", "timezone")}
    probe = GroupSchedule(group_id=group.id, **series.validate(
        every_weeks=1, first_date=now.date() - timedelta(days=14), **rules))
    upcoming = series.occurrences(probe, now - timedelta(minutes=spec["minutes"]), 1)[0]
    first = series.local_day(probe, upcoming) - timedelta(weeks=PAST_WEEKS)
    values = series.validate(every_weeks=1, first_date=first, **rules)
    with db.transaction() as s:
        s.add(GroupSchedule(group_id=group.id, **values, active=True))
    sched = db.session.get(GroupSchedule, group.id)
    starts = [series.local_start(sched, first + timedelta(weeks=k)).astimezone(UTC) for k in range(PAST_WEEKS + 1)]
    return sched, starts


def _practice(member: Member, entries: list[dict], today: date, now: datetime, zone) -> int:
    families = catalogue.library()
    with db.transaction() as s:
        for n, entry in enumerate(entries):
            kind, day = entry["kind"], today - timedelta(days=entry["ago"])
            if kind == "morning":
                family = families.emotion_family(entry["feeling"])
                data = {"feeling": {"word": entry["feeling"], "family": family.id if family else None},
                        "need": entry["need"]}
            elif kind == "evening":
                data = {k: entry[k] for k in ("went_well", "repair", "lesson")}
            else:
                data = {k: entry[k] for k in ("step", "expected", "actual", "feared", "happened", "body") if k in entry}
            written = datetime.combine(day, PRACTICE_HOURS[kind], tzinfo=zone).astimezone(UTC)
            s.add(PracticeEntry(member_id=member.id, kind=kind, day=day, data=data,
                                client_key=f"demo-{member.id}-{n:02d}", created_at=min(written, now)))
    return len(entries)


def _accepted(group: Group, member_ids: list[int]) -> None:
    """Members who came have accepted the agreements and read the privacy notice as they stand now, so
    next week's link is one tap for them, as it is for real members."""
    with db.transaction() as s:
        for m in s.query(Member).filter(Member.id.in_(member_ids)):
            m.agreements_version, m.privacy_version = group.agreements_version, privacy_notice.version(group)


def build(seed: int = 1, now: datetime | None = None) -> Demo:
    """Replace any earlier demo group with a fresh one. The caller has checked there are no real groups
    (or was told to go ahead beside them); real groups are never touched."""
    data, rng, now = content(), random.Random(seed), now or utcnow()
    spec = data["group"]
    facilitator, password, reused = _facilitator(spec)
    replaced = []
    for old in demo_groups():
        replaced.append(old.id)
        retention.erase_group(old, facilitator.id)
    group = sessions.create_group(facilitator, spec["name"], spec["description"], "", spec["retention_days"])
    sessions.update_group(group, members_straight_in=True)
    sched, starts = _schedule(group, data["schedule"], now)
    roster: dict[str, Member] = {}
    for week_index, (week, start) in enumerate(zip(data["weeks"], starts, strict=False)):
        came, measures, words, addenda = [], {}, {}, {}
        for position, person in enumerate(data["members"]):
            row = person["weeks"][week_index]
            if row != "none" and person["name"] not in roster:
                roster[person["name"]] = members.add(group, person["name"], facilitator.id, started_on=start.date())
            if isinstance(row, list):
                came.append((roster[person["name"]], row))
                measures[roster[person["name"]].id] = demo_record.week_answers(person, position, week_index)
                words[roster[person["name"]].id] = (person.get("notes", []) + [None] * PAST_WEEKS)[week_index]
            if person.get("addendum", {}).get("week") == week_index + 1:
                addenda[roster[person["name"]].id] = person["addendum"]["text"]
        gs = demo_sessions.replay_week(group, facilitator, week, start, came, rng, measures)
        for person in data["members"]:
            if person["weeks"][week_index] == "excused":
                demo_sessions.excuse(gs, roster[person["name"]], facilitator)
        demo_record.write_notes(gs.id, facilitator, week, words, addenda, sign=week_index < PAST_WEEKS - 1)
        for change in data["changes"]:
            if change["after_week"] == week_index + 1:
                members.set_status(roster[change["name"]], change["status"], facilitator.id, on=start.date())
    next_session = series.ensure_next(db.session.get(Group, group.id), now=starts[-1] - timedelta(seconds=1))
    today = now.astimezone(series.zone(sched)).date()
    for person in data["members"]:
        _practice(roster[person["name"]], person.get("practice", []), today, now, series.zone(sched))
    demo = Demo(group.id, spec["facilitator_email"], password, reused, replaced, next_session,
                record=demo_record.summary(group.id))
    steady = next((p["name"] for p in data["members"] if all(isinstance(w, list) for w in p["weeks"])), None)
    demo.every_week = (steady, roster[steady].id) if steady else None
    _accepted(db.session.get(Group, group.id), [m.id for m in roster.values()])
    for person in data["members"]:
        m = db.session.get(Member, roster[person["name"]].id)
        demo.links.append((m.display_name, members.new_link(m, facilitator.id) if m.status != "left" else None))
    return demo
