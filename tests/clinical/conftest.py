"""Fixtures for the clinical record: weekly ended sessions and measure results inserted directly."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from activities import instruments
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Attendance
from core.models import Facilitator, GroupMember, GroupSession
from tests.members.conftest import make_member, opened  # noqa: F401  (the members fixtures, shared)

START = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)


@pytest.fixture
def weekly(app):
    """`weekly(group, owner, n)`: n ended sessions a week apart from START, oldest first."""
    from facilitator import sessions as ops

    def make(group, owner, n: int = 3, first: datetime = START):
        out = []
        with app.app_context():
            fac = db.session.get(Facilitator, owner.id)
            for week in range(n):
                starts = first + timedelta(days=7 * week)
                gs = ops.create_session(group, f"Week {week + 1}", starts, "", False, fac)
                with db.transaction() as s:
                    ended = s.merge(gs)
                    ended.status, ended.ended_at = "ended", starts + timedelta(minutes=90)
                out.append(db.session.get(GroupSession, gs.id))
        return out

    return make


@pytest.fixture
def result(app):
    """`result(gs, member_id, instrument, total)`: a MeasureResult as the measure kind would store it."""

    def add(gs, member_id: int, instrument: str, total: int, source: str = "phone", present: bool = True):
        inst = instruments.instrument(instrument)
        with app.app_context(), db.transaction() as s:
            s.add(MeasureResult(group_id=gs.group_id, session_id=gs.id, member_id=member_id, instrument=instrument,
                                items={}, total=total, band=instruments.band_of(inst, total), source=source))
            if present and s.query(Attendance).filter_by(session_id=gs.id, member_id=member_id).first() is None:
                s.add(Attendance(session_id=gs.id, member_id=member_id, status="present",
                                 joined_at=gs.starts_at, left_at=gs.starts_at + timedelta(minutes=90)))

    return add


@pytest.fixture
def add_role(app):
    """`add_role(group, person, role)`: a GroupMember row made directly (e.g. a supervisor)."""

    def add(group, person, role: str):
        with app.app_context(), db.transaction() as s:
            s.add(GroupMember(group_id=group.id, facilitator_id=person.id, role=role))

    return add
