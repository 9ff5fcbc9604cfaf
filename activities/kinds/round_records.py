"""What a round owns: who spoke and for how long. Nobody writes anything in a round, so a member's
record is empty; erasing a member takes them out of the order, the queues and the airtime."""
from __future__ import annotations

import copy

from activities.kinds import Record, State, Summary
from activities.kinds.round_rules import DONE, PASSED, SPEAKING
from activities.kinds.shared_records import empty_record, fact, forget_member, summary_of


def erase_member(state: State, member_id: str) -> State:
    """The round as if the member had never been in it. If they were speaking the floor stays open:
    the facilitator moves the round on (no clock here to start the next turn with)."""
    new = copy.deepcopy(state)
    forget_member(new, member_id)
    for key in ("order", "hands", "volunteers", "deferred"):
        new[key] = [member for member in new.get(key, []) if member != member_id]
    for key in ("status", "airtime", "history"):
        new.get(key, {}).pop(member_id, None)
    if new.get("speaker") == member_id:
        new["speaker"] = new["turn_started_at"] = new["deadline"] = None
    for key, field in (("left_open", "speaker"), ("resumed", "reopened")):
        if isinstance(new.get(key), dict) and new[key].get(field) == member_id:
            new[key][field] = None
    if isinstance(new.get("left_open"), dict):  # hands and volunteers waiting for the round's return
        for field in ("hands", "volunteers"):
            new["left_open"][field] = [m for m in new["left_open"].get(field, []) if m != member_id]
    return new


def member_record(state: State, member_id: str) -> Record:
    return empty_record()


def summary(state: State) -> Summary:
    """Airtime per member (facilitators only: a fairness view) and how the turns went."""
    statuses = list(state.get("status", {}).values())
    spoke = sum(1 for status in statuses if status in (DONE, SPEAKING))
    return summary_of("round", airtime={m: float(s) for m, s in state.get("airtime", {}).items()},
                      facts=[fact("Took a turn", spoke), fact("Passed", statuses.count(PASSED))])
