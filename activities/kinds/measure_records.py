"""What a measure owns: erasing one member's answers, their record to take home, the facilitators' summary.

Answers go to the facilitators only, so every item of a member's record has the audience
"facilitators". The total and band appear only as one plain line of that record.
"""
from __future__ import annotations

import copy
from typing import Any

from activities import instruments
from activities.kinds import Record, State, Summary
from activities.kinds.measure_views import model
from activities.kinds.shared_records import (
    FACILITATORS,
    empty_record,
    fact,
    forget_member,
    item,
    member_name,
    summary_of,
)


def erase_member(state: State, member_id: str) -> State:
    new = copy.deepcopy(state)
    forget_member(new, member_id)
    for key in ("answers", "sources", "submitted_at", "previous_totals"):
        new.get(key, {}).pop(member_id, None)
    new["passed"] = [m for m in new.get("passed", []) if m != member_id]
    return new


def _options(data: dict[str, Any], entry: dict[str, Any]) -> list[dict[str, Any]]:
    return entry["options"] or data["options"]


def _score(state: State, answers: dict[str, int]) -> tuple[int | None, str]:
    result = instruments.score(model(state), answers)
    return result.total, result.band


def member_record(state: State, member_id: str) -> Record:
    """Each answered item with the chosen option's words, then the total (and band) as a plain line."""
    record = empty_record()
    answers = state.get("answers", {}).get(member_id)
    data = state.get("instrument")
    if not answers or not data:
        return record
    for entry in data["items"]:
        if entry["id"] in answers:
            label = next((o["label"] for o in _options(data, entry) if o["value"] == answers[entry["id"]]),
                         str(answers[entry["id"]]))
            record["items"].append(item(entry["text"], text=label, audience=FACILITATORS))
    total, band = _score(state, answers)
    if total is not None:
        line = f"Total {total}" + (f" ({band})" if band else "")
        record["items"].append(item(f"{data['title']} total", text=line, audience=FACILITATORS))
    return record


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def summary(state: State) -> Summary:
    """Per member: total, band, whether a risk item was answered, or that they passed; how many answered."""
    instrument = model(state) if state.get("instrument") else None
    rows = []
    for member, answers in state.get("answers", {}).items():
        result = instruments.score(instrument, answers) if instrument else None
        rows.append({"member": member, "name": member_name(state, member), "private_count": 0,
                     "answers": {"total": result.total if result else None, "band": result.band if result else "",
                                 "risk": _yes(bool(result and result.risk)), "passed": _yes(False)}})
    for member in state.get("passed", []):
        rows.append({"member": member, "name": member_name(state, member), "private_count": 0,
                     "answers": {"total": None, "band": "", "risk": _yes(False), "passed": _yes(True)}})
    fields = [{"id": "total", "label": "Total", "type": "short_text"},
              {"id": "band", "label": "Band", "type": "short_text"},
              {"id": "risk", "label": "Risk item answered", "type": "short_text"},
              {"id": "passed", "label": "Chose not to answer", "type": "short_text"}]
    return summary_of("measure", facts=[fact("People who answered", len(state.get("answers", {}))),
                                        fact("People who chose not to answer", len(state.get("passed", [])))],
                      answers={"fields": fields, "rows": rows})
