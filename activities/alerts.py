"""Private alerts kept with the session, and their follow-up by a facilitator. Pure, like the frame.

An activity's ``{"type": "alert", "kind": "distress"}`` effect (a check-in answer that calls for one,
activities/kinds/form_distress.py) becomes an entry in ``state["alerts"]``; the effect gets the entry's
id (``alert``) so the console can follow it up. An entry::

    {"id", "kind": "distress", "member", "name", "activity", "field", "value", "word", "family", "at",
     "run", "followup": "new" | "seen" | "spoke_with_them" | "referred", "by", "by_name", "followup_at"}

A measure's ``risk`` alert (PHQ-9 item 9 above "Not at all") and ``feedback`` flag (a low answer or a
drop since last time) are kept the same way, with the same follow-up, carrying instead of the feeling
``instrument``, ``field`` (an item id, or "total"), ``value`` and ``say`` (risk: what the facilitators
read with the group's safety procedure) or ``why`` (feedback: "low_item" | "drop").

``word`` and ``family`` are the feeling the member gave, only when facilitators see that answer anyway.
A member who raises the same field again in the same activity run while the alert is still "new"
updates that entry (value, feeling, time) instead of adding one. Alerts are for facilitators only: no
participant or display view reads this list. A member's erasure removes their alerts; leaving does not
(a person who left upset is the one to follow up).
"""
from __future__ import annotations

from activities.engine import Rejected

NEW, SEEN, SPOKE, REFERRED = "new", "seen", "spoke_with_them", "referred"
FOLLOWUPS = (NEW, SEEN, SPOKE, REFERRED)
FOLLOWUP_WORDS = {NEW: "not followed up yet", SEEN: "seen", SPOKE: "spoke with them", REFERRED: "referred"}
KEPT_KINDS = ("distress", "risk", "feedback")
# What each kind of alert carries besides who, where, when and its follow-up.
DETAILS = {"distress": ("value", "word", "family"), "risk": ("instrument", "value", "say"),
           "feedback": ("instrument", "value", "why")}
ALERTS_KEPT = 200
NAME_MAX = 80


def _name(state: dict, member_id: str) -> str:
    return next((m["name"] for m in state["members"] if m["id"] == member_id), "")


def _open_entry(alerts: list[dict], effect: dict, run: float | None) -> dict | None:
    for entry in alerts:
        if (entry.get("kind", "distress"), entry["member"], entry["field"], entry["run"], entry["followup"]) == \
                (effect.get("kind"), effect.get("member"), effect.get("field"), run, NEW):
            return entry
    return None


def record(state: dict, effects: list[dict], now: float) -> list[dict]:
    """Keep each distress, risk or feedback alert among ``effects`` in ``state["alerts"]``; the effects,
    each such alert carrying its entry's id as ``alert``."""
    out = []
    for effect in effects:
        if effect.get("type") != "alert" or effect.get("kind") not in KEPT_KINDS:
            out.append(effect)
            continue
        alerts = state.setdefault("alerts", [])
        run = state.get("item_started_at")
        feeling = {**{key: effect.get(key) for key in DETAILS[effect["kind"]]}, "at": now}
        entry = _open_entry(alerts, effect, run)
        if entry is None:
            entry = {"id": state.get("next_alert", 1), "kind": effect["kind"], "member": effect.get("member"),
                     "name": _name(state, effect.get("member")),
                     "activity": (state.get("item") or {}).get("title", ""), "field": effect.get("field"),
                     "run": run, **feeling, "followup": NEW, "by": None, "by_name": "", "followup_at": None}
            state["next_alert"] = entry["id"] + 1
            state["alerts"] = (alerts + [entry])[-ALERTS_KEPT:]
        else:
            entry.update(feeling)
        out.append({**effect, "alert": entry["id"]})
    return out


def set_followup(state: dict, command: dict, now: float) -> list[dict]:
    """A facilitator's follow-up of one alert (any phase, also once the session ended). ``by_name`` is
    the facilitator's name as the hub looked it up (core.catalogue.prepare), never the client's."""
    if command["actor"]["role"] != "facilitator":
        raise Rejected("Only a facilitator can do that.")
    followup = command.get("followup")
    if followup not in FOLLOWUPS:
        raise Rejected("Please choose seen, spoke with them or referred.")
    alert_id = command.get("alert")
    entry = next((a for a in state.get("alerts", []) if a["id"] == alert_id and not isinstance(alert_id, bool)), None)
    if entry is None:
        raise Rejected("That alert is no longer there.")
    by_name = command.get("by_name")
    entry.update(followup=followup, by=command["actor"]["id"], followup_at=now,
                 by_name=by_name[:NAME_MAX] if isinstance(by_name, str) else "")
    return []


def erase_member(state: dict, member_id: str) -> None:
    state["alerts"] = [a for a in state.get("alerts", []) if a["member"] != member_id]


def facilitator_view(state: dict) -> list[dict]:
    """Every alert of the session, oldest first (for facilitators only)."""
    return [{key: value for key, value in entry.items() if key != "run"} for entry in state.get("alerts", [])]
