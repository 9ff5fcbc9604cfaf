"""Models for session plans, plan templates, a group's own activities, and archived activity runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.models import FK, UTCDateTime, utcnow


class PlanItem(Base):
    """One activity in a session's plan, in order, with the minutes the facilitator planned."""

    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(80))  # library slug, or "custom-<id>"
    minutes: Mapped[int] = mapped_column(Integer)
    # this session's own wording for a round's prompt or a form's first question (None: the activity's own);
    # written by a facilitator, shown to everyone the activity's prompt is shown to
    prompt: Mapped[str | None] = mapped_column(String(300), nullable=True)


class PlanTemplate(Base):
    """A saved plan a group can start new sessions from."""

    __tablename__ = "plan_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), index=True)
    name: Mapped[str] = mapped_column(String(120))
    items: Mapped[list] = mapped_column(JSON)  # [{"slug", "minutes", "prompt"?}]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CustomActivity(Base):
    """A group's own activity: the same schema as the library, validated the same way."""

    __tablename__ = "custom_activity"
    __table_args__ = (UniqueConstraint("group_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict] = mapped_column(JSON)  # the validated activity, as plain data
    created_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActivityRun(Base):
    """What happened in one activity of a session, kept for the after-session view and take-home
    sheets until the group's retention period ends. Holds participants' answers: purged with them."""

    __tablename__ = "activity_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    planned_minutes: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[float] = mapped_column()  # epoch seconds, as the engine counts
    ended_at: Mapped[float] = mapped_column()
    state: Mapped[dict] = mapped_column(JSON)
