"""The pairs engine's group-forming commands: the facilitator forms the pairs and triads (at random, by
location or by hand) and changes them (``move``, ``swap``, ``pair_with``). Dispatched from ``HANDLERS`` in
activities/kinds/pairs.py, where the state keys are; the grouping rules they use are in pairs_rules.py."""
from __future__ import annotations

import random

from activities.kinds import (
    Command,
    Rejected,
    State,
    int_arg,
    is_int,
    member_arg,
    name_of,
    present_ids,
    require_facilitator,
)
from activities.kinds.pairs_rules import (
    FORMING,
    MAX_GROUP,
    MIN_GROUP,
    RUNNING,
    by_location,
    chunk,
    group_of,
    manual,
    new_group,
    require_phase,
)


def form_groups(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, FORMING, RUNNING)
    how, present = cmd.args.get("how"), present_ids(state)
    notes: list[str] = []
    if how == "manual":
        groups = manual(state, cmd.args.get("groups"), present)
    elif how in ("random", "by_location"):
        seed = cmd.args.get("seed")
        if not is_int(seed):
            raise Rejected("Forming groups at random needs a seed.")
        rng = random.Random(seed)
        groups, notes = by_location(state, present, rng) if how == "by_location" else (
            chunk(present, state["group"], rng), [])
    else:
        raise Rejected("Choose how to form the groups: random, by location or by hand.")
    state["groups"] = [new_group(state, members) for members in groups]
    state["notes"] = notes


def swap(state: State, cmd: Command, now: float) -> None:
    """Two people in different groups change places (before the rounds start: roles follow seats)."""
    require_facilitator(cmd)
    require_phase(state, FORMING)
    a, b = member_arg(state, cmd), member_arg(state, cmd, "with")
    first, second = group_of(state, a), group_of(state, b)
    if first is None or second is None:
        raise Rejected("Both people need to be in a group to swap.")
    if first is second:
        raise Rejected(f"{name_of(state, a)} and {name_of(state, b)} are already in the same group.")
    first["members"][first["members"].index(a)] = b
    second["members"][second["members"].index(b)] = a


def pair_with(state: State, cmd: Command, now: float) -> None:
    """Someone waiting, with every group full: a partner leaves their group of three to make a new pair.
    The group of three goes on as a pair; the new pair starts the round afresh."""
    require_facilitator(cmd)
    require_phase(state, FORMING, RUNNING)
    member, partner = member_arg(state, cmd), member_arg(state, cmd, "partner")
    if group_of(state, member) is not None:
        raise Rejected(f"{name_of(state, member)} is already in a group.")
    source = group_of(state, partner)
    if source is None or len(source["members"]) <= MIN_GROUP:
        raise Rejected(f"{name_of(state, partner)} is not in a group of three.")
    source["members"].remove(partner)
    state["groups"].append(new_group(state, [partner, member]))


def move(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    require_phase(state, FORMING, RUNNING)
    if not state["groups"]:
        raise Rejected("Form the groups first.")
    member = member_arg(state, cmd)
    target = state["groups"][int_arg(cmd, "to", 0, len(state["groups"]) - 1, "There is no such group.")]
    source, name = group_of(state, member), name_of(state, member)
    if source is target:
        raise Rejected(f"{name} is already in that group.")
    if len(target["members"]) >= MAX_GROUP:
        raise Rejected("That group already has three people.")
    if source is not None and len(source["members"]) <= MIN_GROUP:
        other = name_of(state, next(m for m in source["members"] if m != member))
        raise Rejected(f"That would leave {other} on their own: move them too, or form the groups again.")
    if source is not None:
        source["members"].remove(member)
    target["members"].append(member)
