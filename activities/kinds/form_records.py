"""What a form owns: erasing one member's answers, their record to take home, the facilitators' summary.

Private answers are the member's alone: they appear in the member's own record and, in a summary,
only as a count.
"""
from __future__ import annotations

import copy
from typing import Any

from activities.kinds import Record, State, Summary
from activities.kinds.shared_records import (
    FACILITATORS,
    GROUP,
    PRIVATE,
    empty_record,
    fact,
    forget_member,
    item,
    member_name,
    summary_of,
)


def is_commitment(field: dict[str, Any]) -> bool:
    """The check-out's "one small thing to try this week" (and any field named like it)."""
    return "commit" in field["id"]


def erase_member(state: State, member_id: str) -> State:
    new = copy.deepcopy(state)
    forget_member(new, member_id)
    new.get("answers", {}).pop(member_id, None)
    new.get("submitted_at", {}).pop(member_id, None)
    new["shared"] = [entry for entry in new.get("shared", []) if entry.get("member") != member_id]
    if (new.get("spotlight") or {}).get("member") == member_id:
        new["spotlight"] = None
    for approved in new.get("approved_words", {}).values():
        approved.pop(member_id, None)
    return new


def _audience(field: dict[str, Any], member_id: str, state: State) -> str:
    approved = state.get("approved_words", {}).get(field["id"], {})
    if member_id in approved and approved[member_id] == state.get("answers", {}).get(member_id, {}).get(field["id"]):
        return GROUP  # a word approved for the room's word list
    if field["audience"] == "group":
        shared = {"member": member_id, "field": field["id"]}
        return GROUP if any(entry == shared for entry in state.get("shared", [])) else FACILITATORS
    return PRIVATE if field["audience"] == "private" else FACILITATORS


def _entry(field: dict[str, Any], value: Any, audience: str) -> dict[str, Any]:
    label, commitment = field["label"], is_commitment(field)
    if field["type"] == "emotion":
        return item(label, text=value["word"], family=value.get("family"), audience=audience, commitment=commitment)
    if field["type"] == "scale":
        return item(label, text=f"{value} out of 10", audience=audience, commitment=commitment)
    if field["type"] == "list":
        return item(label, entries=[str(v) for v in value], audience=audience, commitment=commitment)
    return item(label, text=str(value), audience=audience, commitment=commitment)


def member_record(state: State, member_id: str) -> Record:
    """The member's own answers in form order; "group" only for an answer the facilitator shared."""
    record = empty_record()
    mine = state.get("answers", {}).get(member_id) or {}
    for field in state.get("fields", []):
        if field["id"] in mine:
            record["items"].append(_entry(field, mine[field["id"]], _audience(field, member_id, state)))
    return record


def left_for_home(state: State, member_id: str) -> list[dict[str, Any]]:
    """The fields meant for after the session (`at_home`) that the member has not answered yet, for the
    blank part of their take-home sheet. Field definitions only: nobody's answers."""
    mine = state.get("answers", {}).get(member_id) or {}
    return [copy.deepcopy(f) for f in state.get("fields", []) if f.get("at_home") and f["id"] not in mine]


def summary(state: State) -> Summary:
    """Every answer but private ones, per member (private ones only counted), and how many answered."""
    fields = [f for f in state.get("fields", []) if f["audience"] != PRIVATE]
    private_ids = {f["id"] for f in state.get("fields", []) if f["audience"] == PRIVATE}
    rows = [{"member": member, "name": member_name(state, member),
             "answers": {f["id"]: copy.deepcopy(answers.get(f["id"])) for f in fields},
             "private_count": sum(1 for fid in answers if fid in private_ids)}
            for member, answers in state.get("answers", {}).items()]
    headings = [{"id": f["id"], "label": f["label"], "type": f["type"]} for f in fields]
    return summary_of("form", facts=[fact("People who answered", len(rows))],
                      answers={"fields": headings, "rows": rows})
