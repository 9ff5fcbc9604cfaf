"""After a session: attendance, what ran and for how long, airtime per person, the answers facilitators
may see, the private alerts (distress, risk, feedback) with their follow-up. Each activity's part comes from its kind's own summary (core.records.run_summaries).

Plain data only (it also feeds the printed session summary). Answers a member marked private never
appear here: facilitators only learn that such an answer exists.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import select

from activities import alerts as alert_list
from core import live, records
from core import vocabulary as vocab
from core.extensions import db
from core.models import GroupSession, Participant


def _table(run: dict, names: dict[str, str]) -> dict:
    """One run's answers table, named by today's display names (the run's own name as a fallback)."""
    answers = run["summary"]["answers"]
    rows = [{**row, "name": names.get(row["member"], row["name"]) if row["member"] else row["name"]}
            for row in answers["rows"]]
    return {"title": run["title"], "kind": run["kind"], "fields": answers["fields"], "rows": rows}


def _clock(at: float | None) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M UTC") if at is not None else ""


KIND_WORDS = {"distress": "Check-in", "risk": "Risk answer", "feedback": "Feedback flag"}


def _what(alert: dict) -> str:
    """The alert in words: the feeling and intensity, or the questionnaire answer it is about."""
    kind = alert.get("kind", "distress")
    if kind == "risk":
        return f"{alert.get('instrument', '')} {alert['field']} answered {alert['value']}: risk procedure"
    if kind == "feedback":
        if alert.get("why") == "drop":
            return f"{alert.get('instrument', '')}: total down to {alert['value']} since last time"
        return f"{alert.get('instrument', '')}: a low answer ({alert['value']}) to {alert['field']}"
    word = alert.get("word")
    return f"{word + ', ' if word else ''}{alert.get('value')} out of 10"


def alerts(gs: GroupSession, names: dict[str, str]) -> list[dict]:
    """The session's alerts (check-in distress, questionnaire risk answers, feedback flags) with their
    follow-up: who, what facilitators already saw in the alert, and who followed it up when."""
    state, _version = live.load_state(gs.id)
    return [{"name": names.get(a["member"], a["name"]), "activity": a["activity"], "value": a.get("value"),
             "kind": a.get("kind", "distress"), "kind_words": KIND_WORDS.get(a.get("kind", "distress"), ""),
             "what": _what(a), "word": a.get("word"), "at": _clock(a["at"]), "followup": a["followup"],
             "followup_words": alert_list.FOLLOWUP_WORDS[a["followup"]], "by": a["by_name"],
             "followup_at": _clock(a["followup_at"]), "at_seconds": a["at"]}
            for a in alert_list.facilitator_view(state)]


def pause_signals(gs: GroupSession, names: dict[str, str]) -> list[dict]:
    """The private "I need a pause" signals of the session: who, when, and when a facilitator answered
    (with their note). Facilitators only, like the alerts."""
    state, _version = live.load_state(gs.id)
    return [{"name": names.get(sig["member"], sig["name"]), "at": _clock(sig["at"]), "at_seconds": sig["at"],
             "answered_at": _clock(sig.get("ack_at")), "note": sig.get("ack_note") or ""}
            for sig in (state.get("signals") or [])]


def follow_ups(alerts_: list[dict], signals: list[dict]) -> list[dict]:
    """One list to go through after the session, in the order things happened: each pause signal and
    each alert, what was done in the session, and whether anything is still open."""
    items = [{"name": s["name"], "what": "Asked for a pause", "at": s["at"], "key": s["at_seconds"],
              "done": (f"Answered {s['answered_at']}" + (f": {s['note']}" if s["note"] else "")) if s["answered_at"]
              else "Not answered in the session", "open": not s["answered_at"]} for s in signals]
    items += [{"name": a["name"], "what": f"{a['kind_words']}: {a['what']}" + (f" ({a['activity']})" if a["activity"] else ""),
               "at": a["at"], "key": a["at_seconds"],
               "done": a["followup_words"].capitalize() + (f" by {a['by']}, {a['followup_at']}" if a["by"] else ""),
               "open": a["followup"] == alert_list.NEW} for a in alerts_]
    return [{k: v for k, v in item.items() if k != "key"} for item in sorted(items, key=lambda i: i["key"] or 0)]


def session_summary(gs: GroupSession) -> dict:
    people = list(db.session.execute(select(Participant).where(Participant.session_id == gs.id)
                                     .order_by(Participant.created_at, Participant.id)).scalars())
    names = {p.engine_id: p.display_name for p in people}
    runs = records.run_summaries(gs)
    airtime: dict[str, float] = {}
    for run in runs:
        for member, seconds in run["summary"]["airtime"].items():
            airtime[member] = airtime.get(member, 0.0) + float(seconds)
    attendance = [{"name": p.display_name, "status": vocab.PEOPLE.get(p.status, p.status),
                   "in_room": p.in_room, "airtime": round(airtime.get(p.engine_id, 0.0))}
                  for p in people if p.status != "waiting" or p.admitted_at]
    activities = []
    for r in runs:
        seconds = round((r["ended_at"] or time.time()) - r["started_at"])
        activities.append({"title": r["title"], "kind": r["kind"], "planned_minutes": r["planned_minutes"],
                           "seconds": seconds, "minutes": round(seconds / 60, 1), "running": r["running"],
                           "facts": r["summary"]["facts"]})
    tables = [_table(r, names) for r in runs if r["summary"]["answers"] is not None]
    total_airtime = sum(airtime.values())
    return {"title": gs.title, "group": gs.group.name, "starts_at": gs.starts_at, "status": gs.status,
            "attendance": attendance, "activities": activities, "tables": tables,
            "forms": [t for t in tables if t["kind"] == "form"], "alerts": (found := alerts(gs, names)),
            "follow_ups": follow_ups(found, pause_signals(gs, names)),
            "airtime_total": round(total_airtime),
            "admitted_count": sum(1 for p in people if p.admitted_at is not None)}
