"""Per-audience views of a live session. A participant or display payload never carries
facilitator-only fields: each is built from explicit keys, and tests check it by allow-list."""
from __future__ import annotations

import time

from activities import alerts, engine, frame
from core import links
from core.models import GroupSession

PUBLIC_ITEM_KEYS = ("slug", "title", "kind", "intro", "prompts", "content_note", "settings", "emotions")


def _public_item(item: dict | None) -> dict | None:
    return None if item is None else {k: item[k] for k in PUBLIC_ITEM_KEYS}


def _plan(state: dict) -> dict:
    return {"items": state["plan"], "current": state["current"], "item_started_at": state["item_started_at"],
            "paused_at": (state["activity"] or {}).get(engine.PAUSED_AT), "elapsed": state["elapsed"]}


def facilitator(session: GroupSession, state: dict, version: int) -> dict:
    activity = None
    if state["activity"] is not None:
        activity = {"item": state["item"], "view": engine.facilitator_view(state["activity"])}
    return {"version": version, "server_time": time.time(), "title": session.title,
            "frame": frame.facilitator_view(state), "join": links.facilitator_join_info(session),
            "plan": _plan(state), "activity": activity, "alerts": alerts.facilitator_view(state)}


def participants(session: GroupSession, state: dict, version: int, member_ids: list[str]) -> dict[str, dict]:
    """Every member's whole participant view, with the activity's common work (the item, and whatever
    the engine's views share, e.g. a round's queue) done once. One `server_time` for all, so that the
    room's part of the views is the same for everyone (core/live/fanout splits and sends them)."""
    now = time.time()
    item = activity_views = None
    if state["activity"] is not None:
        item = _public_item(state["item"])
        activity_views = engine.participant_views(state["activity"], member_ids)
    frames = frame.participant_views(state, member_ids)
    return {member_id: {"version": version, "server_time": now, "title": session.title,
                        "frame": frames[member_id],
                        "activity": None if item is None else {"item": item, "view": activity_views[member_id]}}
            for member_id in member_ids}


def display(session: GroupSession, state: dict, version: int) -> dict:
    joinable = state["phase"] != "ended" and not session.locked
    activity = None
    if state["activity"] is not None:
        item = _public_item(state["item"])
        item["emotions"] = []
        activity = {"item": item, "view": engine.display_view(state["activity"], state["show_names"])}
    step = None
    if state["current"] is not None:
        step = {"number": state["current"] + 1, "of": len(state["plan"])}
    return {"version": version, "server_time": time.time(), "title": session.title,
            "frame": frame.display_view(state), "join": links.join_info(session) if joinable else None,
            "activity": activity, "step": step, "coming": _coming(state)}


def _coming(state: dict) -> dict | None:
    """Between activities, the room sees what comes next (the plan item's title, nothing else)."""
    if state["activity"] is not None or state["phase"] not in ("lobby", "running") or not state.get("plan"):
        return None
    index = 0 if state["current"] is None else state["current"] + 1
    if index >= len(state["plan"]):
        return {"title": None, "last": True}
    return {"title": state["plan"][index]["title"], "last": False}


def alert(state: dict, effect: dict) -> dict:
    """A private signal for facilitators: who, what, and which signal or alert it concerns."""
    name = next((m["name"] for m in state["members"] if m["id"] == effect.get("member")), "")
    name = name or str(effect.get("name") or "")[:80]  # answered on their page: not in the session (yet)
    payload = {"kind": effect.get("kind"), "member": effect.get("member"), "name": name,
               "signal": effect.get("signal"), "value": effect.get("value")}
    if effect.get("kind") == "distress":  # which alert to follow up, and the feeling word facilitators see
        payload.update(alert=effect.get("alert"), word=effect.get("word"))
    elif effect.get("kind") == "risk":  # what to read with the safety procedure; no answers
        payload.update(alert=effect.get("alert"), instrument=effect.get("instrument"), say=effect.get("say"))
    elif effect.get("kind") == "feedback":
        payload.update(alert=effect.get("alert"), instrument=effect.get("instrument"), why=effect.get("why"))
    return payload
