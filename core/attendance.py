"""Attendance: one row per member and session, kept on the long record clock.

Recorded automatically: `arrived` when a member is admitted (the first time sets `joined_at`),
`departed` when they leave or are removed (sets `left_at`), `finalise` when the session ends (members
who never came are absent; the rest are present, late or left early by their times). A facilitator's
correction (`edited_by`, see `correct`) is never overwritten by the automatic rules; `cancel` marks a
session that did not happen. All times are UTC, as everywhere else in the app.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from core import audit
from core.extensions import db
from core.member_models import ATTENDANCE_STATUSES, Attendance, Member
from core.models import GroupSession, Participant, utcnow

LATE_AFTER = timedelta(minutes=10)  # arriving this long after the start is late
EARLY_BEFORE = timedelta(minutes=10)  # leaving this long before the end is leaving early
# The planned start counts only if the session began near it: a session run at another hour than
# planned (or a start typed in another time zone) measures lateness from its first admission instead.
START_SLACK = timedelta(hours=1)
ATTENDED = ("present", "late", "left_early")
TIMED = ATTENDED  # the statuses that keep arrival and leaving times


class AttendanceError(ValueError):
    """A correction or cancellation that cannot be made: `str()` is for the facilitator, `reason` for the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _row(s, gs: GroupSession, member_id: int) -> Attendance:
    row = s.execute(select(Attendance).where(Attendance.session_id == gs.id,
                                             Attendance.member_id == member_id)).scalar_one_or_none()
    if row is None:
        row = Attendance(session_id=gs.id, member_id=member_id, status="present")
        s.add(row)
    return row


def arrived(gs: GroupSession, p: Participant) -> None:
    """A member was admitted, or a guest who was admitted became a member (possibly after they left, or
    after the session ended: then the row gets their leaving time and its final status at once)."""
    if p.member_id is None:
        return
    with db.transaction() as s:
        row = _row(s, gs, p.member_id)
        if row.edited_by is not None:  # a facilitator's correction stands, times and all
            return
        if row.joined_at is None:
            row.joined_at = p.admitted_at or utcnow()
        gone = p.status in ("removed", "left")
        row.left_at = (p.removed_at or gs.ended_at or utcnow()) if gone else None
        row.status = "present"
    if gs.status == "ended":
        finalise(gs)


def departed(gs: GroupSession, p: Participant) -> None:
    if p.member_id is None:
        return
    with db.transaction() as s:
        row = s.execute(select(Attendance).where(Attendance.session_id == gs.id,
                                                 Attendance.member_id == p.member_id)).scalar_one_or_none()
        if row is not None and row.edited_by is None:
            row.left_at = utcnow()


def session_day(gs: GroupSession) -> date:
    """The day a session is on: its planned start, else the day it ended, else today (it is live now)."""
    return (gs.starts_at or gs.ended_at or utcnow()).date()


def _start_of(s, gs: GroupSession):
    """When the session began: the planned start if the first admission came near it, else the first
    admission of anyone (guests and people in the room count too), else None (nobody came)."""
    first = s.execute(select(func.min(Participant.admitted_at)).where(Participant.session_id == gs.id)).scalar()
    joined = s.execute(select(func.min(Attendance.joined_at)).where(Attendance.session_id == gs.id)).scalar()
    firsts = [t for t in (first, joined) if t is not None]
    first = min(firsts) if firsts else None
    if gs.starts_at is not None and (first is None or abs(first - gs.starts_at) <= START_SLACK):
        return gs.starts_at
    return first


def _status_by_times(r: Attendance, start, ended) -> str:
    """Present, late or left early. Both late and early: the longer part they missed names it."""
    late_by = r.joined_at - start if start is not None else timedelta(0)
    early_by = ended - r.left_at if r.left_at is not None else timedelta(0)
    is_late, is_early = late_by > LATE_AFTER, early_by > EARLY_BEFORE
    if is_late and is_early:
        return "late" if late_by >= early_by else "left_early"
    return "late" if is_late else "left_early" if is_early else "present"


def _expected(gs: GroupSession, m_started: date | None) -> bool:
    return m_started is None or m_started <= session_day(gs)


def finalise(gs: GroupSession) -> None:
    """At the end of a session: every active member who had started by then has a row, with a status
    the times support. Safe to run again (corrections and cancellations stay as they are)."""
    ended = gs.ended_at or utcnow()
    with db.transaction() as s:
        rows = list(s.execute(select(Attendance).where(Attendance.session_id == gs.id)).scalars())
        have = {r.member_id for r in rows}
        members = s.execute(select(Member.id, Member.started_on)
                            .where(Member.group_id == gs.group_id, Member.status == "active")).all()
        for member_id, started_on in members:
            if member_id not in have and _expected(gs, started_on):
                s.add(Attendance(session_id=gs.id, member_id=member_id, status="absent"))
        start = _start_of(s, gs)
        for r in rows:
            if r.edited_by is None and r.joined_at is not None:
                r.status = _status_by_times(r, start, ended)


