"""A group's roster: members who stay from week to week, and their standing personal links.

A member's link `/m/<secret>` works for every session of their group until it is rotated (a new
secret; the old one is dead at once) or revoked, or the member leaves. Only the hash is stored. When
a member leaves or is erased, every live seat they hold is cut on every process at once (HTTP pages
and sockets both re-check the member on each request and event).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.member_models import MEMBER_STATUSES, Member
from core.models import Group, GroupSession, Participant, utcnow
from core.security import new_token, token_hash

STATUS_WORDS = {"active": "active", "break": "on a break", "left": "left", "waiting": "on the waiting list"}
# A planned session opens to members this long before its start time (the live lobby is open once the
# console has opened it).
OPENS_BEFORE = timedelta(minutes=30)
MAX_LINK = 100


def _public_id() -> str:
    return new_token(12)


def add(group: Group, name: str, actor_id: int, *, status: str = "active", started_on: date | None = None) -> Member:
    """A new member with no link yet (the facilitator makes one when they print the card or send it)."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown member status {status!r}")
    with db.transaction() as s:
        m = Member(group_id=group.id, public_id=_public_id(), display_name=name, status=status,
                   started_on=started_on or date.today())
        s.add(m)
        s.flush()
        audit.record("member_add", actor="facilitator", actor_id=actor_id, group_id=group.id, target=f"member:{m.id}")
    return m


def of_group(group: Group, *, include_left: bool = True) -> list[Member]:
    query = select(Member).where(Member.group_id == group.id)
    if not include_left:
        query = query.where(Member.status != "left")
    order = (Member.status == "left", Member.status == "waiting", Member.display_name, Member.id)
    return list(db.session.execute(query.order_by(*order)).scalars())


def member_of_group(group_id: int, member_id: int) -> Member | None:
    m = db.session.get(Member, member_id)
    return m if m is not None and m.group_id == group_id else None


def new_link(member: Member, actor_id: int | None) -> str:
    """Make (or remake) the member's standing link; returns the secret, shown once. Old links die."""
    secret = new_token(32)
    with db.transaction() as s:
        m = s.merge(member)
        m.link_hash, m.link_issued_at = token_hash(secret), utcnow()
        audit.record("member_link_new", actor="facilitator" if actor_id else "system", actor_id=actor_id,
                     group_id=m.group_id, target=f"member:{m.id}")
    return secret


def revoke_link(member: Member, actor_id: int) -> None:
    with db.transaction() as s:
        m = s.merge(member)
        m.link_hash = None
        audit.record("member_link_revoke", actor="facilitator", actor_id=actor_id, group_id=m.group_id,
                     target=f"member:{m.id}")
    _cut_seats(member, "removed")


def by_link(secret: str | None) -> Member | None:
    """The member whose standing link this is, if it is alive; None otherwise (unknown, rotated, revoked,
    or the member has left)."""
    if not secret or len(secret) > MAX_LINK:
        return None
    m = db.session.execute(select(Member).where(Member.link_hash == token_hash(secret))).scalar_one_or_none()
    return m if m is not None and m.link_alive else None


def by_public_id(public_id: str) -> Member | None:
    if not isinstance(public_id, str) or len(public_id) > 40:
        return None
    return db.session.execute(select(Member).where(Member.public_id == public_id)).scalar_one_or_none()


def rename(member: Member, name: str, actor_id: int) -> None:
    with db.transaction() as s:
        m = s.merge(member)
        m.display_name = name
        audit.record("member_rename", actor="facilitator", actor_id=actor_id, group_id=m.group_id,
                     target=f"member:{m.id}")


def set_status(member: Member, status: str, actor_id: int, *, on: date | None = None) -> None:
    """Change a member's status. Leaving ends the membership on `on` (today by default) and kills the
    link and any seat the member holds in a live session, everywhere at once."""
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown member status {status!r}")
    with db.transaction() as s:
        m = s.merge(member)
        m.status = status
        if status == "left":
            m.ended_on, m.link_hash = on or date.today(), None
        else:
            m.ended_on = None
        audit.record("member_status", actor="facilitator", actor_id=actor_id, group_id=m.group_id,
                     target=f"member:{m.id}")
    if status == "left":
        _cut_seats(member, "removed")


