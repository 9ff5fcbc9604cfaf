"""Shared kit for the per-kind activity engines: rejections, commands, members, argument checks.

Each kind module (round, form, pacer, info, pairs, cards, measure) exposes ``ENGINE``, a :class:`KindEngine`. Its ``apply``
receives a private deep copy of the state plus a parsed :class:`Command`, changes the copy in place
and returns the effects it decided. ``activities.engine`` owns that copy, so a kind cannot mutate the
caller's state, and a rejection raised halfway leaves nothing half-applied.

Every state holds its members as ``state["members"] = {id: {"name", "in_room", "present"}}``. A member
who leaves keeps the entry with ``present: False`` so what they did (answers, airtime) survives a
rejoin; only present members take part.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

State = dict[str, Any]
Effect = dict[str, Any]
View = dict[str, Any]
Record = dict[str, Any]  # member_record: {"items": [...], "received": [...]} (docs/ENGINE_CONTRACT.md)
Summary = dict[str, Any]  # summary: {"kind", "facts", "airtime", "answers"} (docs/ENGINE_CONTRACT.md)
Handler = Callable[[State, "Command", float], "list[Effect] | None"]

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
MAX_MEMBER_ID = 64
MAX_MEMBER_NAME = 80
DEFAULT_DISTRESS_THRESHOLD = 8
OPTION_KEYS = ("distress_threshold", "history", "distress_families", "previous_totals")
MAX_TOTAL = 1000


class Rejected(Exception):
    """A request the engine refuses; ``reason`` is short, human and fit to show in the UI."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Actor:
    role: Literal["facilitator", "participant"]
    id: str | None

    @property
    def is_facilitator(self) -> bool:
        return self.role == FACILITATOR


@dataclass(frozen=True)
class Command:
    """A validated command envelope; ``args`` holds every key except ``type`` and ``actor``."""

    type: str
    actor: Actor
    args: Mapping[str, Any]

    @classmethod
    def parse(cls, raw: object) -> Command:
        if not isinstance(raw, Mapping):
            raise Rejected("The request was not understood.")
        kind = raw.get("type")
        if not isinstance(kind, str) or not kind:
            raise Rejected("The request does not say what to do.")
        actor = raw.get("actor")
        if not isinstance(actor, Mapping) or actor.get("role") not in (FACILITATOR, PARTICIPANT):
            raise Rejected("It is not clear who is asking.")
        actor_id = actor.get("id")
        if not (actor_id is None or isinstance(actor_id, str)):
            raise Rejected("It is not clear who is asking.")
        if actor["role"] == PARTICIPANT and actor_id is None:
            raise Rejected("It is not clear who is asking.")
        args = {key: value for key, value in raw.items() if key not in ("type", "actor")}
        return cls(kind, Actor(actor["role"], actor_id), args)


@dataclass(frozen=True)
class Options:
    """Hub-provided settings for ``start`` (see docs/ENGINE_CONTRACT.md, "Start options")."""

    distress_threshold: int = DEFAULT_DISTRESS_THRESHOLD
    history: Mapping[str, float] = field(default_factory=dict)
    distress_families: Mapping[str, str] = field(default_factory=dict)  # {family id: weight} (form_distress)
    previous_totals: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # {member: {instrument: total}}

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Options:
        raw = {} if raw is None else raw
        if not isinstance(raw, Mapping):
            raise Rejected("Start options must be a mapping.")
        unknown = sorted(str(key) for key in raw if key not in OPTION_KEYS)
        if unknown:
            raise Rejected(f"Unknown start option: {unknown[0]}.")
        threshold = raw.get("distress_threshold", DEFAULT_DISTRESS_THRESHOLD)
        if not is_int(threshold) or not 0 <= threshold <= 10:
            raise Rejected("The distress threshold must be a whole number from 0 to 10.")
        return cls(threshold, _parse_history(raw.get("history", {})),
                   _parse_families(raw.get("distress_families", {})),
                   _parse_previous_totals(raw.get("previous_totals", {})))


@dataclass(frozen=True)
class KindEngine:
    """The operations one activity kind provides; ``apply`` mutates the copy it is given.

    Besides running (start, apply, the views) a kind owns its data: ``erase_member`` returns a new
    state with nothing of one member left, ``member_record`` what that member wrote and received (to
    take home), ``summary`` the facilitators' after-session view. All three receive the caller's state
    and must not change it."""

    kind: str
    start: Callable[[Any, dict[str, dict[str, Any]], float, int, Options], State]
    apply: Callable[[State, Command, float], list[Effect]]
    facilitator_view: Callable[[State], View]
    participant_view: Callable[[State, str], View]
    display_view: Callable[[State, bool], View]
    erase_member: Callable[[State, str], State]
    member_record: Callable[[State, str], Record]
    summary: Callable[[State], Summary]
    # Optional: many members' participant views at once, equal to participant_view for each. A kind
    # whose views share a costly part (the round's queue) computes it once per broadcast with this.
    participant_views: Callable[[State, list[str]], dict[str, View]] | None = None


def _parse_history(raw: object) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise Rejected("The speaking history must map member ids to seconds.")
    history: dict[str, float] = {}
    for member_id, seconds in raw.items():
        valid_number = isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
        if not isinstance(member_id, str) or not valid_number or not math.isfinite(seconds) or seconds < 0:
            raise Rejected("The speaking history must map member ids to seconds.")
        history[member_id] = float(seconds)
    return history


