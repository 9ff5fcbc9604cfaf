"""The audit log: who did what and when, never what anyone said or wrote.

Writing: `record()` adds a row; a facilitator's name is stored as it is when they act, so the record
reads right after their account or the group is gone. A participant's name is never stored: it is
looked up while they exist ("a participant (data purged)" after the purge) and is simply "a
participant" in the tombstone an erased group leaves behind.
Reading: `rows_for_group()` turns events into plain rows for the page, the CSV export and the CLI.
"""
from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.extensions import db
from core.member_models import Member
from core.models import AuditEvent, Facilitator, Group, GroupSession, Participant

# What each action reads as in the log ("Who" did "what" to "about").
ACTIONS = {
    "group_create": "created the group",
    "erase_group": "erased the group",
    "retention_change": "changed how long answers are kept",
    "invite": "created an invitation link",
    "facilitator_join": "joined as co-facilitator",
    "role_change": "joined as co-facilitator",  # written before roles had their own actions
    "facilitator_remove": "removed a facilitator",
    "facilitator_leave": "left the group",
    "ownership_transfer": "handed ownership to",
    "session_create": "created a session",
    "session_end": "ended a session",
    "erase_session": "erased a session",
    "rotate_link": "made a new join link and code",
    "display_link_new": "made a new room display link",
    "display_link_off": "turned the room display link off",
    "clear_waiting": "cleared the waiting room",
    "lock": "locked a session",
    "unlock": "unlocked a session",
    "join": "joined the waiting room",
    "admit": "admitted",
    "remove": "removed",
    "leave": "left the session",
    "erase_own_answers": "deleted their own answers",
    "purge": "purged participants' data (retention)",
    "read_audit": "read the audit log",
    "export_audit": "exported the audit log (CSV)",
    "read_summary": "read the session summary",
    "preview_summary": "previewed the session summary handout",
    "print_summary": "printed the session summary (PDF)",
    "preview_take_home": "previewed a take-home sheet for",
    "print_take_home": "printed a take-home sheet for",
    "member_add": "added to the roster",
    "member_from_guest": "made a guest a member:",
    "member_rename": "renamed a member:",
    "member_status": "changed the status of",
    "member_link_new": "made a new personal link for",
    "member_link_revoke": "revoked the personal link of",
    "member_recognised": "confirmed a new device of",
    "member_erase": "erased the data of",
    "erase_own_data": "deleted their own data",
    "attendance_edit": "corrected the attendance of",
    "session_cancel": "cancelled a session",
    "schedule_set": "set the group's schedule",
    "calendar_feed_new": "made a new calendar feed link",
    "export_attendance": "exported the attendance (CSV)",
    "read_attendance": "read the attendance record",
    "read_member_record": "read the record of",
    "share_line": "shared a line from their review",
    # the clinical record (issue 13): measures, notes, trends, a member's export
    "measure_paper": "entered a paper questionnaire for",
    "measure_before": "answered a questionnaire before the session",
    "note_edit": "edited a note",
    "note_sign": "signed a note",
    "note_cosign": "co-signed a note",
    "note_addendum": "added an addendum to a note",
    "read_notes": "read the session notes",
    "read_trends": "read the measure trends of",
    "read_group_trends": "read the group's measure trends",
    "export_member": "exported the record of",
    "supervisor_join": "joined as supervisor",
    "group_record_settings": "changed the record settings (note format, trends, safety procedure)",
    "login": "signed in",
    "logout": "signed out everywhere",
}
SYSTEM = {"system": "Secure Base (automatic)", "operator": "an operator (command line)",
          "member_self": "a member (their own request)"}
CSV_HEADER = ("when_utc", "who", "what", "about", "session", "action")
CSV_CHUNK = 500  # events per streamed piece of the CSV export


def record(action: str, *, actor: str, actor_id: int | None = None, session: GroupSession | None = None,
           group_id: int | None = None, target: str = "", target_name: str = "") -> None:
    """Add an audit row to the current unit of work (the caller commits)."""
    actor_name = ""
    if actor == "facilitator" and actor_id is not None:
        actor_name = _facilitator_name(actor_id)
    if not target_name and target.startswith("facilitator:"):
        target_name = _facilitator_name(int(target.split(":", 1)[1]))
    db.session.add(AuditEvent(
        group_id=session.group_id if session is not None else group_id,
        session_id=session.id if session is not None else None,
        actor=f"{actor}:{actor_id}" if actor_id is not None else actor,
        actor_name=actor_name[:80],
        action=action,
        target=target,
        target_name=target_name[:80],
    ))


