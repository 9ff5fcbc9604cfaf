"""A session's activity records, read and erased only through each kind's own operations.

`session_runs` lists what ran (archived runs, then the running activity); the member page, take-home
sheets, summaries and "delete my answers" go through `session_record`, `commitments`, `run_summaries`
and `erase_participant`, which ask the kind's engine (activities.engine.member_record / summary /
erase_member) and never read a state's shape themselves.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from activities import engine
from activities.kinds import form_records
from core import live
from core.activity_models import ActivityRun
from core.extensions import db
from core.models import GroupSession, LiveState, Participant

log = logging.getLogger(__name__)


def session_runs(gs: GroupSession) -> list[dict[str, Any]]:
    """Every activity of the session in order: archived runs, then the running one (as far as it got)."""
    rows = db.session.execute(select(ActivityRun).where(ActivityRun.session_id == gs.id)
                              .order_by(ActivityRun.started_at, ActivityRun.id)).scalars()
    state, _version = live.load_state(gs.id)
    # A go-around carried on after Back is running again: it is listed once, as it runs now.
    replaced = state.get("resumed_run") if state.get("activity") is not None else None
    runs = [{"title": r.title, "kind": r.kind, "planned_minutes": r.planned_minutes, "started_at": r.started_at,
             "ended_at": r.ended_at, "state": r.state, "running": False} for r in rows if r.id != replaced]
    if state.get("activity") is not None and state.get("item"):
        item, index, plan = state["item"], state.get("current"), state.get("plan", [])
        planned = plan[index]["minutes"] if isinstance(index, int) and 0 <= index < len(plan) else 0
        runs.append({"title": item["title"], "kind": item["kind"], "planned_minutes": planned,
                     "started_at": state["item_started_at"], "ended_at": None, "state": state["activity"],
                     "running": True})
    return runs


def _known(run: dict[str, Any]) -> bool:
    if run["state"].get("kind") in engine.KINDS:
        return True
    log.warning("records: a run of unknown kind %r was left out", run["state"].get("kind"))
    return False


def session_record(gs: GroupSession, participant: Participant) -> list[dict[str, Any]]:
    """That person's record in each activity of the session: [{"title", "kind", "record", "later"}], where
    record is {"items": [...], "received": [...]} (docs/ENGINE_CONTRACT.md) and `later` the form's fields
    meant for after the session that they have not answered yet (definitions, no answers). Activities
    where they wrote and received nothing are left out."""
    out = []
    for run in session_runs(gs):
        if not _known(run):
            continue
        record = engine.member_record(run["state"], participant.engine_id)
        if record["items"] or record["received"]:
            later = form_records.left_for_home(run["state"], participant.engine_id) if run["kind"] == "form" else []
            out.append({"title": run["title"], "kind": run["kind"], "record": record, "later": later})
    return out


def commitments(gs: GroupSession, participant: Participant) -> list[str]:
    """What they chose to try before next time (items marked as commitments), as plain texts."""
    texts = []
    for entry in session_record(gs, participant):
        for item in entry["record"]["items"]:
            if item["commitment"]:
                texts.extend([item["text"]] if item["text"] is not None else (item["entries"] or []))
    return texts


def run_summaries(gs: GroupSession) -> list[dict[str, Any]]:
    """session_runs, each with the kind's summary for facilitators (private answers only counted)."""
    return [{**{k: v for k, v in run.items() if k != "state"}, "summary": engine.summary(run["state"])}
            for run in session_runs(gs) if _known(run)]


def erase_participant(gs: GroupSession, participant: Participant, *, actor: dict | None = None) -> int:
    """Erase everything of one person from every archived run and the running activity of this session.

    `actor` is who asks: the participant themself (the default) or {"role": "system", "id": None}.
    Returns how many runs changed. Archived runs change in one transaction; the running activity goes
    through the live hub, so every screen gets its new view."""
    member_id = participant.engine_id
    actor = actor or {"role": "participant", "id": member_id}
    changed = 0
    with db.transaction() as s:
        for run in s.execute(select(ActivityRun).where(ActivityRun.session_id == gs.id)).scalars():
            erased = engine.erase_member(run.state, member_id)
            if erased != run.state:
                run.state = erased
                changed += 1
    if db.session.get(LiveState, gs.id) is None:  # never went live: nothing running to erase
        return changed
    before, _version = live.load_state(gs.id)
    ack = live.execute(gs, {"type": "erase_member", "member": member_id, "actor": actor})
    if not ack.get("ok"):
        log.warning("records: erasing from the live session was refused (session %s)", gs.id)
        raise RuntimeError("the live session refused the erasure")
    after, _version = live.load_state(gs.id)
    if before.get("activity") is not None and before["activity"] != after.get("activity"):
        changed += 1
    return changed
