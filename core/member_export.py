"""One member's record for their chart: a CSV (a row per session) and the data of the PDF (attendance,
scores, the trend charts, the member's own notes with their addenda).

Only this member's own rows are read: their Attendance, their MeasureResult, and the ClinicalNote whose
subject is "m<their id>" in their own group. The group note and the debrief are never part of it (the
debrief may name other members). Cells that a spreadsheet would run as a formula are written as text.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core import trend_svg, trends
from core.attendance import session_day
from core.attendance_grid import WORDS as ATTENDANCE_WORDS
from core.audit import _cell as safe_cell  # one rule for spreadsheet-safe cells, kept in core/audit.py
from core.clinical_models import ClinicalNote, MeasureResult, NoteAddendum
from core.extensions import db
from core.member_models import Attendance, Member
from core.models import GroupSession, utcnow

# How a note's sections read (formats in core/clinical_models.NOTE_FORMATS); an unknown key reads as itself.
SECTION_WORDS = {"note": "Note", "data": "Data", "assessment": "Assessment", "plan": "Plan",
                 "behaviour": "Behaviour", "intervention": "Intervention", "response": "Response",
                 "subjective": "Subjective", "objective": "Objective"}
FORMAT_WORDS = {"plain": "Note", "dap": "DAP note", "birp": "BIRP note", "soap": "SOAP note"}
RECORD_TEMPLATE = "facilitator/trends_record.html"


def _at(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d %H:%M}" if when is not None else ""


def instrument_columns() -> list[tuple[str, Any]]:
    """(id, instrument) for every shipped instrument, in display order: the CSV's score columns."""
    from activities import instruments

    shipped = instruments.shipped()
    return [(i, shipped[i]) for i in trends.ordered_ids(shipped)]


def _sessions(member: Member) -> list[tuple[GroupSession, Attendance | None, dict[str, MeasureResult]]]:
    """The sessions of the member's group with an attendance row or a result of theirs, by date."""
    attendance = {a.session_id: a for a in db.session.execute(
        select(Attendance).where(Attendance.member_id == member.id)).scalars()}
    results: dict[int, dict[str, MeasureResult]] = {}
    for r in db.session.execute(select(MeasureResult).where(MeasureResult.member_id == member.id,
                                                             MeasureResult.group_id == member.group_id)).scalars():
        results.setdefault(r.session_id, {})[r.instrument] = r
    ids = set(attendance) | set(results)
    if not ids:
        return []
    found = db.session.execute(select(GroupSession).where(GroupSession.id.in_(ids),
                                                          GroupSession.group_id == member.group_id)).scalars()
    ordered = sorted(found, key=lambda gs: (session_day(gs), gs.starts_at or gs.ended_at or gs.created_at, gs.id))
    return [(gs, attendance.get(gs.id), results.get(gs.id, {})) for gs in ordered]


def header() -> list[str]:
    cols = ["member", "date", "session", "attendance", "joined (UTC)", "left (UTC)"]
    for _id, inst in instrument_columns():
        cols.append(f"{inst.title} total")
        if inst.bands:
            cols.append(f"{inst.title} band")
    return cols


def rows(member: Member) -> list[list[str]]:
    """A row per session (see `header()`): the member's name, when, attendance, then each measure."""
    out = []
    for gs, a, results in _sessions(member):
        row = [member.display_name, f"{session_day(gs):%Y-%m-%d}", gs.title,
               ATTENDANCE_WORDS.get(a.status, a.status) if a else "", _at(a.joined_at if a else None),
               _at(a.left_at if a else None)]
        for instrument_id, inst in instrument_columns():
            r = results.get(instrument_id)
            row.append("" if r is None or r.total is None else str(r.total))
            if inst.bands:
                row.append(r.band if r is not None and r.total is not None else "")
        out.append(row)
    return out


def csv_text(member: Member) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    for row in rows(member):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def file_stem(member: Member) -> str:
    """A file name that names the record by ids, not by the person (file names travel in e-mails)."""
    return f"record-group-{member.group_id}-member-{member.id}"


def _notes(member: Member) -> list[dict]:
    found = db.session.execute(
        select(ClinicalNote, GroupSession).join(GroupSession, GroupSession.id == ClinicalNote.session_id)
        .where(ClinicalNote.member_id == member.id, ClinicalNote.subject == f"m{member.id}",
               ClinicalNote.group_id == member.group_id, GroupSession.group_id == member.group_id)).all()
    found.sort(key=lambda pair: (session_day(pair[1]), pair[1].id))
    notes = []
    for note, gs in found:
        addenda = db.session.execute(select(NoteAddendum).where(NoteAddendum.note_id == note.id)
                                     .order_by(NoteAddendum.created_at, NoteAddendum.id)).scalars()
        notes.append({
            "session": gs.title, "date": trend_svg.day_words(session_day(gs)),
            "format": FORMAT_WORDS.get(note.format, note.format),
            "sections": [{"label": SECTION_WORDS.get(k, re.sub(r"[_-]+", " ", str(k)).capitalize()), "text": str(v)}
                         for k, v in (note.sections or {}).items() if str(v or "").strip()],
            "signed": note.status == "signed",
            "signed_name": note.signed_name, "signed_at": _at(note.signed_at),
            "cosigned_name": note.cosigned_name, "cosigned_at": _at(note.cosigned_at),
            "addenda": [{"author": ad.author_name, "at": _at(ad.created_at), "text": ad.text} for ad in addenda],
        })
    return notes


def record_context(member: Member) -> dict:
    """Plain data for the record's HTML/PDF template (no ORM objects go into the template)."""
    cols = instrument_columns()
    sessions = _sessions(member)
    return {
        "doc": {"title": f"Record: {member.display_name}", "audience": "Confidential clinical record",
                "kind": "member-record"},
        "record": {
            "name": member.display_name, "group": member.group.name, "made": _at(utcnow()) + " UTC",
            "attendance": [{"date": f"{session_day(gs):%Y-%m-%d}", "session": gs.title,
                            "status": ATTENDANCE_WORDS.get(a.status, a.status) if a else "—",
                            "joined": _at(a.joined_at) if a else "", "left": _at(a.left_at) if a else ""}
                           for gs, a, _r in sessions],
            "instruments": [inst.title for _i, inst in cols],
            "scores": [{"date": f"{session_day(gs):%Y-%m-%d}", "session": gs.title,
                        "values": [(f"{res[i].total}" + (f" ({res[i].band})" if res[i].band else ""))
                                   if i in res and res[i].total is not None else "—" for i, _inst in cols]}
                       for gs, _a, res in sessions if res],
            "trends": trend_svg.member_blocks(trends.member_series(member), prefix="record"),
            "notes": _notes(member),
        },
    }
