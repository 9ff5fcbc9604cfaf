"""Pairs views: facilitators see every group; a participant sees only their own group; the display
sees the frame (round, timer, what each role does, counts) and never a name unless ``show_names``.
A debrief answer reaches the display only without a name and once MIN_CONTRIBUTORS people have answered
that question; "yes, that's it" counts only when no answer (yes, not quite) stands for one person
(activities/privacy.py).

What a group says (a speaker's "not quite" word, an observer's checklist) reaches only the people who
were in that group when it was said; a listener's note reaches no other participant at all.
"""
from __future__ import annotations

from typing import Any

from activities import privacy
from activities.kinds import State, View, is_present, name_of
from activities.kinds.pairs_rules import (
    DEBRIEF,
    FOCUS,
    FORMING,
    LOOP_ROLES,
    OBSERVER,
    PARTNER,
    RUNNING,
    current,
    group_of,
    group_roles,
    guide,
    is_mixed,
    loop_summary,
    role_guide,
    role_index,
    role_of,
    scenario,
    steps_done,
    total_rounds,
    unplaced,
)

DEBRIEF_QUESTIONS = {"helped": "What helped?", "adjust": "What would you adjust?"}


def _common_view(state: State) -> View:
    keys = ("exercise", "phase", "round", "round_minutes", "deadline", "paused", "remaining")
    return {"kind": "pairs", **{key: state[key] for key in keys}, "total_rounds": total_rounds(state)}


def _shown(state: State, name: str | None, viewer: str | None = None) -> dict[str, Any] | None:
    shown = state["shown"]
    if shown is None:
        return None
    item = {"answer": shown["answer"], "question": DEBRIEF_QUESTIONS[shown["answer"]],
            "text": state["debriefs"][shown["member"]][shown["answer"]]}
    return {**item, "mine": shown["member"] == viewer} if viewer is not None else {**item, "name": name}


def debriefed(state: State, answer: str) -> int:
    """Present members who answered this debrief question."""
    return sum(1 for member, answers in state["debriefs"].items() if is_present(state, member) and answers.get(answer))


def _understood_for_room(state: State) -> int | None:
    """How many reflections were confirmed with "yes": only when both answers (yes, not quite) come from
    none or at least MIN_BUCKET people, and at least MIN_CONTRIBUTORS people answered."""
    people: dict[str, set[str]] = {"yes": set(), "not_quite": set()}
    for index, item in enumerate(state["loops"]):
        if item["result"] in people:
            people[item["result"]].add(item.get("confirmed_by") or f"loop{index}")
    everyone = people["yes"] | people["not_quite"]
    if not privacy.enough(len(everyone)) or any(0 < len(who) < privacy.MIN_BUCKET for who in people.values()):
        return None
    return sum(1 for item in state["loops"] if item["result"] == "yes")


def _totals(state: State) -> dict[str, int]:
    return {
        "loops": len(state["loops"]),
        "yes": sum(1 for item in state["loops"] if item["result"] == "yes"),
        "not_quite": sum(1 for item in state["loops"] if item["result"] == "not_quite"),
    }


def _person(state: State, member: str) -> dict[str, Any]:
    return {"id": member, **state["members"][member]}


def _loops_by_round(state: State, group: dict[str, Any]) -> list[dict[str, int]]:
    loops = [item for item in state["loops"] if item["group"] == group["id"]]
    return [{"round": r, "reflections": sum(1 for item in loops if item["round"] == r),
             "yes": sum(1 for item in loops if item["round"] == r and item["result"] == "yes"),
             "not_quite": sum(1 for item in loops if item["round"] == r and item["result"] == "not_quite")}
            for r in sorted({item["round"] for item in loops})]


def _turn(state: State, group: dict[str, Any], member: str) -> dict[str, bool]:
    """What a member's role this round asks of them (for the facilitator acting for someone in the room):
    offer the reflection, answer it, tick the observer checklist, mark the repair steps."""
    position = role_index(state, group, member)
    offers, answers = LOOP_ROLES[state["exercise"]]
    return {"offers_reflection": position == offers, "answers_reflection": position == answers,
            "observes": position >= OBSERVER, "marks_steps": state["exercise"] == "repair" and position == FOCUS,
            "marks_asks": position == PARTNER and bool(_ask_steps(state))}


