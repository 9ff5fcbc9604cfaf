"""Attendance: one row per member and session, kept on the long record clock.

Recorded automatically: `arrived` when a member is admitted (the first time sets `joined_at`),
`departed` when they leave or are removed (sets `left_at`), `finalise` when the session ends (members
who never came are absent; the rest are present, late or left early by their times). A facilitator's
correction (`edited_by`) is never overwritten by the automatic rules.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.member_models import Attendance, Member
from core.models import GroupSession, Participant, utcnow

LATE_AFTER = timedelta(minutes=10)  # arriving this long after the start (or the first admission) is late
EARLY_BEFORE = timedelta(minutes=10)  # leaving this long before the end is leaving early


def _row(s, gs: GroupSession, member_id: int) -> Attendance:
    row = s.execute(select(Attendance).where(Attendance.session_id == gs.id,
                                             Attendance.member_id == member_id)).scalar_one_or_none()
    if row is None:
        row = Attendance(session_id=gs.id, member_id=member_id, status="present")
        s.add(row)
    return row


def arrived(gs: GroupSession, p: Participant) -> None:
    if p.member_id is None:
        return
    with db.transaction() as s:
        row = _row(s, gs, p.member_id)
        if row.joined_at is None:
            row.joined_at = p.admitted_at or utcnow()
        row.left_at = None
        if row.edited_by is None:
            row.status = "present"


def departed(gs: GroupSession, p: Participant) -> None:
    if p.member_id is None:
        return
    with db.transaction() as s:
        row = s.execute(select(Attendance).where(Attendance.session_id == gs.id,
                                                 Attendance.member_id == p.member_id)).scalar_one_or_none()
        if row is not None:
            row.left_at = utcnow()


def _start_of(gs: GroupSession, rows: list[Attendance]):
    if gs.starts_at is not None:
        return gs.starts_at
    joined = [r.joined_at for r in rows if r.joined_at is not None]
    return min(joined) if joined else None


def finalise(gs: GroupSession) -> None:
    """At the end of a session: every active member has a row, with a status the times support."""
    ended = gs.ended_at or utcnow()
    with db.transaction() as s:
        rows = list(s.execute(select(Attendance).where(Attendance.session_id == gs.id)).scalars())
        have = {r.member_id for r in rows}
        members = s.execute(select(Member.id).where(Member.group_id == gs.group_id, Member.status == "active")).scalars()
        for member_id in members:
            if member_id not in have:
                s.add(Attendance(session_id=gs.id, member_id=member_id, status="absent"))
        start = _start_of(gs, rows)
        for r in rows:
            if r.edited_by is not None or r.joined_at is None:
                continue
            if r.left_at is not None and r.left_at < ended - EARLY_BEFORE:
                r.status = "left_early"
            elif start is not None and r.joined_at > start + LATE_AFTER:
                r.status = "late"
            else:
                r.status = "present"
