"""Measure engine: a scored questionnaire (PHQ-9, GAD-7, the session feedback check) filled in live.

State (``kind: "measure"``)::

    phase            "open" -> "closed" (answers can still be deleted when closed)
    instrument       the instrument as plain data (``Instrument.model_dump()``, copied at start: the
                     engine never reads a file after that)
    previous_totals  {member id: total} for this instrument, from the start option ``previous_totals``
    members          {id: {name, in_room, present}}
    answers          {member id: {item id: int}}; a resubmission replaces the whole set
    sources          {member id: "phone" | "paper" | "before"}: how the answers came in
    submitted_at     {member id: now of the last submission}
    passed           [member ids] who chose not to answer today (their answers, if any, are gone)

Scores are for facilitators only: a participant sees their own answers, never a total, band or flag;
the display sees only how many have answered.
"""
from __future__ import annotations

from typing import Any

from activities import instruments
from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    acting_for,
    dispatch,
    handle_join,
    handle_leave,
    member_arg,
    require_facilitator,
)
from activities.kinds import measure_records as records
from activities.kinds.measure_views import display_view, facilitator_view, model, participant_view
from activities.schema import MeasureSettings

OPEN, CLOSED = "open", "closed"
PHONE, PAPER, BEFORE = "phone", "paper", "before"


def start(settings: MeasureSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    try:
        found = instruments.instrument(settings.instrument)
    except KeyError:
        raise Rejected("This questionnaire is not available.") from None
    previous = {member: totals[found.id] for member, totals in options.previous_totals.items()
                if found.id in totals}
    return {
        "kind": "measure",
        "phase": OPEN,
        "instrument": found.model_dump(mode="json"),
        "previous_totals": previous,
        "members": members,
        "answers": {},
        "sources": {},
        "submitted_at": {},
        "passed": [],
    }


def _require_open(state: State) -> None:
    if state["phase"] != OPEN:
        raise Rejected("This questionnaire is closed.")


def _member_and_source(state: State, cmd: Command) -> tuple[str, str]:
    """Who the answers belong to and how they came: a phone, paper typed in by a facilitator for an
    in-room member, or (the hub, a facilitator without an id) answers given before the session."""
    if cmd.actor.is_facilitator and cmd.actor.id is None and cmd.args.get("source") == BEFORE:
        return member_arg(state, cmd), BEFORE
    if cmd.args.get("source") == BEFORE:
        raise Rejected("Only the app can bring in answers given before the session.")
    member = acting_for(state, cmd, facilitator_may="in_room")
    return member, PAPER if cmd.actor.is_facilitator else PHONE


def _alerts(state: State, member: str, before: dict[str, int], after: dict[str, int]) -> list[Effect]:
    """Risk alerts for rules that newly hold or hold with a new value; feedback flags likewise."""
    instrument = model(state)
    previous = state["previous_totals"].get(member)
    old, new = instruments.score(instrument, before, previous), instruments.score(instrument, after, previous)
    base = {"type": "alert", "member": member, "instrument": instrument.id}
    earlier = {rule["item"]: rule["value"] for rule in old.risk} if before else {}
    effects = [{**base, "kind": "risk", "field": rule["item"], "value": rule["value"], "say": rule["say"]}
               for rule in new.risk if earlier.get(rule["item"]) != rule["value"]]
    flagged = {(flag.get("item", "total"), flag["value"]) for flag in old.flags} if before else set()
    for flag in new.flags:
        field = flag.get("item", "total")
        if (field, flag["value"]) not in flagged:
            effects.append({**base, "kind": "feedback", "field": field, "value": flag["value"], "why": flag["why"]})
    return effects


# ---- commands ---------------------------------------------------------------------------------


def _submit(state: State, cmd: Command, now: float) -> list[Effect]:
    _require_open(state)
    member, source = _member_and_source(state, cmd)
    instrument = model(state)
    try:
        answers = instruments.clean(instrument, cmd.args.get("answers"))
    except ValueError as exc:
        raise Rejected(str(exc)) from None
    before = state["answers"].get(member, {})
    state["answers"][member] = answers
    state["sources"][member] = source
    state["submitted_at"][member] = now
    state["passed"] = [m for m in state["passed"] if m != member]
    result = instruments.score(instrument, answers, state["previous_totals"].get(member))
    score = {"type": "score", "member": member, "instrument": instrument.id, "items": dict(answers),
             "total": result.total, "band": result.band, "risk": bool(result.risk), "source": source}
    return [score, *_alerts(state, member, before, answers)]


def _forget(state: State, member: str) -> bool:
    had = member in state["answers"]
    state["answers"].pop(member, None)
    state["sources"].pop(member, None)
    state["submitted_at"].pop(member, None)
    return had


def _pass(state: State, cmd: Command, now: float) -> list[Effect]:
    """The right to pass: no answers today, and nothing scored."""
    _require_open(state)
    member = acting_for(state, cmd, facilitator_may="in_room")
    if member in state["passed"]:
        raise Rejected("You have already chosen not to answer today.")
    had = _forget(state, member)
    state["passed"].append(member)
    return [_deleted(state, member)] if had else []


def _deleted(state: State, member: str) -> Effect:
    return {"type": "score_deleted", "member": member, "instrument": state["instrument"]["id"]}


def _delete_answers(state: State, cmd: Command, now: float) -> list[Effect]:
    member = acting_for(state, cmd, facilitator_may="in_room")
    if not _forget(state, member):
        raise Rejected("There are no answers to delete.")
    return [_deleted(state, member)]


def _close(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    _require_open(state)
    state["phase"] = CLOSED


HANDLERS = {
    "submit": _submit,
    "pass": _pass,
    "delete_answers": _delete_answers,
    "close": _close,
    "member_join": handle_join,
    "member_leave": handle_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


ENGINE = KindEngine("measure", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=records.erase_member, member_record=records.member_record,
                    summary=records.summary)