def _group_row(state: State, index: int, group: dict[str, Any]) -> dict[str, Any]:
    loops = current(state["loops"], state, group)
    return {
        "id": group["id"],
        "index": index,
        "mixed": is_mixed(state, group),
        "members": [{**_person(state, m), "role": role_of(state, group, m), **_turn(state, group, m)}
                    for m in group["members"]],
        "loops": loop_summary(state, group),
        "loops_by_round": _loops_by_round(state, group),
        "reflection_notes": [{"by": item["by"], "name": name_of(state, item["by"]), "note": item["note"]}
                             for item in loops if item["note"]],
        "checklists": [
            {"round": item["round"], "by": item["by"], "name": name_of(state, item["by"]),
             "items": dict(item["items"]), "note": item["note"]}
            for item in state["checklists"] if item["group"] == group["id"]
        ],
        "steps_done": steps_done(state, group),
        "steps_asked": steps_done(state, group, "asked"),
    }


def facilitator_view(state: State) -> View:
    shown = state["shown"]
    return {
        **_common_view(state),
        "group_setting": state["group"],
        "roles": role_guide(state),
        "listener_prompts": list(state["listener_prompts"]),
        "observer_checklist": list(state["observer_checklist"]),
        "repair_steps": list(state["repair_steps"]),
        "ask_steps": _ask_steps(state),
        "scenario": scenario(state),
        "notes": list(state["notes"]),
        "groups": [_group_row(state, index, group) for index, group in enumerate(state["groups"])],
        "unplaced": [_person(state, m) for m in unplaced(state)],
        "totals": _totals(state),
        "debriefs": [{"id": m, "name": name_of(state, m), **dict(answers)}
                     for m, answers in state["debriefs"].items()],
        # which debrief questions have enough answers for one to go on the room display
        "debrief_can_show": {q: privacy.enough(debriefed(state, q)) for q in DEBRIEF_QUESTIONS},
        "shown_debrief": None if shown is None else {**_shown(state, name_of(state, shown["member"])),
                                                     "member": shown["member"]},
        "present": [_person(state, m) for m, record in state["members"].items() if record["present"]],
    }


def _placement(state: State, group: dict[str, Any] | None) -> tuple[str, str | None]:
    if group is not None:
        return "placed", None
    if not state["groups"] and state["phase"] == FORMING:
        return "not_formed", "The groups are being formed."
    if state["phase"] == DEBRIEF:
        return "together", None
    return "waiting", "Waiting to be placed in a group."


def _observer_notes(state: State, member_id: str) -> list[dict[str, Any]]:
    """Checklists of finished rounds from groups this member was in when they were written."""
    def finished(item: dict[str, Any]) -> bool:
        return item["round"] < state["round"] or state["phase"] == DEBRIEF

    return [{"round": item["round"], "items": dict(item["items"]), "note": item["note"]}
            for item in state["checklists"] if member_id in item["audience"] and finished(item)]


def _turns(state: State, group: dict[str, Any], member_id: str, index: int | None) -> View:
    """Who reflects back and who says whether it fits, decided here so the phone need not know the rule:
    the others' first names, and this member's own part (reflect, confirm or neither: the observer)."""
    reflector, confirmer = LOOP_ROLES[state["exercise"]]
    at = {role_index(state, group, m): m for m in group["members"]}

    def other(position: int) -> str | None:
        m = at.get(position)
        return None if m is None or m == member_id else name_of(state, m)

    mine = "reflect" if index == reflector else "confirm" if index == confirmer else None
    return {"reflector": other(reflector), "confirmer": other(confirmer), "mine": mine}


