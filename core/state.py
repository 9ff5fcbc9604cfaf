"""The live-state document: which engine handles which command. Pure: the hub prepares anything
that needs the database (see core/catalogue.prepare) before calling `dispatch`."""
from __future__ import annotations

from activities import alerts, engine, frame, plan
from activities.engine import Rejected


def initial_state() -> dict:
    return plan.ensure_plan_keys(frame.new_state())


def _facilitator(command: dict) -> None:
    if command["actor"]["role"] != "facilitator":
        raise Rejected("Only a facilitator can do that.")


def _frame(state: dict, command: dict, now: float) -> tuple[dict, list[dict]]:
    new, effects = frame.apply(state, command, now)
    kind = command["type"]
    if kind == "member_join":
        plan.sync_member(new, "member_join", command["member_info"], now)
    elif kind == "member_leave":
        plan.sync_member(new, "member_leave", command["member"], now)
    elif kind == "set_phase" and new["phase"] == "ended":
        effects += plan.stop(new, now)
    elif kind == "set_phase":  # "Pause everyone" holds the activity's clock; "Resume" lets it run on
        plan.set_clock(new, new["phase"], now)
    elif kind == "set_place":
        plan.sync_place(new, frame.place_target(command), bool(command.get("remote")))
    elif kind == "erase_member":
        alerts.erase_member(new, frame.erase_target(command))
        _erase_in_activity(new, frame.erase_target(command), now)
    return new, effects


def _erase_in_activity(state: dict, member_id: str, now: float) -> None:
    """Erase one person from the running activity, whatever its kind; someone still admitted takes part
    again from a clean slate (so their screen keeps working)."""
    if state["activity"] is None:
        return
    state["activity"] = engine.erase_member(state["activity"], member_id)
    for member in state["members"]:
        if member["id"] == member_id:
            plan.sync_member(state, "member_join", dict(member), now)


def _record_alert(state: dict, command: dict, now: float) -> tuple[dict, list[dict]]:
    """Keep one alert the hub raises outside an activity (any phase): only the system may send it. The
    member may not be in the session yet, so the alert carries the name it was raised with."""
    if command["actor"]["role"] != "system" or not isinstance(command.get("effect"), dict):
        raise Rejected("Not allowed.")
    effect = command["effect"]
    new = engine.copy_state(state)
    effects = alerts.record(new, [effect], now)
    entry = next((a for a in new.get("alerts", []) if a["id"] == effects[0].get("alert")), None)
    if entry is not None:
        entry["name"] = entry["name"] or str(effect.get("name") or "")[:80]
        entry["activity"] = "Answered before the session" if effect.get("before") else entry["activity"]
    return new, [{**e, "name": effect.get("name")} for e in effects]


def dispatch(state: dict, command: dict, now: float) -> tuple[dict, list[dict]]:
    """Route a command to the engine that owns it; engines are pure and raise Rejected."""
    kind = command.get("type")
    if kind in frame.COMMANDS:
        return _frame(state, command, now)
    if kind == "alert_followup":  # also after the session ended: a follow-up often comes later
        new = engine.copy_state(state)
        return new, alerts.set_followup(new, command, now)
    if kind == "record_alert":  # a risk answer a member gave on their own page (core/measure_store.py)
        return _record_alert(state, command, now)
    if state["phase"] == "ended":
        raise Rejected("This session has ended.")
    new = engine.copy_state(state)
    if kind == "plan_go":
        _facilitator(command)
        effects = plan.go(new, command["index"], command["activity_def"], command["brief"], now,
                          command["seed"], command["options"], command.get("resume"))
        if new["phase"] == "lobby":  # one Start: the first activity starts the session too
            effects = effects + frame.set_phase(new, {"to": "running", "actor": command["actor"]}, now)
    elif kind == "plan_stop":
        _facilitator(command)
        effects = plan.stop(new, now)
    elif kind == "plan_set":
        if command["actor"]["role"] != "system":
            raise Rejected("Not allowed.")
        effects = plan.set_plan(new, command["items"])
    elif kind == "activity":
        action = command.get("action")
        if not isinstance(action, str):
            raise Rejected("The request does not say what to do.")
        args = command.get("args") or {}
        effects = plan.act(new, {**args, "type": action, "actor": command["actor"]}, now)
        if args.get("source") == "before":  # its alert was raised when the member gave the answer
            effects = [e for e in effects if e.get("type") != "alert"]
        effects = alerts.record(new, effects, now)
    else:
        raise Rejected("Unknown command.")
    return new, effects