def _check_times(gs: GroupSession, status: str, joined_at: datetime | None, left_at: datetime | None) -> None:
    day = session_day(gs)
    for label, t in (("arrival", joined_at), ("leaving", left_at)):
        if t is None:
            continue
        if t.tzinfo is None:
            raise AttendanceError(f"The {label} time needs a time zone.", "naive_time")
        if t.date() != day:
            raise AttendanceError(f"The {label} time must be on the session's day ({day:%d %b %Y}).", "other_day")
    if joined_at is not None and left_at is not None and left_at <= joined_at:
        raise AttendanceError("The leaving time must be after the arrival time.", "left_before_joined")
    if status not in TIMED and (joined_at is not None or left_at is not None):
        raise AttendanceError("Arrival and leaving times go only with present, late or left early.",
                              "times_without_visit")


def correct(gs: GroupSession, member: Member, status: str, joined_at: datetime | None = None,
            left_at: datetime | None = None, *, facilitator_id: int) -> Attendance:
    """A facilitator sets one member's attendance at one session; the automatic rules keep it from now on."""
    if status not in ATTENDANCE_STATUSES:
        raise AttendanceError("Please choose one of the statuses in the list.", "unknown_status")
    if member.group_id != gs.group_id:
        raise AttendanceError("This member is not on this group's roster.", "other_group")
    if gs.status == "planned":
        raise AttendanceError("This session has not started yet.", "planned")
    _check_times(gs, status, joined_at, left_at)
    with db.transaction() as s:
        row = _row(s, gs, member.id)
        row.status, row.joined_at, row.left_at = status, joined_at, left_at
        row.edited_by, row.edited_at = facilitator_id, utcnow()
        audit.record("attendance_edit", actor="facilitator", actor_id=facilitator_id, session=gs,
                     target=f"member:{member.id}")
    return row


def happened(gs: GroupSession) -> bool:
    """Did anyone take part: was anyone ever admitted, or does a member's row show them there?"""
    admitted = db.session.execute(select(Participant.id).where(Participant.session_id == gs.id,
                                                               Participant.admitted_at.is_not(None))).first()
    came = db.session.execute(select(Attendance.id).where(Attendance.session_id == gs.id,
                                                          Attendance.joined_at.is_not(None))).first()
    return admitted is not None or came is not None or gs.purged_at is not None


def is_cancelled(statuses: list[str]) -> bool:
    return bool(statuses) and all(st == "cancelled" for st in statuses)


def can_cancel(gs: GroupSession) -> bool:
    if gs.status == "ended":
        rows = db.session.execute(select(Attendance.status).where(Attendance.session_id == gs.id)).scalars()
        if is_cancelled(list(rows)):
            return False
    return not happened(gs)


def cancel(gs: GroupSession, facilitator_id: int) -> None:
    """A session that did not happen (planned, or opened or ended with nobody ever admitted) ends as
    cancelled: every active member's row (and any row already there) reads "cancelled"."""
    if not can_cancel(gs):
        raise AttendanceError("People took part in this session, so it cannot be cancelled. You can correct "
                              "each person's attendance instead.", "happened")
    from core import live

    was_live = gs.status == "live"
    if was_live and live.load_state(gs.id)[0]["phase"] != "ended":
        live.execute(gs, {"type": "set_phase", "to": "ended", "actor": {"role": "facilitator", "id": None}})
    now = utcnow()
    with db.transaction() as s:
        gs = s.merge(gs)
        if gs.status != "ended":
            gs.status, gs.ended_at = "ended", now
        members = s.execute(select(Member.id).where(Member.group_id == gs.group_id, Member.status == "active"))
        for member_id in {*members.scalars(), *s.execute(select(Attendance.member_id)
                                                         .where(Attendance.session_id == gs.id)).scalars()}:
            row = _row(s, gs, member_id)
            row.status, row.joined_at, row.left_at = "cancelled", None, None
            row.edited_by, row.edited_at = facilitator_id, now
        audit.record("session_cancel", actor="facilitator", actor_id=facilitator_id, session=gs)
    if was_live:
        from core.extensions import socketio

        socketio.emit("status", {"status": "ended"}, to=live.rooms(gs.id)["participants"])
