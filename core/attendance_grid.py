"""The attendance grid of a group (members x sessions) as plain data, and the same grid as CSV.

Facilitators only: it is the long-kept record (Group.record_retention_years). Rows are the members
(active, then on a break, on the waiting list, left; someone who left is shown only if they have any
attendance); columns are the sessions that ended and one that is live, by date. Totals per member:
how many they attended of the ended sessions they were expected at (a row that is neither "excused"
nor "cancelled"; no row means they were not expected: on a break, on the waiting list, not yet started).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from core import vocabulary as vocab
from core.attendance import ATTENDED, can_cancel, is_cancelled, session_day
from core.audit import _cell as safe_cell  # one rule for spreadsheet-safe cells, kept in core/audit.py
from core.extensions import db
from core.member_models import Attendance, Member
from core.members import STATUS_WORDS
from core.models import Group, GroupSession

# How each status reads: a word and a short symbol (never colour alone).
WORDS = vocab.ATTENDANCE  # core/vocabulary.py
SYMBOLS = {"present": "✓", "late": "L", "left_early": "E", "absent": "✗", "excused": "X", "cancelled": "–"}
ROSTER_ORDER = ("active", "break", "waiting", "left")
NOT_COUNTED = ("excused", "cancelled")  # neither counts against anyone in the totals


@dataclass
class Column:
    session_id: int
    title: str
    day: date
    status: str  # "ended" | "live"
    cancelled: bool
    can_cancel: bool
    came: int = 0  # present, late or left early

    @property
    def label(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.title}"


@dataclass
class Cell:
    session_id: int
    status: str | None
    joined_at: datetime | None = None
    left_at: datetime | None = None
    corrected: bool = False

    @property
    def word(self) -> str:
        return WORDS.get(self.status, "") if self.status else ""

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.status, "") if self.status else ""


@dataclass
class Row:
    member_id: int
    name: str
    roster_status: str
    cells: list[Cell] = field(default_factory=list)
    attended: int = 0
    of: int = 0

    @property
    def roster_word(self) -> str:
        return STATUS_WORDS.get(self.roster_status, self.roster_status)


@dataclass
class Grid:
    group_id: int
    columns: list[Column]
    rows: list[Row]


def _sessions(group: Group) -> list[GroupSession]:
    found = db.session.execute(select(GroupSession).where(GroupSession.group_id == group.id,
                                                          GroupSession.status.in_(("ended", "live")))).scalars()
    return sorted(found, key=lambda gs: (session_day(gs), gs.starts_at or gs.ended_at or gs.created_at, gs.id))


def grid(group: Group) -> Grid:
    """The group's attendance grid (see the module docstring for what is in it)."""
    sessions = _sessions(group)
    ids = [gs.id for gs in sessions]
    records: dict[tuple[int, int], Attendance] = {}
    if ids:
        for a in db.session.execute(select(Attendance).where(Attendance.session_id.in_(ids))).scalars():
            records[(a.member_id, a.session_id)] = a
    columns = []
    for gs in sessions:
        rows = [a for (_m, sid), a in records.items() if sid == gs.id]
        cancelled = gs.status == "ended" and is_cancelled([a.status for a in rows])
        # Only a session nobody came to can be cancelled: ask the database only about those.
        nobody = not cancelled and all(a.joined_at is None for a in rows)
        columns.append(Column(session_id=gs.id, title=gs.title, day=session_day(gs), status=gs.status,
                              cancelled=cancelled, can_cancel=nobody and can_cancel(gs)))
    members = db.session.execute(select(Member).where(Member.group_id == group.id)).scalars()
    with_rows = {m_id for m_id, _s in records}
    shown = [m for m in members if m.status != "left" or m.id in with_rows]
    shown.sort(key=lambda m: (ROSTER_ORDER.index(m.status) if m.status in ROSTER_ORDER else len(ROSTER_ORDER),
                              m.display_name.casefold(), m.id))
    rows = [_row(m, columns, records) for m in shown]
    return Grid(group_id=group.id, columns=columns, rows=rows)


def _row(m: Member, columns: list[Column], records: dict[tuple[int, int], Attendance]) -> Row:
    row = Row(member_id=m.id, name=m.display_name, roster_status=m.status)
    for col in columns:
        a = records.get((m.id, col.session_id))
        if a is None:
            row.cells.append(Cell(col.session_id, None))
            continue
        row.cells.append(Cell(col.session_id, a.status, a.joined_at, a.left_at, a.edited_by is not None))
        col.came += a.status in ATTENDED
        if col.status == "ended" and a.status not in NOT_COUNTED:
            row.of += 1
            row.attended += a.status in ATTENDED
    return row


def csv_header(g: Grid) -> list[str]:
    return ["member", "status_on_roster", *(safe_cell(c.label) for c in g.columns), "attended", "of"]


def csv_text(g: Grid) -> str:
    """The grid as CSV: one row per member, a status code per session (empty: not expected), totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header(g))
    for r in g.rows:
        writer.writerow([safe_cell(r.name), r.roster_status, *(c.status or "" for c in r.cells), r.attended, r.of])
    return out.getvalue()
