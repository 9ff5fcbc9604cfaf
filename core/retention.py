"""Keeping participants' data no longer than needed: the retention purge and erasure on demand.

Two clocks per group. The content clock (Group.retention_days): from an ended session past it, the
purge removes participants (names, credentials, connections), the live state document (answers,
signals, cards), archived activity runs, idempotency receipts and lines members shared; and members'
practice-log entries older than it. What stays: the session's title, date and plan, and the
attendance record. The record clock (Group.record_retention_years, 7 by default, as records law
asks): attendance, session notes and measure results of sessions that ended before it, and members who left before it with no attendance
left. Erasure on request (core/member_erasure.py) removes both for one member at once.
Erasure on demand removes the session (or the whole group) outright. The database's foreign-key
cascades do the fan-out, so nothing is left behind on SQLite or PostgreSQL. The audit events stay as
a tombstone (who did what and when; participants only as "a participant"), purged by age with the
rest of the audit log after SB_AUDIT_RETENTION_DAYS.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from core import audit, live
from core.activity_models import ActivityRun
from core.clinical_models import ClinicalNote, MeasureResult, NoteAddendum
from core.extensions import db, socketio
from core.member_models import Attendance, Member, PracticeEntry, ReviewShare
from core.models import (
    AuditEvent,
    CommandReceipt,
    Group,
    GroupSession,
    LiveState,
    OneTimeToken,
    Participant,
    RateHit,
    utcnow,
)
from core.roster_pace import ROSTER_PACE

log = logging.getLogger(__name__)


def _erase_session_data(s, session_id: int) -> None:
    """The content clock, for one session: what people said, wrote and shared. Attendance stays."""
    for model in (Participant, LiveState, ActivityRun, CommandReceipt, ReviewShare):
        s.execute(delete(model).where(model.session_id == session_id))


def _purge_groups(s, now: datetime) -> dict[str, int]:
    """Per group, both clocks: practice-log entries past the content clock; attendance rows, session notes
    (with their addenda, by cascade) and measure results of sessions that ended before the record clock;
    and members who left before it with no attendance left."""
    counts = {"practice_entries": 0, "attendance": 0, "members": 0, "notes": 0, "measure_results": 0}
    for group_id, days, years in s.execute(select(Group.id, Group.retention_days, Group.record_retention_years)).all():
        members = select(Member.id).where(Member.group_id == group_id)
        counts["practice_entries"] += s.execute(delete(PracticeEntry).where(
            PracticeEntry.member_id.in_(members), PracticeEntry.created_at < now - timedelta(days=days))).rowcount
        record_cutoff = now - timedelta(days=round(365.25 * years))
        old_sessions = select(GroupSession.id).where(GroupSession.group_id == group_id,
                                                     GroupSession.ended_at < record_cutoff)
        counts["attendance"] += s.execute(delete(Attendance).where(Attendance.session_id.in_(old_sessions))).rowcount
        old_notes = select(ClinicalNote.id).where(ClinicalNote.session_id.in_(old_sessions))
        s.execute(delete(NoteAddendum).where(NoteAddendum.note_id.in_(old_notes)))
        counts["notes"] += s.execute(delete(ClinicalNote).where(ClinicalNote.session_id.in_(old_sessions))).rowcount
        counts["measure_results"] += s.execute(delete(MeasureResult).where(
            MeasureResult.session_id.in_(old_sessions))).rowcount
        gone = s.execute(select(Member.id).where(
            Member.group_id == group_id, Member.status == "left", Member.ended_on < record_cutoff.date(),
            ~Member.id.in_(select(Attendance.member_id)))).scalars().all()
        if gone:
            counts["members"] += s.execute(delete(Member).where(Member.id.in_(gone))).rowcount
    return counts


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Purge every ended session past its group's retention period, and old audit and housekeeping rows."""
    now = now or utcnow()
    counts = {"sessions": 0, "audit_events": 0}
    with db.transaction() as s:
        rows = s.execute(
            select(GroupSession, Group.retention_days).join(Group)
            .where(GroupSession.status == "ended", GroupSession.purged_at.is_(None))
        ).all()
        for gs, days in rows:
            if gs.ended_at is not None and gs.ended_at <= now - timedelta(days=days):
                _erase_session_data(s, gs.id)
                _forget_pdfs(session_id=gs.id)
                gs.purged_at = now
                audit.record("purge", actor="system", session=gs)
                counts["sessions"] += 1
        counts.update(_purge_groups(s, now))
        keep_audit = timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])
        counts["audit_events"] = s.execute(delete(AuditEvent).where(AuditEvent.at < now - keep_audit)).rowcount
        s.execute(delete(RateHit).where(RateHit.at < now - timedelta(days=1)))
        s.execute(delete(OneTimeToken).where(OneTimeToken.expires_at < now - timedelta(days=7)))
    if counts["sessions"]:
        db.checkpoint()
        log.info("retention: purged %d session(s)", counts["sessions"])
    return counts