def _parse_previous_totals(raw: object) -> dict[str, dict[str, int]]:
    """{member id: {instrument id: total}}: each member's last total before this session (measures)."""
    reason = "The previous totals must map member ids to {questionnaire id: whole number from 0 to 1000}."
    if not isinstance(raw, Mapping):
        raise Rejected(reason)
    totals: dict[str, dict[str, int]] = {}
    for member_id, by_instrument in raw.items():
        if not isinstance(member_id, str) or not isinstance(by_instrument, Mapping):
            raise Rejected(reason)
        for key, total in by_instrument.items():
            if not isinstance(key, str) or not is_int(total) or not 0 <= total <= MAX_TOTAL:
                raise Rejected(reason)
        totals[member_id] = dict(by_instrument)
    return totals


def _parse_families(raw: object) -> dict[str, str]:
    from activities.kinds.form_distress import WEIGHTS  # a leaf module: no import cycle

    if not isinstance(raw, Mapping) or not all(isinstance(k, str) and v in WEIGHTS for k, v in raw.items()):
        raise Rejected(f"The distress families must map family ids to one of: {', '.join(WEIGHTS)}.")
    return dict(raw)


def dispatch(handlers: Mapping[str, Handler], state: State, cmd: Command, now: float) -> list[Effect]:
    handler = handlers.get(cmd.type)
    if handler is None:
        raise Rejected("That action is not available in this activity.")
    return handler(state, cmd, now) or []


# ---- arguments --------------------------------------------------------------------------------


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def require_facilitator(cmd: Command) -> None:
    if not cmd.actor.is_facilitator:
        raise Rejected("Only a facilitator can do that.")


def int_arg(cmd: Command, key: str, low: int, high: int, reason: str) -> int:
    value = cmd.args.get(key)
    if not is_int(value) or not low <= value <= high:
        raise Rejected(reason)
    return value


def str_arg(cmd: Command, key: str, reason: str) -> str:
    value = cmd.args.get(key)
    if not isinstance(value, str) or not value:
        raise Rejected(reason)
    return value


# ---- members ----------------------------------------------------------------------------------


def parse_member(raw: object) -> tuple[str, dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise Rejected("A member needs an id and a name.")
    member_id, name, in_room = raw.get("id"), raw.get("name"), raw.get("in_room", False)
    if not isinstance(member_id, str) or not 0 < len(member_id) <= MAX_MEMBER_ID:
        raise Rejected("A member needs an id.")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_MEMBER_NAME:
        raise Rejected("A member needs a name.")
    if not isinstance(in_room, bool):
        raise Rejected("A member is either in the room or not.")
    record = {"name": name.strip(), "in_room": in_room, "present": True}
    if "remote" in raw:  # a hybrid session's place (activities/frame.set_place); absent: remote = not in_room
        if not isinstance(raw["remote"], bool):
            raise Rejected("A member is either in the room or joining from elsewhere.")
        record["remote"] = raw["remote"] and not in_room
    return member_id, record


def members_from(raw: object) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, list):
        raise Rejected("Members must be a list.")
    members: dict[str, dict[str, Any]] = {}
    for item in raw:
        member_id, record = parse_member(item)
        if member_id in members:
            raise Rejected(f"Two members share the id {member_id}.")
        members[member_id] = record
    return members


def is_present(state: State, member_id: object) -> bool:
    member = state["members"].get(member_id) if isinstance(member_id, str) else None
    return bool(member and member["present"])


def present_ids(state: State) -> list[str]:
    return [member_id for member_id, member in state["members"].items() if member["present"]]


def name_of(state: State, member_id: str | None) -> str | None:
    return None if member_id is None else state["members"][member_id]["name"]


def member_arg(state: State, cmd: Command, key: str = "member") -> str:
    member_id = cmd.args.get(key)
    if member_id is None:
        raise Rejected("Please choose a member.")
    if not is_present(state, member_id):
        raise Rejected("That member is not here.")
    return member_id


def acting_for(state: State, cmd: Command, *, facilitator_may: Literal["anyone", "in_room"]) -> str:
    """The member a command is about: a participant's own id, or the facilitator's chosen member.

    With ``facilitator_may="in_room"`` a facilitator may only speak for members without a device.
    """
    if not cmd.actor.is_facilitator:
        requested = cmd.args.get("member")
        if requested is not None and requested != cmd.actor.id:
            raise Rejected("You can only do that for yourself.")
        assert cmd.actor.id is not None  # guaranteed by Command.parse
        return cmd.actor.id
    member_id = member_arg(state, cmd)
    if facilitator_may == "in_room" and not state["members"][member_id]["in_room"]:
        raise Rejected(f"{name_of(state, member_id)} has their own device and does this themselves.")
    return member_id


def join(state: State, cmd: Command) -> str:
    """Add (or bring back) ``args.member = {id, name, in_room}``; returns the member id."""
    require_facilitator(cmd)
    member_id, record = parse_member(cmd.args.get("member"))
    if is_present(state, member_id):
        raise Rejected(f"{record['name']} is already here.")
    state["members"][member_id] = record
    return member_id


def leave(state: State, cmd: Command) -> str:
    """Mark ``args.member`` (an id) as gone, keeping their record; returns the member id."""
    require_facilitator(cmd)
    member_id = member_arg(state, cmd)
    state["members"][member_id]["present"] = False
    return member_id


def handle_join(state: State, cmd: Command, now: float) -> None:
    join(state, cmd)


def handle_leave(state: State, cmd: Command, now: float) -> None:
    leave(state, cmd)
