"""Building blocks every kind uses for the data it owns: member records and summaries (see
docs/ENGINE_CONTRACT.md, "Each kind owns its data")."""
from __future__ import annotations

import copy
from typing import Any

from activities.kinds import State, Summary

PRIVATE, FACILITATORS, PEOPLE, GROUP = "private", "facilitators", "people", "group"


def forget_member(state: State, member_id: str) -> None:
    """Drop a member's entry (their name) from a copy being erased; other keys are the kind's own."""
    state.get("members", {}).pop(member_id, None)


def erase_name_only(state: State, member_id: str) -> State:
    """``erase_member`` for a kind where nobody writes anything (a pacer, an info card): only the name goes."""
    new = copy.deepcopy(state)
    forget_member(new, member_id)
    return new


def no_record(state: State, member_id: str) -> dict[str, list]:
    """``member_record`` for a kind where nobody writes anything."""
    return empty_record()


def member_name(state: State, member_id: str | None, unknown: str = "Someone who left") -> str:
    """A name for records and summaries, which may read archived states whose member has gone."""
    record = state.get("members", {}).get(member_id) if member_id is not None else None
    return record["name"] if record else unknown


def item(label: str, *, text: str | None = None, entries: list[str] | None = None, audience: str = "private",
         commitment: bool = False, family: str | None = None) -> dict[str, Any]:
    """One entry of a member record (what they wrote), in the shape every kind shares."""
    return {"label": label, "text": text, "entries": entries, "audience": audience, "commitment": commitment,
            "family": family}


def summary_of(kind: str, *, facts: list[dict[str, Any]] | None = None, airtime: dict[str, float] | None = None,
               answers: dict[str, Any] | None = None) -> Summary:
    """A kind's summary in the shape every kind shares."""
    return {"kind": kind, "facts": facts or [], "airtime": airtime or {}, "answers": answers}


def empty_record() -> dict[str, list]:
    return {"items": [], "received": []}


def fact(label: str, value: int | float | str) -> dict[str, Any]:
    """One aggregate line of a summary: "Cards released", 4."""
    return {"label": label, "value": value}


def received(text: str, sender: str | None, label: str | None = None) -> dict[str, Any]:
    """Something another member addressed to this one (a card), with the sender only when they may know it."""
    return {"text": text, "from": sender, "label": label}