def _forget_pdfs(*, session_id: int | None = None, group_id: int | None = None) -> None:
    """Handout PDFs this process cached for what is being erased go too (handouts/cache.py)."""
    from handouts import cache

    if session_id is not None:
        cache.forget(session_id)
    if group_id is not None:
        cache.forget_group(group_id)


def _close_rooms(session_id: int) -> None:
    live.SENT.forget(session_id)
    live.PACE.forget(session_id)
    live.HELD.forget(session_id)
    ROSTER_PACE.forget(session_id)
    for room in live.rooms(session_id).values():
        socketio.emit("status", {"status": "ended"}, to=room)
        socketio.close_room(room)


def erase_session(gs: GroupSession, facilitator_id: int) -> None:
    """Erase a session and everything in it, now."""
    session_id, group_id = gs.id, gs.group_id
    with db.transaction() as s:
        s.execute(delete(GroupSession).where(GroupSession.id == session_id))
        audit.record("erase_session", actor="facilitator", actor_id=facilitator_id, group_id=group_id,
                     target=f"session:{session_id}")
    db.checkpoint()
    _close_rooms(session_id)
    _forget_pdfs(session_id=session_id)


def _anonymise_participants(s, group_id: int) -> None:
    """In a tombstone a participant is only "a participant": not even an id that once had a name."""
    of_group = AuditEvent.group_id == group_id
    s.execute(update(AuditEvent).where(of_group, AuditEvent.actor.like("participant:%")).values(actor="participant"))
    s.execute(update(AuditEvent).where(of_group, AuditEvent.target.like("participant:%")).values(target="participant"))
    s.execute(update(AuditEvent).where(of_group, AuditEvent.target.like("member:%")).values(target="member"))


def erase_group(group: Group, facilitator_id: int) -> None:
    """Erase a group: its sessions, plans, activities and memberships. Its audit events stay behind as a
    tombstone, with the erasure itself as the last of them."""
    group_id = group.id
    session_ids = list(db.session.execute(select(GroupSession.id).where(GroupSession.group_id == group_id)).scalars())
    with db.transaction() as s:
        audit.record("erase_group", actor="facilitator", actor_id=facilitator_id, group_id=group_id,
                     target=f"group:{group_id}")
        s.execute(delete(Group).where(Group.id == group_id))
        _anonymise_participants(s, group_id)
    db.checkpoint()
    for session_id in session_ids:
        _close_rooms(session_id)
    _forget_pdfs(group_id=group_id)


def erase_my_answers(gs: GroupSession, p: Participant) -> int:
    """A participant deletes everything they wrote in this session, in every activity of every kind:
    earlier activities and the running one (core.records.erase_participant). Returns the runs changed."""
    from core import records

    erased = records.erase_participant(gs, p)
    with db.transaction():
        audit.record("erase_own_answers", actor="participant", actor_id=p.id, session=gs)
    db.checkpoint()
    _forget_pdfs(session_id=gs.id)
    return erased
