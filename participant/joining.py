"""The rules of joining: a join ticket bound to the link and code it came from, and join limits.

Opening a join link (or typing the code) gives the browser a *ticket* in its signed session cookie.
The ticket names the session, a fingerprint of the join link and code it was issued for, when it was
issued, and a one-use nonce. So:
- a rotation ("New link and code") voids every join in progress that started from the old link or code;
- a ticket makes at most one participant (a kept copy of the cookie cannot mint more);
- a ticket is good for TICKET_TTL.

Join limits keep one address or one session from filling a waiting room, without locking out a room
that shares one network address (a clinic's NAT): they count people who actually joined.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from sqlalchemy import func, select

from core import ratelimit
from core.extensions import db
from core.models import GroupSession, Participant
from core.security import equal, new_token, token_hash

log = logging.getLogger(__name__)

TICKET_TTL = timedelta(hours=2)
# People who joined one session from one network address, and from anywhere, in the window.
JOINS_PER_ADDRESS = (30, timedelta(minutes=10))
JOINS_PER_SESSION = (300, timedelta(minutes=10))
MAX_WAITING = 40  # people in a waiting room at once
MAX_PEOPLE = 500  # waiting and admitted, per session


def _link_key(gs: GroupSession) -> str:
    """Changes whenever the join link and code are rotated; says nothing about either."""
    return token_hash(f"join-link:{gs.join_token}:{gs.join_code}")[:24]


def issue_ticket(gs: GroupSession) -> dict:
    return {"s": gs.public_id, "k": _link_key(gs), "n": new_token(12), "t": int(time.time())}


def _spent_key(ticket: dict) -> str:
    return f"join-ticket:{ticket['n']}"


def ticket_problem(ticket: object, gs: GroupSession) -> str | None:
    """Why this ticket cannot be used for this session ("stale", "spent", "missing"), or None."""
    if not isinstance(ticket, dict) or ticket.get("s") != gs.public_id:
        return "missing"
    key, nonce, issued = ticket.get("k"), ticket.get("n"), ticket.get("t")
    if not isinstance(key, str) or not isinstance(nonce, str) or not isinstance(issued, int):
        return "missing"
    if not equal(key, _link_key(gs)) or time.time() - issued > TICKET_TTL.total_seconds():
        return "stale"
    if ratelimit.blocked(_spent_key(ticket), 1, TICKET_TTL):
        return "spent"
    return None


def spend_ticket(ticket: dict) -> bool:
    """Mark the ticket used; False if another request used it first (two tabs racing one cookie)."""
    ratelimit.hit(_spent_key(ticket))
    return not ratelimit.blocked(_spent_key(ticket), 2, TICKET_TTL)


def _address_key(gs: GroupSession, address: str) -> str:
    return f"join:{gs.id}:{address}"


def limit_problem(gs: GroupSession, address: str) -> str | None:
    """Why nobody more may join from here now ("address", "session", "waiting_full", "full"), or None."""
    if ratelimit.blocked(_address_key(gs, address), *JOINS_PER_ADDRESS):
        return "address"
    if ratelimit.blocked(f"join:{gs.id}", *JOINS_PER_SESSION):
        return "session"
    counts = dict(db.session.execute(
        select(Participant.status, func.count()).where(Participant.session_id == gs.id,
                                                       Participant.status.in_(("waiting", "admitted")))
        .group_by(Participant.status)
    ).all())
    if sum(counts.values()) >= MAX_PEOPLE:
        return "full"
    if not (gs.auto_admit and not gs.locked) and counts.get("waiting", 0) >= MAX_WAITING:
        return "waiting_full"
    return None


def count_join(gs: GroupSession, address: str) -> None:
    ratelimit.hit(_address_key(gs, address))
    ratelimit.hit(f"join:{gs.id}")


LIMIT_MESSAGES = {
    "address": "Many people have just joined from this network. Please wait a few minutes and try again, "
               "or let the facilitator know.",
    "session": "A lot of people are joining right now. Please wait a few minutes and try again.",
    "waiting_full": "The waiting room is full at the moment. Please wait a minute while the facilitator "
                    "lets people in, then try again.",
    "full": "This session is full. Please let the facilitator know.",
}
