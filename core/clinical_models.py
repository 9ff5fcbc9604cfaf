"""Models for the clinical record: measure results, session notes with their addenda.

Who sees what (and which retention clock removes it):
- MeasureResult (a member's answers to a scored measure, its total and band): the group's facilitators
  and supervisors (console, notes, trends, the member's export); the member themself on their page only
  when the group turns "members see their own trends" on. Never the display, never other members. Record
  clock (Group.record_retention_years); erased with the member on request.
- ClinicalNote.sections / NoteAddendum.text (what a clinician wrote): the group's facilitators and
  supervisors only; a member's note goes into that member's export. The group note names nobody; the
  debrief (subject "debrief") may name members in its per-member concerns, which go with the member on
  erasure. Record clock; a member's own notes are erased with them on request.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.models import FK, UTCDateTime, utcnow

RESULT_SOURCES = ("phone", "paper", "before")  # in the session, entered from paper, from the member's page
NOTE_FORMATS = ("plain", "dap", "birp", "soap")
NOTE_STATUSES = ("draft", "signed")
GROUP_SUBJECT, DEBRIEF_SUBJECT = "group", "debrief"  # ClinicalNote.subject; a member's note is "m<member id>"


class MeasureResult(Base):
    """One member's answers to one measure (PHQ-9, GAD-7, the session feedback check...) at one session."""

    __tablename__ = "measure_result"
    __table_args__ = (UniqueConstraint("session_id", "member_id", "instrument"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", **FK), index=True)
    instrument: Mapped[str] = mapped_column(String(40))  # activities/measures/<id>.yaml
    items: Mapped[dict] = mapped_column(JSON)  # {item id: chosen value}
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    band: Mapped[str] = mapped_column(String(40), default="", server_default="")
    risk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # a risk item answered above its limit
    source: Mapped[str] = mapped_column(String(8), default="phone")  # see RESULT_SOURCES
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClinicalNote(Base):
    """The note for one session: the group note, one member's note, or the facilitators' debrief.

    A draft may be edited by the group's facilitators; once signed it is read-only and later changes are
    dated addenda. A supervisor may co-sign a signed note."""

    __tablename__ = "clinical_note"
    __table_args__ = (UniqueConstraint("session_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", **FK), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(String(20))  # GROUP_SUBJECT, DEBRIEF_SUBJECT or "m<member id>"
    format: Mapped[str] = mapped_column(String(8), default="plain")  # NOTE_FORMATS (group/debrief: plain)
    sections: Mapped[dict] = mapped_column(JSON)  # {section key: text}
    status: Mapped[str] = mapped_column(String(8), default="draft")  # see NOTE_STATUSES
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    signed_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cosigned_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    cosigned_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NoteAddendum(Base):
    """A dated addition to a signed note (a signed note itself never changes)."""

    __tablename__ = "note_addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("clinical_note.id", **FK), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
