"""Pairs rules shared by the pairs commands and views: forming groups, roles, rotation, exchanges.

Groups are lists of member ids in seating order. Roles are derived, never stored: in round ``r``
(1-based; round 0 shows the first roles as a preview) the member at position ``i`` of a group of
``n`` holds role ``(i - (r - 1)) % n``. So after each round the listener becomes the speaker, the
observer the listener and the speaker the observer, and over ``n`` rounds every member of a stable
group takes each of its roles exactly once.

Role positions: 0 is the focus person (speaker, protagonist, person repairing), 1 their partner
(listener, partner, person receiving), 2 the observer. A pair uses the first two roles; a triad in an
exercise with only two roles gets a second observer-like role, "Observer".
"""
from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from activities.kinds import Command, Rejected, State, acting_for, is_int, is_present, name_of

FORMING, RUNNING, DEBRIEF = "forming", "running", "debrief"
FOCUS, PARTNER, OBSERVER = 0, 1, 2
MIN_GROUP, MAX_GROUP = 2, 3
EXTRA_OBSERVER = "Observer"

# Who offers the reflection and who answers it, by exercise (role positions). In a repair the person
# repairing listens and reflects ("I'd like to hear what it was like for you") and the receiver
# confirms; in listening and rehearsal the partner reflects what the focus person said.
LOOP_ROLES = {"listening": (PARTNER, FOCUS), "roleplay": (PARTNER, FOCUS), "repair": (FOCUS, PARTNER)}

ROLE_GUIDE = {
    "listening": (
        "Shares a moment that mattered, a little at a time, and says whether the reflection fits.",
        "Reflects back what they heard, the feeling they noticed, and why it makes sense.",
        "Notices what helps the speaker feel understood: tone, timing and phrasing.",
    ),
    "roleplay": (
        "Plays themselves and rehearses the conversation; they can pause, restart or stop.",
        "Plays the other person, realistically but not at their worst.",
        "Notices what works, and one adjustment that might help in the replay.",
    ),
    "repair": (
        "Offers the repair one step at a time, and listens to what it was like for the other person.",
        "Receives the repair and responds as a real person might, willing to be reached.",
        "Watches for what makes the repair land.",
    ),
}
# A repair with steps for asking: the one who was hurt opens by asking for repair.
ASKING_GUIDE = (
    ROLE_GUIDE["repair"][0],
    "Was hurt: opens by asking for repair, then receives it and responds as a real person might.",
    "Watches for what makes the asking and the repair land.",
)


def guide(state: State) -> tuple[str, str, str]:
    """What each role does in this exercise."""
    return ASKING_GUIDE if state["exercise"] == "repair" and state.get("ask_steps") else ROLE_GUIDE[state["exercise"]]

PHASE_REASONS = {
    FORMING: "The first round has not started yet.",
    RUNNING: "The rounds have already started.",
    DEBRIEF: "Everyone is back together for the debrief.",
}


def require_phase(state: State, *allowed: str) -> None:
    if state["phase"] not in allowed:
        raise Rejected(PHASE_REASONS[state["phase"]])


# ---- forming ----------------------------------------------------------------------------------


