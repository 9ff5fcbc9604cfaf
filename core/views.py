"""Per-audience views of a live session. A participant or display payload never carries
facilitator-only fields: each is built from an explicit set of keys, and tests check it."""
from __future__ import annotations

from activities import frame
from core import links
from core.models import GroupSession


def facilitator(session: GroupSession, state: dict, version: int) -> dict:
    return {"version": version, "title": session.title, "frame": frame.facilitator_view(state),
            "join": links.join_info(session)}


def participant(session: GroupSession, state: dict, version: int, member_id: str) -> dict:
    return {"version": version, "title": session.title, "frame": frame.participant_view(state, member_id)}


def display(session: GroupSession, state: dict, version: int) -> dict:
    joinable = state["phase"] != "ended" and not session.locked
    return {"version": version, "title": session.title, "frame": frame.display_view(state),
            "join": links.join_info(session) if joinable else None}


def alert(state: dict, effect: dict) -> dict:
    """A private signal for facilitators: who, what, which signal to acknowledge."""
    name = next((m["name"] for m in state["members"] if m["id"] == effect.get("member")), "")
    return {"kind": effect.get("kind"), "member": effect.get("member"), "name": name,
            "signal": effect.get("signal"), "value": effect.get("value")}
