"""Console events about members (facilitators of this session's group only): confirm that a guest on a new
device is the member they said they were, and make a guest a member in one action."""
from __future__ import annotations

from core import members, roster
from core.sockets import Caller, live_event
from facilitator.events import FAC, Target, _participant


@live_event("confirm_member", Target, FAC)
def confirm_member(caller: Caller, payload: Target) -> dict:
    """The guest is who they said: their seat becomes the member's."""
    p = _participant(caller, payload.participant)
    if p is None or p.status not in ("waiting", "admitted") or p.claimed_member_id is None:
        return {"ok": False, "error": "There is nothing to confirm for that person."}
    m = members.confirm_claim(caller.session, p, caller.facilitator.id)
    if m is None:
        return {"ok": False, "error": "That member is no longer on the group's roster."}
    roster.push(caller.session)
    return {"ok": True, "member": m.display_name}


@live_event("make_member", Target, FAC)
def make_member(caller: Caller, payload: Target) -> dict:
    """A guest of this session joins the group's roster, with this session as their first attendance."""
    p = _participant(caller, payload.participant)
    if p is None or p.status != "admitted":
        return {"ok": False, "error": "Let them in first; then you can make them a member."}
    if p.member_id is not None:
        return {"ok": False, "error": f"{p.display_name} is already a member."}
    members.from_guest(caller.session, p, caller.facilitator.id)
    roster.push(caller.session)
    return {"ok": True}
