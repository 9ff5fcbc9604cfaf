"""Session notes: drafts made when a session ends, edited by its facilitators, signed and then locked.

A signed note never changes (erasure of a member is the one exception: core/member_erasure.py); later
changes are dated addenda. A supervisor co-signs a signed note once. Every change is audited with the
note as target ("note:<id>"), never its text. Who may do what is checked by the pages (core/auth.py);
these operations check the role they are given once more.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from core import audit, note_drafts
from core.clinical_models import DEBRIEF_SUBJECT, GROUP_SUBJECT, NOTE_FORMATS, ClinicalNote, NoteAddendum
from core.extensions import db
from core.models import Facilitator, GroupSession, utcnow
from core.text import clean_text

log = logging.getLogger(__name__)

SECTION_MAX = 5000
ADDENDUM_MAX = 3000
WRITERS = ("owner", "co")


class NoteError(ValueError):
    """A refused note change: `str()` is for the person, `reason` for the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def notes_of(gs: GroupSession) -> list[ClinicalNote]:
    """The session's notes: the group note, the members' notes (by member), the debrief."""
    rows = list(db.session.execute(select(ClinicalNote).where(ClinicalNote.session_id == gs.id)).scalars())
    order = {GROUP_SUBJECT: 0, DEBRIEF_SUBJECT: 2}
    return sorted(rows, key=lambda n: (order.get(n.subject, 1), n.member_id or 0))


def addenda(note: ClinicalNote) -> list[NoteAddendum]:
    return list(db.session.execute(select(NoteAddendum).where(NoteAddendum.note_id == note.id)
                                   .order_by(NoteAddendum.created_at, NoteAddendum.id)).scalars())


def drafts_for(gs: GroupSession) -> int:
    """Create the session's missing drafts (never touching an existing note). Returns how many were made."""
    if gs.status != "ended":
        return 0
    fmt = gs.group.note_format if gs.group.note_format in NOTE_FORMATS else "plain"
    have = set(db.session.execute(select(ClinicalNote.subject).where(ClinicalNote.session_id == gs.id)).scalars())
    wanted = note_drafts.drafts(gs, fmt)
    missing = {subject: d for subject, d in wanted.items() if subject not in have}
    if not missing:
        return 0
    with db.transaction() as s:
        for subject, d in missing.items():
            s.add(ClinicalNote(group_id=gs.group_id, session_id=gs.id, member_id=d["member_id"], subject=subject,
                               format=d["format"], sections=d["sections"], status="draft"))
    return len(missing)


def drafts_after_end(gs: GroupSession) -> None:
    """drafts_for at the end of a session: a failure is logged (no content) and never blocks the ending."""
    try:
        drafts_for(gs)
    except Exception as exc:  # noqa: BLE001 - ending a session must not fail because of a draft
        db.session.rollback()
        log.warning("notes: drafts for session %s were not made (%s)", gs.id, type(exc).__name__)


def _check_sections(note: ClinicalNote, sections: dict) -> dict[str, str]:
    if not isinstance(sections, dict):
        raise NoteError("The note could not be read. Please try again.", "not_a_dict")
    known = set(note.sections)
    if set(sections) - known:
        raise NoteError("The note has a section it does not know.", "unknown_section")
    out = dict(note.sections)
    for key, text in sections.items():
        if not isinstance(text, str):
            raise NoteError("The note could not be read. Please try again.", "not_text")
        try:
            out[key] = clean_text(text.replace("\r\n", "\n"), SECTION_MAX, multiline=True)
        except ValueError as exc:
            raise NoteError(f"{exc} (each part of a note holds up to {SECTION_MAX} characters)", "bad_text") from exc
    return out


def save(note: ClinicalNote, sections: dict, facilitator: Facilitator, role: str) -> ClinicalNote:
    """Change a draft's sections (only the group's facilitators; a signed note is read-only)."""
    if role not in WRITERS:
        raise NoteError("Supervisors add addenda and co-sign; they do not write drafts.", "supervisor_edit")
    if note.status != "draft":
        raise NoteError("This note is signed, so it cannot change. Add an addendum instead.", "signed")
    merged = _check_sections(note, sections)
    with db.transaction() as s:
        n = s.merge(note)
        if n.status != "draft":
            raise NoteError("This note is signed, so it cannot change. Add an addendum instead.", "signed")
        n.sections, n.updated_at, n.updated_by = merged, utcnow(), facilitator.id
        audit.record("note_edit", actor="facilitator", actor_id=facilitator.id, group_id=n.group_id,
                     target=f"note:{n.id}")
    return n


def sign(note: ClinicalNote, facilitator: Facilitator, role: str) -> ClinicalNote:
    if role not in WRITERS:
        raise NoteError("Only the group's facilitators sign notes; supervisors co-sign them.", "supervisor_sign")
    if note.status != "draft":
        raise NoteError("This note is already signed.", "signed")
    with db.transaction() as s:
        n = s.merge(note)
        n.status, n.signed_by, n.signed_name, n.signed_at = "signed", facilitator.id, facilitator.name[:80], utcnow()
        audit.record("note_sign", actor="facilitator", actor_id=facilitator.id, group_id=n.group_id,
                     target=f"note:{n.id}")
    return n


def add_addendum(note: ClinicalNote, text: str, author: Facilitator) -> NoteAddendum:
    if note.status != "signed":
        raise NoteError("A draft can still be edited: addenda are for signed notes.", "draft")
    if not isinstance(text, str) or not text.strip():
        raise NoteError("Please write the addendum.", "empty")
    try:
        text = clean_text(text.replace("\r\n", "\n"), ADDENDUM_MAX, multiline=True)
    except ValueError as exc:
        raise NoteError(f"{exc} (an addendum holds up to {ADDENDUM_MAX} characters)", "bad_text") from exc
    with db.transaction() as s:
        a = NoteAddendum(note_id=note.id, author_id=author.id, author_name=author.name[:80], text=text)
        s.add(a)
        audit.record("note_addendum", actor="facilitator", actor_id=author.id, group_id=note.group_id,
                     target=f"note:{note.id}")
    return a


def cosign(note: ClinicalNote, supervisor: Facilitator, role: str) -> ClinicalNote:
    if role != "supervisor":
        raise NoteError("Only the group's supervisor co-signs notes.", "not_supervisor")
    if note.status != "signed":
        raise NoteError("A note is co-signed after it is signed.", "draft")
    if note.cosigned_at is not None:
        raise NoteError("This note is already co-signed.", "cosigned")
    with db.transaction() as s:
        n = s.merge(note)
        n.cosigned_by, n.cosigned_name, n.cosigned_at = supervisor.id, supervisor.name[:80], utcnow()
        audit.record("note_cosign", actor="facilitator", actor_id=supervisor.id, group_id=n.group_id,
                     target=f"note:{n.id}")
    return n


def status_of(notes: list[ClinicalNote]) -> str:
    """A session's notes in a word for the group's record list: none, draft, signed or co-signed."""
    if not notes:
        return "none"
    if any(n.status == "draft" for n in notes):
        return "draft"
    return "co-signed" if all(n.cosigned_at is not None for n in notes) else "signed"