def _cut_seats(member: Member, why: str) -> None:
    """Every seat this member holds in a session that is not over ends now (as a removal does)."""
    from core import roster

    seats = db.session.execute(
        select(Participant, GroupSession).join(GroupSession)
        .where(Participant.member_id == member.id, Participant.status.in_(("waiting", "admitted")),
               GroupSession.status != "ended")
    ).all()
    for p, gs in seats:
        roster.remove(gs, p, None, status_word=why)


def from_guest(gs: GroupSession, p: Participant, actor_id: int) -> Member:
    """Make a guest of this session a member of its group, in one action: same name, this session counts
    as their first attendance."""
    if p.member_id is not None:
        return db.session.get(Member, p.member_id)
    m = add(gs.group, p.display_name, actor_id)
    with db.transaction() as s:
        s.merge(p).member_id = m.id
        audit.record("member_from_guest", actor="facilitator", actor_id=actor_id, session=gs, target=f"member:{m.id}")
    from core import attendance

    if p.admitted_at is not None:
        attendance.arrived(gs, db.session.get(Participant, p.id))
    return m


def open_session(group: Group, now=None) -> GroupSession | None:
    """The session a member's link leads into right now: one that is open (its console has opened it),
    else a planned one starting within OPENS_BEFORE. None between sessions."""
    now = now or utcnow()
    rows = list(db.session.execute(
        select(GroupSession).where(GroupSession.group_id == group.id, GroupSession.status != "ended")
        .order_by(GroupSession.starts_at, GroupSession.id)
    ).scalars())
    candidates = [gs for gs in rows if gs.status == "live"
                  or (gs.starts_at is not None and gs.starts_at - OPENS_BEFORE <= now)]
    if not candidates:
        return None
    # The one nearest to now: a session left open since last week never hides today's.
    return min(candidates, key=lambda gs: (abs(((gs.starts_at or gs.created_at) - now).total_seconds()),
                                           gs.status != "live", -gs.id))


def seat_in(gs: GroupSession, member: Member) -> Participant | None:
    """The member's seat in this session, if they have one that is not over."""
    return db.session.execute(
        select(Participant).where(Participant.session_id == gs.id, Participant.member_id == member.id,
                                  Participant.status.in_(("waiting", "admitted")))
        .order_by(Participant.id.desc())
    ).scalars().first()


def agreements_current(member: Member) -> bool:
    return member.agreements_version == member.group.agreements_version


def claimable(group: Group, name: str) -> Member | None:
    """The one current member a guest's "I'm <name>" can refer to (same name, ignoring case and spaces);
    None when no member or more than one has that name. The guest learns nothing either way."""
    wanted = " ".join(name.split()).casefold()
    found = [m for m in of_group(group, include_left=False) if " ".join(m.display_name.split()).casefold() == wanted]
    return found[0] if len(found) == 1 else None


def confirm_claim(gs: GroupSession, p: Participant, actor_id: int) -> Member | None:
    """A facilitator confirms that this guest is the member they said they were: the seat becomes the
    member's (attendance counts, their record continues). A seat the member held on another device in
    this session ends, so one member is one person in the activity. None if there is nothing to confirm."""
    from core import attendance, roster

    m = db.session.get(Member, p.claimed_member_id) if p.claimed_member_id else None
    if m is None or m.group_id != gs.group_id or m.status == "left":
        return None
    old = seat_in(gs, m)
    if old is not None and old.id != p.id:
        roster.remove(gs, old, actor_id)
    with db.transaction() as s:
        seat = s.merge(p)
        seat.member_id, seat.claimed_member_id = m.id, None
        audit.record("member_recognised", actor="facilitator", actor_id=actor_id, session=gs, target=f"member:{m.id}")
    seat = db.session.get(Participant, p.id)
    if seat.status == "admitted":
        attendance.arrived(gs, seat)
    return m
