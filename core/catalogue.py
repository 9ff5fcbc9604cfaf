"""The activities a group can use: the library (loaded and validated once, at start-up) plus the
group's own. Also prepares plan commands for the pure engine: resolving the file, seeding, options."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from activities import engine, plan
from activities.engine import Rejected
from activities.library import Library, load_library
from activities.schema import ActivityAdapter
from core import measure_store
from core.activity_models import ActivityRun, CustomActivity
from core.extensions import db
from core.models import Facilitator, Group, GroupSession

CUSTOM_PREFIX = "custom-"
AGREEMENTS_SLUG = "group-agreements"  # the activity whose sections say, one line each, what a new group agrees


def install(app: Flask) -> None:
    """Load the library; an invalid file raises LibraryError naming the file and the field."""
    app.extensions["sb_library"] = load_library()


def library() -> Library:
    return current_app.extensions["sb_library"]


def default_agreements() -> str:
    """The agreements a new group starts with (and a member accepts on joining): the lines of the
    group-agreements activity's sections, so that the joining page, the printed sheets and the activity
    say it once."""
    return "\n".join(line for section in library()[AGREEMENTS_SLUG].settings.sections for line in section.agreements)


def emotions() -> list[dict]:
    return [f.model_dump() for f in library().emotions]


def custom_slug(custom: CustomActivity) -> str:
    return f"{CUSTOM_PREFIX}{custom.id}"


def resolve(group_id: int, slug: str) -> Any | None:
    """The parsed activity for a plan slug, if this group may use it."""
    if slug.startswith(CUSTOM_PREFIX):
        try:
            custom = db.session.get(CustomActivity, int(slug[len(CUSTOM_PREFIX):]))
        except ValueError:
            return None
        if custom is None or custom.group_id != group_id:
            return None
        return ActivityAdapter.validate_python(custom.data)
    return library().get(slug)


def available(group_id: int) -> list[tuple[str, Any]]:
    """(slug, activity) for everything this group can plan: the library first, then its own."""
    own = db.session.execute(select(CustomActivity).where(CustomActivity.group_id == group_id)
                             .order_by(CustomActivity.created_at)).scalars()
    return [(a.slug, a) for a in library().all()] + [(custom_slug(c), ActivityAdapter.validate_python(c.data))
                                                      for c in own]


def _history(session_id: int, state: dict) -> dict[str, float]:
    replaced = state.get("resumed_run") if state.get("activity") is not None else None
    runs = [{"kind": kind, "state": st} for run_id, kind, st in db.session.execute(
        select(ActivityRun.id, ActivityRun.kind, ActivityRun.state).where(ActivityRun.session_id == session_id)).all()
        if run_id != replaced]  # the go-around carried on after Back counts once: as it runs now
    if state.get("item") and state["item"]["kind"] == "round":
        runs.append({"kind": "round", "state": state["activity"]})
    return plan.airtime_history(runs)


def _left_open(session_id: int, state: dict, index: int) -> dict | None:
    """The plan item's last archived run in this session, if it is a go-around the plan left open (Back
    to it carries it on): {"id", "state"}; else None."""
    row = db.session.execute(
        select(ActivityRun.id, ActivityRun.slug, ActivityRun.state)
        .where(ActivityRun.session_id == session_id, ActivityRun.position == index)
        .order_by(ActivityRun.ended_at.desc(), ActivityRun.id.desc()).limit(1)).first()
    if row is None or row.slug != state["plan"][index]["slug"] or not engine.can_reopen(row.state):
        return None
    return {"id": row.id, "state": row.state}


def _facilitator_name(actor: dict) -> str:
    """Who sets an alert's follow-up, by name, looked up here (never taken from the client)."""
    actor_id = actor.get("id") or ""
    if actor.get("role") != "facilitator" or not actor_id.startswith("f") or not actor_id[1:].isdigit():
        return ""
    person = db.session.get(Facilitator, int(actor_id[1:]))
    return person.name if person is not None else ""


def prepare(gs: GroupSession, state: dict, command: dict) -> dict:
    """Turn next/back into a concrete step and attach what `plan.go` needs (server-side only)."""
    kind = command.get("type")
    if kind == "alert_followup":
        return {**command, "by_name": _facilitator_name(command["actor"])}
    if kind == "activity" and command.get("action") == "form_groups":
        # Random pairing draws its seed here, on the server: a client never chooses its partner by seed.
        args = command.get("args") if isinstance(command.get("args"), dict) else {}
        return {**command, "args": {**args, "seed": secrets.randbelow(2**31)}}
    if kind in ("plan_next", "plan_back"):
        current = state.get("current")
        step = 1 if kind == "plan_next" else -1
        index = (current + step) if current is not None else (0 if step == 1 else len(state["plan"]) - 1)
        command = {**command, "type": "plan_go", "index": index}
    if command.get("type") != "plan_go":
        return command
    index = command.get("index")
    if not isinstance(index, int) or not 0 <= index < len(state["plan"]):
        raise Rejected("There is no such step in the plan.")
    slug = state["plan"][index]["slug"]
    activity = resolve(gs.group_id, slug)
    if activity is None:
        raise Rejected("That activity is no longer available.")
    # the session's own wording (plan item `prompt`): the engine, the brief and so every screen use it
    activity = plan.worded(activity, state["plan"][index].get("prompt"))
    group = db.session.get(Group, gs.group_id)
    options = {"distress_threshold": group.distress_threshold, "history": _history(gs.id, state),
               "distress_families": library().distress_families()}
    if activity.kind == "measure":  # each member's last total, for "last time" and the feedback drop flag
        options["previous_totals"] = measure_store.previous_totals(gs, state)
    resume = _left_open(gs.id, state, index) if activity.kind == "round" and index != state.get("current") else None
    return {**command, "activity_def": activity, "brief": plan.brief(activity, emotions()),
            "seed": secrets.randbelow(2**31), "options": options, "resume": resume}
