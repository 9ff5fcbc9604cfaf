"""Pairs engine: empathic listening, role-play rehearsal and repair practice in pairs and triads.

State (``kind: "pairs"``)::

    phase        "forming" -> "running" -> "debrief"
    exercise, group, roles, round_minutes, listener_prompts, observer_checklist, repair_steps,
    ask_steps, scenarios    from PairsSettings
    members      {id: {name, in_room, present}}
    groups       [{"id": "g3", "members": [ids in seating order]}]; roles derive from the round
    next_group   counter behind the group ids (a re-formed or new group gets a fresh id)
    notes        what forming had to decide (someone alone at a location joined the other side)
    round        0 before the first round, then 1, 2, ...
    deadline     soft end of the round (informs, never cuts off); None while paused
    paused, remaining   the timer is paused with ``remaining`` seconds left (may be negative: overtime)
    loops        [{group, round, by, note, result, word, audience, confirmed_by}]: one per reflection offered
    checklists   [{group, round, by, items: {"0": bool}, note, audience}]: one per observer per round
    repairs      [{group, round, done: [repair step indices], asked: [ask step indices]}]: in a repair the
                 person repairing marks the repair steps, the person who was hurt the steps of asking
    debriefs     {member: {"helped", "adjust"}}
    shown        {"member", "answer"}: the debrief answer on the display, or None

``audience`` is the group's members when the record was made: an exchange reaches those people only,
however the groups change afterwards. Present members in no group wait to be placed. The commands that
form and change the groups are in activities/kinds/pairs_groups.py.
"""
from __future__ import annotations

from typing import Any

from activities import privacy
from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    acting_for,
    dispatch,
    int_arg,
    join,
    leave,
    member_arg,
    name_of,
    pairs_groups,
    pairs_records,
    require_facilitator,
)
from activities.kinds.pairs_rules import (
    DEBRIEF,
    FOCUS,
    FORMING,
    LOOP_ROLES,
    MIN_GROUP,
    OBSERVER,
    PARTNER,
    RUNNING,
    checklist_items,
    current,
    group_of,
    place,
    require_phase,
    role_member,
    text_arg,
    total_rounds,
)
from activities.kinds.pairs_views import (
    DEBRIEF_QUESTIONS,
    debriefed,
    display_view,
    facilitator_view,
    participant_view,
)
from activities.schema import PairsSettings

MAX_EXTENSION_SECONDS = 1800
MAX_NOTE, MAX_WORD, MAX_OBSERVER_NOTE, MAX_DEBRIEF = 200, 60, 300, 300


