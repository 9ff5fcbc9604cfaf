"""Models for ongoing groups: members on a group's roster, their attendance, the group's schedule,
members' practice logs between sessions, and the lines a member chose to share at a check-in.

Who sees what (and which retention clock removes it):
- Member.display_name: the group's facilitators (roster, attendance grid, console), the member themself.
  Kept while the member is on the roster; removed by "delete my data" and, once a member has left, by the
  record clock (Group.record_retention_years) when no attendance of theirs is left.
- Attendance: facilitators only (grid, export). Record clock; erased with the member on request.
- PracticeEntry.data: the member only, unless they share a line at a check-in (ReviewShare). Content
  clock (Group.retention_days after it was written); erased with the member on request.
- ReviewShare.text: the audience the member chose ("facilitators", or "group": the facilitators and the
  other members' screens). Content clock, with the session's other answers.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.models import FK, Group, UTCDateTime, utcnow

MEMBER_STATUSES = ("active", "break", "left", "waiting")
ATTENDANCE_STATUSES = ("present", "late", "left_early", "absent", "excused", "cancelled")
PRACTICE_KINDS = ("morning", "evening", "ladder")
SHARE_AUDIENCES = ("facilitators", "group")


class Member(Base):
    """A person on a group's roster, across its sessions: a first name or pseudonym and a status.

    No contact details. The standing personal link is `/m/<secret>`; only its hash is kept (`link_hash`),
    and None means the link is revoked. `public_id` names the member in their own page's URL."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), index=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="active")  # see MEMBER_STATUSES
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    link_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    agreements_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # last accepted
    privacy_version: Mapped[str | None] = mapped_column(String(16), nullable=True)  # notice last read
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[Group] = relationship()

    @property
    def link_alive(self) -> bool:
        return self.link_hash is not None and self.status != "left"


class Attendance(Base):
    """One member at one session: status and the times they came and went (facilitators may correct)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", **FK), index=True)
    status: Mapped[str] = mapped_column(String(12))  # see ATTENDANCE_STATUSES
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    edited_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GroupSchedule(Base):
    """When a group meets: every week or fortnight, a weekday and a local time, for so many minutes."""

    __tablename__ = "group_schedule"

    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), primary_key=True)
    every_weeks: Mapped[int] = mapped_column(Integer, default=1)  # 1 weekly | 2 fortnightly
    weekday: Mapped[int] = mapped_column(Integer)  # 0 Monday .. 6 Sunday
    time_of_day: Mapped[str] = mapped_column(String(5))  # "18:30", local to `timezone`
    minutes: Mapped[int] = mapped_column(Integer, default=90)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    first_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The facilitators' calendar feed URL carries this secret (stored hashed), revocable like a link.
    feed_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)


class PracticeEntry(Base):
    """One practice-log entry a member wrote between sessions, on their own page. Private to them."""

    __tablename__ = "practice_entry"
    __table_args__ = (UniqueConstraint("member_id", "client_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", **FK), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # see PRACTICE_KINDS
    day: Mapped[date] = mapped_column(Date)  # the day it is about, as the member's phone counts days
    data: Mapped[dict] = mapped_column(JSON)
    # The phone's own key for the entry, so one sent twice (offline, then again) is stored once.
    client_key: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ReviewShare(Base):
    """A line a member chose to share from their commitment review or practice log at a check-in."""

    __tablename__ = "review_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", **FK), index=True)
    source: Mapped[str] = mapped_column(String(12))  # "commitment" | "practice"
    text: Mapped[str] = mapped_column(String(500))
    audience: Mapped[str] = mapped_column(String(12))  # see SHARE_AUDIENCES
    shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # moderated for the group
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
