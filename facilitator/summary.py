"""After a session: attendance, what ran and for how long, airtime per person, form answers.

Plain data only (it also feeds the printed session summary). Answers a member marked private never
appear here: facilitators only learn that such an answer exists.
"""
from __future__ import annotations

import time

from sqlalchemy import select

from core import live
from core.activity_models import ActivityRun
from core.extensions import db
from core.models import GroupSession, Participant

STATUS_WORDS = {"admitted": "took part", "waiting": "never admitted", "removed": "removed", "left": "left"}


def _runs(gs: GroupSession) -> list[dict]:
    rows = db.session.execute(select(ActivityRun).where(ActivityRun.session_id == gs.id)
                              .order_by(ActivityRun.started_at, ActivityRun.id)).scalars()
    runs = [{"title": r.title, "kind": r.kind, "planned_minutes": r.planned_minutes, "started_at": r.started_at,
             "ended_at": r.ended_at, "state": r.state, "running": False} for r in rows]
    state, _version = live.load_state(gs.id)
    if state["activity"] is not None:  # still running: show it as far as it got
        item, index = state["item"], state["current"]
        runs.append({"title": item["title"], "kind": item["kind"], "planned_minutes": state["plan"][index]["minutes"],
                     "started_at": state["item_started_at"], "ended_at": None, "state": state["activity"],
                     "running": True})
    return runs


def _form_table(run: dict, names: dict[str, str]) -> dict:
    state = run["state"]
    fields = [f for f in state["fields"] if f["audience"] != "private"]
    private_ids = {f["id"] for f in state["fields"] if f["audience"] == "private"}
    rows = []
    for member, answers in state["answers"].items():
        rows.append({"name": names.get(member, "(someone who left)"),
                     "answers": {f["id"]: answers.get(f["id"]) for f in fields},
                     "private_count": sum(1 for fid in answers if fid in private_ids)})
    return {"title": run["title"], "fields": fields, "rows": rows}


def session_summary(gs: GroupSession) -> dict:
    people = list(db.session.execute(select(Participant).where(Participant.session_id == gs.id)
                                     .order_by(Participant.created_at, Participant.id)).scalars())
    names = {p.engine_id: p.display_name for p in people}
    runs = _runs(gs)
    airtime: dict[str, float] = {}
    for run in runs:
        if run["kind"] == "round":
            for member, seconds in run["state"].get("airtime", {}).items():
                airtime[member] = airtime.get(member, 0.0) + float(seconds)
    attendance = [{"name": p.display_name, "status": STATUS_WORDS.get(p.status, p.status),
                   "in_room": p.in_room, "airtime": round(airtime.get(p.engine_id, 0.0))}
                  for p in people if p.status != "waiting" or p.admitted_at]
    activities = []
    for r in runs:
        seconds = round((r["ended_at"] or time.time()) - r["started_at"])
        activities.append({"title": r["title"], "kind": r["kind"], "planned_minutes": r["planned_minutes"],
                           "seconds": seconds, "minutes": round(seconds / 60, 1), "running": r["running"]})
    forms = [_form_table(r, names) for r in runs if r["kind"] == "form"]
    total_airtime = sum(airtime.values())
    return {"title": gs.title, "group": gs.group.name, "starts_at": gs.starts_at, "status": gs.status,
            "attendance": attendance, "activities": activities, "forms": forms,
            "airtime_total": round(total_airtime),
            "admitted_count": sum(1 for p in people if p.admitted_at is not None)}