def participant_view(state: State, member_id: str) -> View:
    here = is_present(state, member_id)
    group = group_of(state, member_id) if here else None
    placement, waiting_note = _placement(state, group)
    index = None if group is None else role_index(state, group, member_id)
    roles = [] if group is None else group_roles(state, len(group["members"]))
    reflector, confirmer = LOOP_ROLES[state["exercise"]]
    running = state["phase"] == RUNNING and group is not None
    is_observer = index is not None and index >= OBSERVER
    mine = [] if group is None else [c for c in current(state["checklists"], state, group) if c["by"] == member_id]
    loop = None if group is None else loop_summary(state, group, viewer=member_id)
    prompts = list(state["listener_prompts"]) if index == reflector else []
    return {
        **_common_view(state),
        "placement": placement,
        "waiting_note": waiting_note,
        "my_role": None if index is None else roles[index],
        "my_role_does": None if index is None else guide(state)[min(index, OBSERVER)],
        "group": [] if group is None else [
            {"name": name_of(state, m), "role": role_of(state, group, m), "me": m == member_id}
            for m in group["members"]
        ],
        "mixed_group": group is not None and is_mixed(state, group),
        "turns": None if group is None else _turns(state, group, member_id, index),
        "prompts": prompts,
        "checklist": list(state["observer_checklist"]) if is_observer else [],
        # In a listening exercise the idea to talk about is for the one who speaks, not the listener.
        "scenario": scenario(state) if group is not None and (state["exercise"] != "listening" or index == FOCUS) else None,
        "repair_steps": list(state["repair_steps"]) if state["exercise"] == "repair" else [],
        "steps_done": [] if group is None else steps_done(state, group),
        "ask_steps": _ask_steps(state),
        "steps_asked": [] if group is None else steps_done(state, group, "asked"),
        "loop": loop,
        "my_notes": [item["note"] for item in ([] if group is None else current(state["loops"], state, group))
                     if item["by"] == member_id and item["note"]],
        "my_checklist": {"items": dict(mine[0]["items"]), "note": mine[0]["note"]} if mine else None,
        "observer_notes": _observer_notes(state, member_id) if here else [],
        "can": {
            "reflect": running and index == reflector,
            "confirm": running and index == confirmer and bool(loop and loop["waiting_for_answer"]),
            "checklist": running and is_observer,
            "repair_step": running and index == FOCUS and state["exercise"] == "repair" and bool(state["repair_steps"]),
            "ask_step": running and index == PARTNER and bool(_ask_steps(state)),
            "debrief": here and state["phase"] == DEBRIEF,
        },
        "my_debrief": dict(state["debriefs"][member_id]) if member_id in state["debriefs"] else None,
        "debrief_who_sees": privacy.WHO_SEES["debrief"],
        "shown_debrief": _shown_for_room(state, viewer=member_id),
    }


def _ask_steps(state: State) -> list[str]:
    return list(state.get("ask_steps", [])) if state["exercise"] == "repair" else []


def _shown_for_room(state: State, viewer: str | None = None) -> dict[str, Any] | None:
    """The shown debrief answer, without a name, while enough people have answered its question."""
    shown = state["shown"]
    if shown is None or not privacy.enough(debriefed(state, shown["answer"])):
        return None
    return _shown(state, None, viewer=viewer)


def display_view(state: State, show_names: bool) -> View:
    totals = _totals(state)
    return {
        **_common_view(state),
        "roles": role_guide(state),
        "repair_steps": list(state["repair_steps"]) if state["exercise"] == "repair" else [],
        "ask_steps": _ask_steps(state),
        "group_count": len(state["groups"]),
        # The groups the display asks people to find: first names only when the facilitator shows names.
        "groups": [[name_of(state, m) for m in g["members"]] for g in state["groups"]]
        if show_names and state["phase"] != DEBRIEF else [],
        "waiting": len(unplaced(state)) if state["groups"] and state["phase"] != DEBRIEF else 0,
        "loops_total": totals["loops"],
        "understood_total": _understood_for_room(state),
        "shown_debrief": _shown_for_room(state),
    }
