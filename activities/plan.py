"""Walking a session plan live, as pure functions: go to an item, stop it, keep members in step.

The hub resolves the activity file for a plan item and passes the parsed activity in; everything
here is a function of (state, arguments, now). When an activity ends its final state is handed back
as an `archive` effect, which the hub stores with the session.

Going back to a go-around the plan left open carries it on: the hub passes that item's last archived
run (`resume`: {"id", "state"}) and `go` reopens it instead of starting afresh; when it ends again its
archive replaces that run (`replaces`), so a go-around is kept once, however often it was left.
While the session is paused (frame phase "paused") the running activity's clock is held
(`engine.pause`), also for an activity started during the pause.
"""
from __future__ import annotations

from typing import Any

from activities import engine
from activities.engine import Rejected

HUB = {"role": "facilitator", "id": None}  # engine commands the hub issues on its own behalf
PLAN_MAX = 40


PROMPT_KINDS = ("round", "form")  # kinds whose wording a plan item may set for its session (see `worded`)


def entry(slug: str, activity: Any, minutes: int, prompt: str | None = None) -> dict:
    """A live plan entry. `prompt` (the session's own wording, if any) is carried only when set."""
    item = {"slug": slug, "title": activity.title, "kind": activity.kind, "minutes": minutes}
    if prompt and activity.kind in PROMPT_KINDS:
        item["prompt"] = prompt
    return item


def prompt_of(activity: Any) -> str | None:
    """The wording a plan item's own wording replaces: a round's prompt, a form's first question."""
    if activity.kind == "round":
        return activity.settings.prompt
    if activity.kind == "form":
        return activity.settings.fields[0].label
    return None


def worded(activity: Any, prompt: str | None) -> Any:
    """The activity with this session's wording: a copy (the parsed file is shared and frozen) whose
    round prompt, or form's first field label, is `prompt`. No wording, or another kind: unchanged."""
    if not prompt or activity.kind not in PROMPT_KINDS:
        return activity
    settings = activity.settings
    if activity.kind == "round":
        settings = settings.model_copy(update={"prompt": prompt})
    else:
        first, *rest = settings.fields
        settings = settings.model_copy(update={"fields": [first.model_copy(update={"label": prompt}), *rest]})
    return activity.model_copy(update={"settings": settings})


def brief(activity: Any, emotions: list[dict]) -> dict:
    """What every screen may know about the running activity (its own content, nothing personal).
    Facilitator-only parts of the file sit under "guide", which only the facilitator view includes."""
    settings = activity.settings.model_dump()
    if activity.kind == "form":
        settings.pop("print", None)  # how the worksheet prints: nothing a screen draws
        for f in settings["fields"]:
            f.pop("distress_alert", None)
    if activity.kind == "info":
        settings.pop("grid", None)  # printed only
    return {
        "slug": activity.slug, "title": activity.title, "kind": activity.kind, "intro": activity.intro,
        "prompts": list(activity.prompts), "content_note": activity.content_note, "settings": settings,
        "emotions": emotions if activity.kind == "form" else [],
        "guide": {"purpose": activity.purpose, "steps": [s.model_dump() for s in activity.steps],
                  "safety_notes": list(activity.safety_notes), "debrief": list(activity.debrief),
                  "hybrid_notes": list(activity.hybrid_notes)},
    }


def ensure_plan_keys(state: dict) -> dict:
    for key, default in (("plan", []), ("current", None), ("activity", None), ("item", None),
                         ("item_started_at", None), ("elapsed", {}), ("resumed_run", None)):
        state.setdefault(key, default)
    return state


def set_plan(state: dict, items: list[dict]) -> list[dict]:
    if len(items) > PLAN_MAX:
        raise Rejected(f"A plan holds at most {PLAN_MAX} activities.")
    state["plan"] = items
    if state["current"] is not None and state["current"] >= len(items):
        state["current"] = None
    return []


def _members(state: dict) -> list[dict]:
    return [{"id": m["id"], "name": m["name"], "in_room": m["in_room"], **({"remote": m["remote"]} if "remote" in m else {})}
            for m in state["members"]]