def start(settings: PairsSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    return {
        "kind": "pairs", "phase": FORMING, **settings.model_dump(), "members": members,
        "groups": [], "next_group": 0, "notes": [], "round": 0,
        "deadline": None, "paused": False, "remaining": None,
        "loops": [], "checklists": [], "repairs": [], "debriefs": {}, "shown": None,
    }


# ---- joining and leaving (forming and changing the groups: activities/kinds/pairs_groups.py) ---


def _member_join(state: State, cmd: Command, now: float) -> None:
    member = join(state, cmd)
    if state["groups"] and state["phase"] != DEBRIEF:
        place(state, member)


def _member_leave(state: State, cmd: Command, now: float) -> None:
    member = leave(state, cmd)
    group = group_of(state, member)
    if group is not None:
        group["members"].remove(member)
        if len(group["members"]) < MIN_GROUP:  # the one left waits to be placed
            state["groups"].remove(group)


# ---- rounds and timer -------------------------------------------------------------------------


def _begin(state: State, now: float) -> None:
    state["deadline"] = now + state["round_minutes"] * 60
    state["paused"], state["remaining"] = False, None


def _start_round(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, FORMING)
    if not state["groups"]:
        raise Rejected("Form the groups first.")
    state["phase"], state["round"] = RUNNING, 1
    _begin(state, now)


def _next_round(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, RUNNING)
    if state["round"] >= total_rounds(state):
        raise Rejected("Everyone has had each role. Call everyone back when you are ready.")
    state["round"] += 1
    _begin(state, now)


def _extend(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, RUNNING)
    seconds = int_arg(cmd, "seconds", 1, MAX_EXTENSION_SECONDS,
                      f"Extra time must be 1 to {MAX_EXTENSION_SECONDS} seconds.")
    state["remaining" if state["paused"] else "deadline"] += seconds


def _pause(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, RUNNING)
    if state["paused"]:
        raise Rejected("The timer is already paused.")
    state["paused"], state["remaining"], state["deadline"] = True, state["deadline"] - now, None


def _resume(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, RUNNING)
    if not state["paused"]:
        raise Rejected("The timer is not paused.")
    state["paused"], state["deadline"], state["remaining"] = False, now + state["remaining"], None


def _call_back(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, FORMING, RUNNING)
    state["phase"] = DEBRIEF
    state["deadline"], state["paused"], state["remaining"] = None, False, None


# ---- the listening loop, checklist and repair steps -------------------------------------------


def _reflected(state: State, cmd: Command, now: float) -> None:
    member, group = role_member(state, cmd, LOOP_ROLES[state["exercise"]][0])
    note = text_arg(cmd, "note", MAX_NOTE, "A note")
    state["loops"].append({"group": group["id"], "round": state["round"], "by": member, "note": note,
                           "result": None, "word": None, "audience": list(group["members"])})


def _confirm(state: State, cmd: Command, now: float) -> None:
    member, group = role_member(state, cmd, LOOP_ROLES[state["exercise"]][1])
    result = cmd.args.get("result")
    if result not in ("yes", "not_quite"):
        raise Rejected("Answer “yes, that's it” or “not quite”.")
    word = text_arg(cmd, "word", MAX_WORD, "A word to add")
    if word is not None and result == "yes":
        raise Rejected("A word to add goes with “not quite”.")
    loops = [item for item in current(state["loops"], state, group) if member in item["audience"]]
    if not loops or loops[-1]["result"] is not None:
        raise Rejected("There is no reflection to answer yet.")
    loops[-1]["result"], loops[-1]["word"], loops[-1]["confirmed_by"] = result, word, member


def _checklist(state: State, cmd: Command, now: float) -> None:
    member, group = role_member(state, cmd, OBSERVER)
    items = checklist_items(cmd.args.get("items", {}), len(state["observer_checklist"]))
    note = text_arg(cmd, "note", MAX_OBSERVER_NOTE, "A note")
    if not items and note is None:
        raise Rejected("Please tick an item or add a note.")
    record = {"group": group["id"], "round": state["round"], "by": member, "items": items, "note": note,
              "audience": list(group["members"])}
    state["checklists"] = [c for c in state["checklists"]
                           if (c["group"], c["round"], c["by"]) != (group["id"], state["round"], member)]
    state["checklists"].append(record)


def _mark_step(state: State, cmd: Command, position: int, steps: str, marked: str, none: str) -> None:
    """Mark one of a repair's steps done (or not) for this group and round: the repair steps by the
    person repairing (``FOCUS``), the steps of asking for repair by the person who was hurt (``PARTNER``)."""
    if state["exercise"] != "repair" or not state.get(steps):
        raise Rejected(none)
    member, group = role_member(state, cmd, position)
    index = int_arg(cmd, "index", 0, len(state[steps]) - 1, "There is no such step.")
    done = cmd.args.get("done", True)
    if not isinstance(done, bool):
        raise Rejected("A step is either done or not.")
    marks = current(state["repairs"], state, group)
    if not marks:
        marks = [{"group": group["id"], "round": state["round"], "done": [], "asked": []}]
        state["repairs"].append(marks[0])
    before = set(marks[0].get(marked, []))
    marks[0][marked] = sorted(before | {index} if done else before - {index})


def _repair_step(state: State, cmd: Command, now: float) -> None:
    _mark_step(state, cmd, FOCUS, "repair_steps", "done", "This exercise has no repair steps.")


def _ask_step(state: State, cmd: Command, now: float) -> None:
    _mark_step(state, cmd, PARTNER, "ask_steps", "asked", "This exercise has no steps for asking for repair.")


# ---- debrief ----------------------------------------------------------------------------------


def _debrief(state: State, cmd: Command, now: float) -> None:
    if state["phase"] != DEBRIEF:
        raise Rejected("The debrief opens once everyone is back together.")
    member = acting_for(state, cmd, facilitator_may="in_room")
    answers = {key: text_arg(cmd, key, MAX_DEBRIEF, "An answer") or "" for key in DEBRIEF_QUESTIONS}
    if not any(answers.values()):
        raise Rejected("Please write what helped, or what you would adjust.")
    state["debriefs"][member] = answers
    shown = state["shown"]
    if shown is not None and shown["member"] == member and not answers[shown["answer"]]:
        state["shown"] = None


def _show_debrief(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    member = member_arg(state, cmd)
    answer = cmd.args.get("answer")
    if not isinstance(answer, str) or answer not in DEBRIEF_QUESTIONS:
        raise Rejected("Choose which answer to show: what helped, or what to adjust.")
    if not state["debriefs"].get(member, {}).get(answer):
        raise Rejected(f"{name_of(state, member)} has not answered that.")
    if not privacy.enough(debriefed(state, answer)):
        raise Rejected(f"Wait until at least {privacy.MIN_CONTRIBUTORS} people have answered "
                       f"“{DEBRIEF_QUESTIONS[answer]}”, so that no one's answer can be picked out.")
    state["shown"] = {"member": member, "answer": answer}


def _hide_debrief(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    if state["shown"] is None:
        raise Rejected("Nothing is being shown.")
    state["shown"] = None


HANDLERS = {
    "form_groups": pairs_groups.form_groups,
    "move": pairs_groups.move,
    "swap": pairs_groups.swap,
    "pair_with": pairs_groups.pair_with,
    "start_round": _start_round,
    "next_round": _next_round,
    "extend": _extend,
    "pause": _pause,
    "resume": _resume,
    "call_back": _call_back,
    "reflected": _reflected,
    "confirm": _confirm,
    "checklist": _checklist,
    "repair_step": _repair_step,
    "ask_step": _ask_step,
    "debrief": _debrief,
    "show_debrief": _show_debrief,
    "hide_debrief": _hide_debrief,
    "member_join": _member_join,
    "member_leave": _member_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


ENGINE = KindEngine("pairs", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=pairs_records.erase_member, member_record=pairs_records.member_record,
                    summary=pairs_records.summary)
