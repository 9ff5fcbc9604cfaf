"""Measure views: who sees what of a questionnaire.

- Facilitators: the instrument, and per member their answers, how they came in, total, band, risk
  items, flags, their previous total and the change since; a group mean only with 3+ totals.
- A participant: the stem, the items and options in their exact wording, and their own answers;
  never a total, band, flag or risk wording, and nothing about anyone else.
- The display: the title and how many of those present have answered (none until MIN_CONTRIBUTORS
  have); nothing about anyone.
"""
from __future__ import annotations

from typing import Any

from activities import instruments, privacy
from activities.kinds import State, View, is_present, present_ids

MIN_GROUP_MEAN = privacy.MIN_CONTRIBUTORS  # fewer totals than this are never averaged: the mean would give someone away


def model(state: State) -> instruments.Instrument:
    """The instrument copied into the state at start, as the schema model (for scoring)."""
    return instruments.Instrument.model_validate(state["instrument"])


def questions(state: State) -> dict[str, Any]:
    """The wording every audience that answers may see: stem, items, each item's options."""
    data = state["instrument"]
    return {"title": data["title"], "stem": data["stem"],
            "items": [{"id": item["id"], "text": item["text"], "required": item["required"],
                       "options": [dict(o) for o in (item["options"] or data["options"])]}
                      for item in data["items"]]}


def answered(state: State) -> int:
    return sum(1 for member in state["answers"] if is_present(state, member))


def _row(state: State, instrument: instruments.Instrument, member: str) -> dict[str, Any]:
    answers = state["answers"].get(member)
    previous = state["previous_totals"].get(member)
    row = {"id": member, **state["members"][member], "submitted": answers is not None,
           "passed": member in state["passed"], "source": state["sources"].get(member),
           "submitted_at": state["submitted_at"].get(member), "answers": dict(answers or {}),
           "total": None, "band": "", "risk": [], "flags": [], "previous_total": previous, "change": None}
    if answers is not None:
        result = instruments.score(instrument, answers, previous)
        row.update(total=result.total, band=result.band, risk=[dict(r) for r in result.risk],
                   flags=[dict(f) for f in result.flags],
                   change=instruments.change(instrument, previous, result.total))
    return row


def facilitator_view(state: State) -> View:
    instrument = model(state)
    data = state["instrument"]
    rows = [_row(state, instrument, member) for member in state["members"]]
    totals = [row["total"] for row in rows if row["present"] and row["total"] is not None]
    low, high = instruments.total_range(instrument)
    return {
        "kind": "measure",
        "phase": state["phase"],
        "instrument": {**questions(state), "id": data["id"], "name": data["name"], "about": data["about"],
                       "source": data["source"], "licence": data["licence"],
                       "bands": [dict(b) for b in data["bands"]], "higher_is": data["higher_is"],
                       "cutoff": data["cutoff"], "reliable_change": data["reliable_change"],
                       "min_total": low, "max_total": high},
        "answered": answered(state),
        "passed": sum(1 for m in state["passed"] if is_present(state, m)),
        "present": len(present_ids(state)),
        "members": rows,
        "group_mean": round(sum(totals) / len(totals), 1) if len(totals) >= MIN_GROUP_MEAN else None,
    }


def participant_view(state: State, member_id: str) -> View:
    """Only the questions and this member's own answers: no score, no band, no one else."""
    return {
        "kind": "measure",
        "phase": state["phase"],
        **questions(state),
        "mine": dict(state["answers"].get(member_id) or {}),
        "submitted": member_id in state["answers"],
        "passed": member_id in state["passed"],
        "who_sees": privacy.WHO_SEES["measure"],
    }


def display_view(state: State, show_names: bool) -> View:
    """The title and "N of M have answered" (N only from MIN_CONTRIBUTORS); never names, answers, totals
    or bands."""
    count = privacy.count_for_room(answered(state))
    return {"kind": "measure", "phase": state["phase"], "title": state["instrument"]["title"],
            "answered": count, "present": len(present_ids(state)),
            "held_back": None if count is not None else privacy.SHOWN_WHEN}