def stop(state: dict, now: float) -> list[dict]:
    """End the running activity (if any) and hand its final state to the hub to keep."""
    if state["activity"] is None:
        return []
    until = state["activity"].get(engine.PAUSED_AT) or now  # stopped during a pause: the pause does not count
    # a round closes the running turn (its airtime counts) and notes whether it was left open
    state["activity"] = engine.suspend(state["activity"], now)
    index = state["current"]
    started = state["item_started_at"] or now
    key = str(index)
    state["elapsed"][key] = state["elapsed"].get(key, 0) + max(0.0, until - started)
    item = state["item"]
    planned = state["plan"][index]["minutes"] if index is not None and index < len(state["plan"]) else 0
    run = {"position": index, "slug": item["slug"], "title": item["title"], "kind": item["kind"],
           "planned_minutes": planned, "started_at": started, "ended_at": now, "state": state["activity"],
           "replaces": state.get("resumed_run")}
    state["activity"], state["item"], state["item_started_at"], state["resumed_run"] = None, None, None, None
    return [{"type": "archive", "run": run}]


def go(state: dict, index: object, activity: Any, item_brief: dict, now: float, seed: int,
       options: dict, resume: dict | None = None) -> list[dict]:
    """Start plan item `index` (ending whatever runs now). `resume` is the item's last archived run in
    this session ({"id", "state"}, from the hub): a go-around left open carries on from it."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(state["plan"]):
        raise Rejected("There is no such step in the plan.")
    if state["phase"] == "ended":
        raise Rejected("This session has ended.")
    reopening = resume is not None and index != state["current"] and engine.can_reopen(resume.get("state"))
    if reopening:
        new_activity = engine.reopen(resume["state"], _members(state), now)
    else:
        new_activity = engine.start(activity, _members(state), now, seed, options)
    if state["phase"] == "paused":  # started during a pause: its clock waits for "Resume" too
        new_activity = engine.pause(new_activity, now)
    effects = stop(state, now)
    state["current"], state["activity"], state["item"], state["item_started_at"] = index, new_activity, item_brief, now
    state["resumed_run"] = resume["id"] if reopening else None
    state["passes"] = []  # a pass is on the question in front of people: a new activity asks afresh
    return effects


def set_clock(state: dict, phase: str, now: float) -> None:
    """Hold the running activity's clock while the session is paused, and let it run on after."""
    if state["activity"] is None:
        return
    held_since = state["activity"].get(engine.PAUSED_AT)
    if phase != "paused" and held_since is not None and state["item_started_at"] is not None:
        state["item_started_at"] += max(0.0, now - held_since)  # the item's time does not count the pause
    hold = engine.pause if phase == "paused" else engine.resume
    state["activity"] = hold(state["activity"], now)


def act(state: dict, command: dict, now: float) -> list[dict]:
    """A command for the running activity's engine."""
    if state["activity"] is None:
        raise Rejected("No activity is running right now.")
    if command.get("type") in ("member_join", "member_leave"):
        raise Rejected("Not allowed.")
    state["activity"], effects = engine.apply(state["activity"], command, now)
    return effects


def sync_member(state: dict, command_type: str, member: dict | str, now: float) -> None:
    """Keep the running activity's members in step with the session's admitted members."""
    if state["activity"] is None:
        return
    try:
        state["activity"], _ = engine.apply(state["activity"], {"type": command_type, "actor": HUB,
                                                                "member": member}, now)
    except Rejected:
        pass  # already present / already gone: nothing to change


def sync_place(state: dict, member_id: str, remote: bool) -> None:
    """A member said where they are: the running activity's record follows (pairs group by it; a group
    already formed stays as it is, so the facilitator decides whether to move anyone)."""
    activity = state["activity"]
    record = (activity or {}).get("members", {}).get(member_id)
    if record is not None and not record["in_room"]:  # a new activity: the old one is never changed in place
        state["activity"] = {**activity, "members": {**activity["members"], member_id: {**record, "remote": remote}}}


def airtime_history(runs: list[dict]) -> dict[str, float]:
    """Seconds each member spoke in earlier rounds of this session, for a progressive order."""
    history: dict[str, float] = {}
    for run in runs:
        if run["kind"] == "round":
            for member, seconds in run["state"].get("airtime", {}).items():
                history[member] = history.get(member, 0.0) + float(seconds)
    return history
