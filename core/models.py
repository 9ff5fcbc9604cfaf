"""Database models: facilitators, groups, sessions, participants and the live-state document."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base

if TYPE_CHECKING:
    from core.member_models import Member


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware on every backend (SQLite hands back naive values; we mark them UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


FK = dict(ondelete="CASCADE")


class Facilitator(Base):
    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on logout and password change: every older login cookie stops working at once.
    auth_epoch: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    memberships: Mapped[list[GroupMember]] = relationship(back_populates="facilitator", passive_deletes=True)

    # Flask-Login protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_epoch}"


class OneTimeToken(Base):
    """Setup links and co-facilitator invitations: only the hash is kept; used once, then dead."""

    __tablename__ = "one_time_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "setup" | "invite"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", **FK), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Group(Base):
    __tablename__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    agreements: Mapped[str] = mapped_column(Text, default="")
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    distress_threshold: Mapped[int] = mapped_column(Integer, default=8)
    crisis_text: Mapped[str] = mapped_column(Text, default="")  # empty: the organisation's default
    # Bumped whenever the agreements text changes: a member who accepted an older version reads it in full.
    agreements_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Members with a standing link are admitted without waiting (guests still wait unless auto-admit).
    members_straight_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The second retention clock: who attended when (attendance, and later the notes) is kept this long.
    record_retention_years: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    # The clinical record (core/clinical_models.py): the members' note format, whether members see their own
    # measure trends on their page, and what facilitators do when a measure's risk item is answered.
    note_format: Mapped[str] = mapped_column(String(8), default="dap", server_default="dap")
    members_see_trends: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    safety_procedure: Mapped[str] = mapped_column(Text, default="", server_default="")  # empty: ours
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[GroupMember]] = relationship(back_populates="group", passive_deletes=True)
    sessions: Mapped[list[GroupSession]] = relationship(back_populates="group", passive_deletes=True)


class GroupMember(Base):
    """A facilitator's membership of a group; every group-scoped page and event checks it."""

    __tablename__ = "group_member"

    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", **FK), primary_key=True)
    # "owner" | "co" | "supervisor" (reads the record and co-signs notes; no live console: core/auth.py)
    role: Mapped[str] = mapped_column(String(10), default="co")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[Group] = relationship(back_populates="members")
    facilitator: Mapped[Facilitator] = relationship(back_populates="memberships")


class GroupSession(Base):
    """One meeting of a group. `public_id` names it in URLs; the join token and code admit people."""

    __tablename__ = "group_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", **FK), index=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    video_url: Mapped[str] = mapped_column(String(500), default="")
    join_token: Mapped[str] = mapped_column(String(64), unique=True)
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    display_token: Mapped[str] = mapped_column(String(64), unique=True)
    # The room display link can be turned off (a revoked link opens nothing) and made anew.
    display_on: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_admit: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned | live | ended
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    group: Mapped[Group] = relationship(back_populates="sessions")
    participants: Mapped[list[Participant]] = relationship(back_populates="session", passive_deletes=True)


class Participant(Base):
    """A person in one session, without an account. Only a hash of their credential is kept."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    # The roster member this person is in this session; None for a guest (a drop-in with the session code).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", **FK), nullable=True, index=True)
    # A guest on a new device who said "I'm <member>": the facilitator confirms (or not) in the waiting room.
    claimed_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"),
                                                          nullable=True)
    display_name: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting|admitted|removed|left
    in_room: Mapped[bool] = mapped_column(Boolean, default=False)  # in the room, without a device
    credential_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    admitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    session: Mapped[GroupSession] = relationship(back_populates="participants")
    member: Mapped[Member | None] = relationship("Member", foreign_keys=[member_id])

    @property
    def engine_id(self) -> str:
        """The id the activity engine knows this person by in this session."""
        return f"p{self.id}"

    @property
    def is_guest(self) -> bool:
        return self.member_id is None


class Connection(Base):
    """An open Socket.IO connection: who it is and whether they are looking (presence)."""

    __tablename__ = "connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    role: Mapped[str] = mapped_column(String(12))  # facilitator | participant | display
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", **FK), nullable=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", **FK), nullable=True)
    presence: Mapped[str] = mapped_column(String(8), default="here")  # here | away
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LiveState(Base):
    """The whole live state of a session as one versioned JSON document. Every write bumps the version
    (core/live/hub.py ``_write``): a process holds the state it wrote last at its version
    (core/live/held.py), and what it sent the phones is known by version (core/live/fanout.py)."""

    __tablename__ = "live_state"

    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommandReceipt(Base):
    """Idempotency: a command key seen once is answered from here, never applied twice."""

    __tablename__ = "command_receipt"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", **FK), index=True)
    key: Mapped[str] = mapped_column(String(64))
    ack: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RateHit(Base):
    """One counted attempt (login, join code) under a hashed key; shared by every process."""

    __tablename__ = "rate_hit"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class AuditEvent(Base):
    """Who did what and when; never the content of what anyone said or wrote.

    `group_id` and `session_id` are plain columns, not foreign keys: erasing a group or a session leaves
    its events behind as a tombstone (ids and facilitators' names, never participants' names), which the
    audit retention (SB_AUDIT_RETENTION_DAYS) purges by age like every other event."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    session_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(40))  # "facilitator:3", "participant:12", "system", "operator"
    # A facilitator's name as it was when they acted, so the record reads right after the account is gone.
    # Never a participant's name: theirs is looked up while they exist and vanishes with them.
    actor_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(40), default="")
    target_name: Mapped[str] = mapped_column(String(80), default="", server_default="")  # facilitators only
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# The roster tables (Member...) and the clinical record (measure results, notes), registered on Base.
from core import clinical_models, member_models  # noqa: E402,F401
