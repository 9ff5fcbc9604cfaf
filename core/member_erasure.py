"""Erasure on request for one member: everything about them, in every session of their group.

Their answers and cards go from every activity they took part in (each kind erases its own data, through
core.records), then the member row goes, and with it (database cascades) their seats, attendance,
practice log, shared lines, measure results and their own session notes (ClinicalNote.member_id). The
debrief's concerns about them ("concern_m<id>") are removed too, from signed debriefs as well: erasure
on request is the one change a signed note takes. Open seats are cut first, so nothing more reaches them. The audit log
keeps that an erasure happened, naming them only as "a member".
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, select, update

from core import audit, live, records, roster
from core.clinical_models import DEBRIEF_SUBJECT, ClinicalNote
from core.extensions import db
from core.member_models import Member
from core.models import AuditEvent, GroupSession, LiveState, Participant

log = logging.getLogger(__name__)


def _seats(member: Member) -> list[tuple[Participant, GroupSession]]:
    return [(p, gs) for p, gs in db.session.execute(
        select(Participant, GroupSession).join(GroupSession).where(Participant.member_id == member.id)
        .order_by(GroupSession.id)
    ).all()]


def _forget_concerns(s, group_id: int, member_id: int) -> None:
    """Drop the debrief sections about this member (signed or not: erasure beats the lock)."""
    key = f"concern_m{member_id}"
    for note in s.execute(select(ClinicalNote).where(ClinicalNote.group_id == group_id,
                                                     ClinicalNote.subject == DEBRIEF_SUBJECT)).scalars():
        if key in note.sections:
            note.sections = {k: v for k, v in note.sections.items() if k != key}


def erase_member(member: Member, *, actor: str, actor_id: int | None = None) -> int:
    """Erase the member; `actor` is "facilitator" (with their id) or "member" (their own request).
    Returns how many sessions held something of theirs."""
    from handouts import cache

    member_id, group_id = member.id, member.group_id
    seats = _seats(member)
    for p, gs in seats:
        if p.status in ("waiting", "admitted") and gs.status != "ended":
            roster.remove(gs, p, None)
        elif db.session.get(LiveState, gs.id) is not None:
            # An ended session still lists who was there (with their name): the member leaves that list too.
            live.system(gs, {"type": "member_leave", "member": p.engine_id})
    touched = 0
    for p, gs in _seats(member):
        touched += 1 if records.erase_participant(gs, p) else 0
        cache.forget(gs.id)
    seat_refs = [f"participant:{p.id}" for p, _gs in seats]
    with db.transaction() as s:
        _forget_concerns(s, group_id, member_id)
        s.execute(delete(Member).where(Member.id == member_id))
        in_group = AuditEvent.group_id == group_id
        s.execute(update(AuditEvent).where(in_group, AuditEvent.target == f"member:{member_id}").values(target="member"))
        if seat_refs:
            s.execute(update(AuditEvent).where(in_group, AuditEvent.actor.in_(seat_refs)).values(actor="participant"))
            s.execute(update(AuditEvent).where(in_group, AuditEvent.target.in_(seat_refs)).values(target="participant"))
        if actor == "member":
            audit.record("erase_own_data", actor="member_self", group_id=group_id, target="member")
        else:
            audit.record("member_erase", actor="facilitator", actor_id=actor_id, group_id=group_id, target="member")
    db.checkpoint()
    log.info("erasure: a member's data erased (%d session(s) touched)", touched)
    return touched