def _facilitator_name(facilitator_id: int) -> str:
    f = db.session.get(Facilitator, facilitator_id)
    return f.name if f is not None else ""


@dataclass
class Row:
    """One event as a person reads it."""

    at: datetime
    who: str
    what: str
    about: str
    session: str
    action: str


class _Names:
    """What the log shows for the ids in one group's events: its living participants' names and its
    sessions' titles, read once (two queries, however long the log); anything missing has been purged
    or erased."""

    def __init__(self, group_id: int) -> None:
        self.erased = db.session.get(Group, group_id) is None
        in_group = GroupSession.group_id == group_id
        self.participants = dict(db.session.execute(
            select(Participant.id, Participant.display_name).join(GroupSession).where(in_group)).all())
        self.sessions = dict(db.session.execute(select(GroupSession.id, GroupSession.title).where(in_group)).all())
        self.members = dict(db.session.execute(select(Member.id, Member.display_name)
                                               .where(Member.group_id == group_id)).all())

    def participant(self, pid: int) -> str:
        if self.erased:
            return "a participant"
        return self.participants.get(pid, "a participant (data purged)")

    def member(self, mid: int) -> str:
        if self.erased:
            return "a member"
        return self.members.get(mid, "a member (data erased)")

    def session(self, sid: int | None) -> str:
        if sid is None:
            return ""
        return self.sessions.get(sid, f"session {sid} (erased)")

    def party(self, ref: str, stored_name: str) -> str:
        kind, _, raw_id = ref.partition(":")
        if ref in SYSTEM:
            return SYSTEM[ref]
        if kind == "participant" and raw_id.isdigit():
            return self.participant(int(raw_id))
        if kind == "participant":
            return "a participant"
        if ref == "member":
            return "a member"
        if kind == "facilitator":
            return stored_name or "a facilitator (account removed)"
        if kind == "member" and raw_id.isdigit():
            return self.member(int(raw_id))
        if kind == "session" and raw_id.isdigit():
            return self.session(int(raw_id))
        if kind == "group":
            return "the group"
        if kind == "to" and raw_id in ("facilitators", "group"):
            return "with the facilitators" if raw_id == "facilitators" else "with the group (to read out)"
        if kind == "waiting" and raw_id.isdigit():
            return "1 person waiting" if raw_id == "1" else f"{raw_id} people waiting"
        return ref


def _query(group_id: int):
    # Plain columns, not ORM objects: a long export builds no identity map.
    e = AuditEvent
    return (select(e.at, e.actor, e.actor_name, e.action, e.target, e.target_name, e.session_id)
            .where(e.group_id == group_id).order_by(e.at.desc(), e.id.desc()))


def _rows(events, names: _Names) -> list[Row]:
    return [Row(at=e.at, who=names.party(e.actor, e.actor_name), what=ACTIONS.get(e.action, e.action.replace("_", " ")),
                about=names.party(e.target, e.target_name) if e.target else "", session=names.session(e.session_id),
                action=e.action)
            for e in events]


def rows_for_group(group_id: int, limit: int | None = None) -> list[Row]:
    """The group's events, newest first, as readable rows; works for an erased group's tombstone too."""
    query = _query(group_id) if limit is None else _query(group_id).limit(limit)
    return _rows(db.session.execute(query), _Names(group_id))


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run: names starting with = + - @ become text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_text(rows: list[Row], header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([r.at.strftime("%Y-%m-%d %H:%M:%S")] + [_cell(v) for v in (r.who, r.what, r.about,
                                                                                       r.session, r.action)])
    return out.getvalue()


def csv_chunks(group_id: int, chunk: int = CSV_CHUNK) -> Iterator[str]:
    """The whole log as CSV, a chunk of events at a time: a long log is streamed, and between chunks
    the server's other work runs (under gevent, sleep(0) yields to the live sessions)."""
    names = _Names(group_id)
    yield _csv_text([], header=True)
    result = db.session.execute(_query(group_id).execution_options(yield_per=chunk))
    for events in result.partitions(chunk):
        yield _csv_text(_rows(events, names))
        time.sleep(0)
