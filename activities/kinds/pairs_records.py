"""What a pairs exercise owns: reflections, "not quite" words, observer notes, repair ticks, debriefs.

An exchange belongs to everyone who was in the group when it was made (its ``audience``): a listener's
note reflects the speaker's words. Erasing a member therefore removes every exchange they were part
of, not only the ones they typed, and the group they were in if it would be left with one person.
"""
from __future__ import annotations

import copy
from typing import Any

from activities.kinds import Record, State, Summary
from activities.kinds.pairs_rules import DEBRIEF, LOOP_ROLES, MIN_GROUP
from activities.kinds.pairs_views import DEBRIEF_QUESTIONS
from activities.kinds.shared_records import (
    FACILITATORS,
    PEOPLE,
    empty_record,
    fact,
    forget_member,
    item,
    member_name,
    received,
    summary_of,
)


def erase_member(state: State, member_id: str) -> State:
    new = copy.deepcopy(state)
    name = member_name(new, member_id, unknown="")
    forget_member(new, member_id)
    was_in = {group["id"] for group in new.get("groups", []) if member_id in group["members"]}
    for group in new.get("groups", []):
        group["members"] = [m for m in group["members"] if m != member_id]
    # the one left behind waits to be placed, as when their partner leaves
    new["groups"] = [group for group in new.get("groups", []) if len(group["members"]) >= MIN_GROUP]
    for key in ("loops", "checklists"):
        new[key] = [entry for entry in new.get(key, []) if member_id not in entry["audience"]
                    and entry["by"] != member_id]
    new["repairs"] = [entry for entry in new.get("repairs", []) if entry["group"] not in was_in]
    new.get("debriefs", {}).pop(member_id, None)
    if (new.get("shown") or {}).get("member") == member_id:
        new["shown"] = None
    new["notes"] = [note for note in new.get("notes", []) if not name or name not in note]
    return new


def _confirmer(state: State, loop: dict[str, Any]) -> str | None:
    """Who answered a reflection: the seat holding the confirming role in that round."""
    seats, position = loop["audience"], LOOP_ROLES[state["exercise"]][1]
    return next((m for i, m in enumerate(seats) if (i - max(loop["round"] - 1, 0)) % len(seats) == position), None)


def _ticked(state: State, checklist: dict[str, Any]) -> list[str]:
    labels = state.get("observer_checklist", [])
    return [labels[int(i)] for i, on in sorted(checklist["items"].items(), key=lambda kv: int(kv[0]))
            if on and int(i) < len(labels)]


def _after_its_round(state: State, checklist: dict[str, Any]) -> bool:
    """The group sees an observer's notes once their round is over (as on the screen)."""
    return checklist["round"] < state.get("round", 0) or state.get("phase") == DEBRIEF


def member_record(state: State, member_id: str) -> Record:
    record = empty_record()
    for loop in state.get("loops", []):
        if loop["by"] == member_id and loop["note"]:
            record["items"].append(item(f"Round {loop['round']}: your reflection note", text=loop["note"],
                                        audience=FACILITATORS))
        if loop["word"] and _confirmer(state, loop) == member_id:
            record["items"].append(item(f"Round {loop['round']}: what you added (not quite)", text=loop["word"],
                                        audience=PEOPLE))
    for checklist in state.get("checklists", []):
        if checklist["by"] == member_id:
            record["items"].append(item(f"Round {checklist['round']}: your notes as observer",
                                        text=checklist["note"], entries=_ticked(state, checklist) or None,
                                        audience=PEOPLE))
        elif member_id in checklist["audience"] and _after_its_round(state, checklist):
            ticked = "; ".join(_ticked(state, checklist))
            text = " ".join(part for part in (checklist["note"], f"({ticked})" if ticked else "") if part)
            record["received"].append(received(text, None, f"Round {checklist['round']}: the observer's notes"))
    for key, question in DEBRIEF_QUESTIONS.items():
        answer = state.get("debriefs", {}).get(member_id, {}).get(key)
        if answer:
            record["items"].append(item(question, text=answer, audience=FACILITATORS))
    return record


def summary(state: State) -> Summary:
    """How the practice went, in counts, and the debrief answers (facilitators see them live too)."""
    loops = state.get("loops", [])
    facts = [fact("Pairs and triads", len(state.get("groups", []))), fact("Rounds", state.get("round", 0)),
             fact("Reflections offered", len(loops)),
             fact("“Yes, that's it”", sum(1 for loop in loops if loop["result"] == "yes")),
             fact("“Not quite”", sum(1 for loop in loops if loop["result"] == "not_quite")),
             fact("Observer notes", len(state.get("checklists", [])))]
    rows = [{"member": member, "name": member_name(state, member), "private_count": 0,
             "answers": {key: answers.get(key) or None for key in DEBRIEF_QUESTIONS}}
            for member, answers in state.get("debriefs", {}).items()]
    fields = [{"id": key, "label": question, "type": "long_text"} for key, question in DEBRIEF_QUESTIONS.items()]
    return summary_of("pairs", facts=facts, answers={"fields": fields, "rows": rows} if rows else None)