def sizes(count: int, group: str) -> list[int]:
    """Group sizes for ``count`` people: pairs with one triad when odd, or triads as far as possible
    (4 -> 2+2, 5 -> 3+2, 7 -> 3+2+2); never a group of one."""
    if count < MIN_GROUP:
        raise Rejected("At least two people are needed to form groups.")
    if group == "pairs":
        return [3] + [2] * ((count - 3) // 2) if count % 2 else [2] * (count // 2)
    triads, rest = divmod(count, 3)
    if rest == 0:
        return [3] * triads
    if rest == 2:
        return [3] * triads + [2]
    return [3] * (triads - 1) + [2, 2]


def chunk(ids: list[str], group: str, rng: random.Random) -> list[list[str]]:
    shuffled = list(ids)
    rng.shuffle(shuffled)
    groups, at = [], 0
    for size in sizes(len(shuffled), group):
        groups.append(shuffled[at:at + size])
        at += size
    return groups


def by_location(state: State, ids: list[str], rng: random.Random) -> tuple[list[list[str]], list[str]]:
    """In-room with in-room and remote with remote; a side of one joins the other side (said in notes)."""
    sizes(len(ids), state["group"])  # at least two people in all
    room = [m for m in ids if not remote_member(state, m)]
    remote = [m for m in ids if remote_member(state, m)]
    notes = []
    if len(room) == 1 and remote:
        notes.append(f"{name_of(state, room[0])} is the only one in the room, so they join a remote group.")
        room, remote = [], remote + room
    elif len(remote) == 1 and room:
        notes.append(f"{name_of(state, remote[0])} is the only one joining remotely, so they join a group "
                     "in the room.")
        room, remote = room + remote, []
    groups = [*(chunk(room, state["group"], rng) if room else []),
              *(chunk(remote, state["group"], rng) if remote else [])]
    return groups, notes


def manual(state: State, raw: object, present: list[str]) -> list[list[str]]:
    if not isinstance(raw, list) or not all(isinstance(group, list) for group in raw):
        raise Rejected("Groups must be a list of groups of member ids.")
    flat = [member for group in raw for member in group]
    if not all(isinstance(member, str) for member in flat) or any(not is_present(state, m) for m in flat):
        raise Rejected("Every group member must be someone who is here.")
    if len(flat) != len(set(flat)) or set(flat) != set(present):
        raise Rejected("Every member who is here must be in exactly one group.")
    if any(not MIN_GROUP <= len(group) <= MAX_GROUP for group in raw):
        raise Rejected("Each group needs two or three people.")
    return [list(group) for group in raw]


def new_group(state: State, members: list[str]) -> dict[str, Any]:
    state["next_group"] += 1
    return {"id": f"g{state['next_group']}", "members": list(members)}


def place(state: State, member: str) -> None:
    """A late joiner: the smallest group with room (same location first), else a waiting partner."""
    where = remote_member(state, member)

    def apart(candidate: str) -> bool:
        return remote_member(state, candidate) != where

    open_groups = [g for g in state["groups"] if len(g["members"]) < MAX_GROUP]
    if open_groups:
        best = min(open_groups, key=lambda g: (any(apart(m) for m in g["members"]), len(g["members"])))
        best["members"].append(member)
        return
    waiting = sorted((m for m in unplaced(state) if m != member), key=apart)
    if waiting:
        state["groups"].append(new_group(state, [waiting[0], member]))


# ---- roles ------------------------------------------------------------------------------------


def group_roles(state: State, size: int) -> list[str]:
    roles = list(state["roles"][:size])
    return roles + [EXTRA_OBSERVER] * (size - len(roles))


def role_index(state: State, group: dict[str, Any], member: str) -> int:
    size = len(group["members"])
    return (group["members"].index(member) - max(state["round"] - 1, 0)) % size


def role_of(state: State, group: dict[str, Any], member: str) -> str:
    return group_roles(state, len(group["members"]))[role_index(state, group, member)]


def role_guide(state: State) -> list[dict[str, str]]:
    size = max([len(g["members"]) for g in state["groups"]] + [len(state["roles"])])
    does = guide(state)
    return [{"role": role, "does": does[min(i, OBSERVER)]} for i, role in enumerate(group_roles(state, size))]


def total_rounds(state: State) -> int:
    """Enough rounds for everyone in the largest group to take each role once."""
    return max([len(g["members"]) for g in state["groups"]] or [len(state["roles"])])


def group_of(state: State, member: str) -> dict[str, Any] | None:
    return next((g for g in state["groups"] if member in g["members"]), None)


def unplaced(state: State) -> list[str]:
    placed = {m for g in state["groups"] for m in g["members"]}
    return [m for m, record in state["members"].items() if record["present"] and m not in placed]


def scenario(state: State) -> str | None:
    scenarios = state["scenarios"]
    return scenarios[max(state["round"] - 1, 0) % len(scenarios)] if scenarios else None


def is_mixed(state: State, group: dict[str, Any]) -> bool:
    return len({remote_member(state, m) for m in group["members"]}) > 1


def remote_member(state: State, member: str) -> bool:
    """Joining from elsewhere? A phone in the room is not remote (the member said so, or the session has
    no video call); states from before the choice: remote unless in the room without a device."""
    record = state["members"][member]
    return bool(record.get("remote", not record["in_room"]))


# ---- exchanges (loops, checklists, repair steps) ----------------------------------------------


def current(items: list[dict[str, Any]], state: State, group: dict[str, Any]) -> list[dict[str, Any]]:
    """Records of this group in the current round."""
    return [item for item in items if item["group"] == group["id"] and item["round"] == state["round"]]


def loop_summary(state: State, group: dict[str, Any], viewer: str | None = None) -> dict[str, Any]:
    """Counts for a group's current round; with a viewer, only loops that viewer was part of."""
    loops = [item for item in current(state["loops"], state, group) if viewer is None or viewer in item["audience"]]
    return {
        "reflections": len(loops),
        "yes": sum(1 for item in loops if item["result"] == "yes"),
        "not_quite": sum(1 for item in loops if item["result"] == "not_quite"),
        "waiting_for_answer": bool(loops) and loops[-1]["result"] is None,
        "words": [item["word"] for item in loops if item["word"]],
    }


def steps_done(state: State, group: dict[str, Any], marked: str = "done") -> list[int]:
    """The repair steps marked done this round (``marked="asked"``: the steps of asking for repair)."""
    marks = current(state["repairs"], state, group)
    return sorted(marks[0].get(marked, [])) if marks else []


# ---- arguments and actors --------------------------------------------------------------------


def text_arg(cmd: Command, key: str, limit: int, what: str) -> str | None:
    value = cmd.args.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise Rejected(f"{what} can be up to {limit} characters.")
    return value.strip() or None


def checklist_items(raw: object, count: int) -> dict[str, bool]:
    """Observer ticks as {"index": bool}; keys may be ints or digit strings."""
    if not isinstance(raw, Mapping):
        raise Rejected("The checklist must say yes or no per item.")
    items: dict[str, bool] = {}
    for key, value in raw.items():
        index = int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else key
        if not is_int(index) or not 0 <= index < count or not isinstance(value, bool):
            raise Rejected("The checklist must say yes or no per item.")
        items[str(index)] = value
    return items


def role_member(state: State, cmd: Command, position: int) -> tuple[str, dict[str, Any]]:
    """The member acting (self, or an in-room member for a facilitator) who holds ``position`` now."""
    require_phase(state, RUNNING)
    member = acting_for(state, cmd, facilitator_may="in_room")
    group = group_of(state, member)
    yourself = not cmd.actor.is_facilitator
    if group is None:
        raise Rejected("You are waiting to be placed in a group." if yourself
                       else f"{name_of(state, member)} is not in a group yet.")
    roles = group_roles(state, len(group["members"]))
    index = role_index(state, group, member)
    if position == OBSERVER and len(roles) <= OBSERVER:
        raise Rejected("A pair has no observer.")
    if index != position and not (position == OBSERVER and index >= OBSERVER):
        raise Rejected(f"This round, that is for the {roles[position].lower()}.")
    return member, group
