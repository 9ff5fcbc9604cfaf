"""The pure activity engines behind one dispatch: start, apply and the three audience views.

No Flask, no DB, no clock, no global random: time comes in as ``now``, randomness as ``seed``, and
everything decided goes out as return values (docs/ENGINE_CONTRACT.md). Every state records its
``kind``, so ``apply`` and the views dispatch from the state alone.

``apply`` never mutates its input: it deep-copies the state and lets the kind change the copy. Which
member's view changed is not the engine's business: the broadcaster compares what it sends
(core/live/fanout.py).

A session pause freezes an activity's clock (``pause`` / ``resume``): while ``state["paused_at"]`` is
set, every command sees that moment as ``now``, and resuming moves the kind's clock fields
(``CLOCKS``) on by the length of the pause, so deadlines keep their remaining time and a pacer picks
up where it stood. Every view of a paused activity with a clock says so (``paused``, ``paused_at``,
``remaining``).
"""
from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

from activities.kinds import (
    PARTICIPANT,
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    View,
    is_present,
    members_from,
    round_resume,
)
from activities.kinds import cards as cards_kind
from activities.kinds import form as form_kind
from activities.kinds import info as info_kind
from activities.kinds import measure as measure_kind
from activities.kinds import pacer as pacer_kind
from activities.kinds import pairs as pairs_kind
from activities.kinds import round as round_kind
from activities.schema import Activity

__all__ = [
    "KINDS",
    "KindEngine",
    "Rejected",
    "apply",
    "display_view",
    "erase_member",
    "facilitator_view",
    "member_record",
    "pause",
    "participant_view",
    "participant_views",
    "reopen",
    "resume",
    "start",
    "summary",
    "suspend",
]


def _registry(*engines: KindEngine) -> dict[str, KindEngine]:
    registry: dict[str, KindEngine] = {}
    for engine in engines:
        if engine.kind in registry:
            raise ValueError(f"two engines claim the activity kind {engine.kind!r}")
        registry[engine.kind] = engine
    return registry


# The one mapping from kind to engine.
KINDS: dict[str, KindEngine] = _registry(
    round_kind.ENGINE,
    form_kind.ENGINE,
    pacer_kind.ENGINE,
    info_kind.ENGINE,
    pairs_kind.ENGINE,
    cards_kind.ENGINE,
    measure_kind.ENGINE,
)


# The absolute times in each kind's state that run on with the clock (None while not set). A session
# pause moves them on by its length on resume; a kind not listed here has no clock.
CLOCKS: dict[str, tuple[str, ...]] = {
    "round": ("turn_started_at", "deadline"),
    "pacer": ("started_at", "stopped_at", "step_started_at"),
    "pairs": ("deadline",),
}
PAUSED_AT = "paused_at"  # set while a session pause holds the activity's clock; engine-owned, any kind


def start(activity: Activity, members: list[dict[str, Any]], now: float, seed: int,
          options: Mapping[str, Any] | None = None) -> State:
    """A fresh state for ``activity`` (a parsed schema Activity) with these members.

    ``options`` carries hub-provided settings: ``distress_threshold`` (form, int 0-10, default 8) and
    ``history`` ({member id: seconds spoken before}, for a progressive round) and ``previous_totals``
    ({member id: {instrument id: total}}, a measure's "last time").
    """
    engine = KINDS.get(activity.kind)
    if engine is None:
        raise Rejected(f"{activity.kind.capitalize()} activities cannot run live yet.")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise Rejected("The seed must be a whole number.")
    return engine.start(activity.settings, members_from(members), _clock(now), seed, Options.parse(options))


def apply(state: State, command: Mapping[str, Any], now: float) -> tuple[State, list[Effect]]:
    """Apply one command: the new state and its effects, or Rejected with a reason for the UI."""
    engine = _engine_for(state)
    cmd = Command.parse(command)
    if cmd.actor.role == PARTICIPANT and not is_present(state, cmd.actor.id):
        raise Rejected("You are not part of this activity.")
    new_state = copy_json(state)
    effects = list(engine.apply(new_state, cmd, _frozen(state, _clock(now))))
    return new_state, effects


def pause(state: State, now: float) -> State:
    """The activity with its clock held at ``now`` (a session pause); already paused: unchanged."""
    _engine_for(state)
    new_state = copy.deepcopy(state)
    if new_state.get(PAUSED_AT) is None:
        new_state[PAUSED_AT] = _clock(now)
    return new_state


def resume(state: State, now: float) -> State:
    """The activity's clock running again from where it was held: every clock field moves on by the
    length of the pause (so remaining times are kept). Not paused: unchanged."""
    _engine_for(state)
    new_state = copy.deepcopy(state)
    paused_at = new_state.pop(PAUSED_AT, None)
    if paused_at is None:
        return new_state
    held = max(0.0, _clock(now) - paused_at)
    for key in CLOCKS.get(new_state["kind"], ()):
        value = new_state.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            new_state[key] = value + held
    return new_state


def is_paused(state: State) -> bool:
    return state.get(PAUSED_AT) is not None


def suspend(state: State, now: float) -> State:
    """The activity as the plan leaves it (Next, Back, Jump, Stop, the session's end): a kind may close
    what is open (a round closes the running turn and notes what was left, for ``reopen``)."""
    engine = _engine_for(state)
    if engine.kind != "round":
        return copy.deepcopy(state)
    return round_resume.suspend(copy.deepcopy(state), _frozen(state, _clock(now)))


def can_reopen(state: State) -> bool:
    """Whether an archived run was left unfinished and can carry on (today: a go-around)."""
    return isinstance(state, Mapping) and state.get("kind") == "round" and round_resume.can_reopen(state)


def reopen(state: State, members: list[dict[str, Any]], now: float) -> State:
    """An archived, unfinished run carrying on with today's members (see ``can_reopen``): for a round,
    who spoke or passed stays so, newcomers wait their turn, those who left are gone."""
    if not can_reopen(state):
        raise ValueError("this run cannot be reopened")
    new_state = copy.deepcopy(state)
    new_state.pop(PAUSED_AT, None)
    return round_resume.reopen(new_state, members_from(members), _clock(now))


# The views are read-only data: each is a new dict at its top (a caller may add keys to it, as ``_held``
# and the hub do), and what is below may be the state's own lists and dicts, which nobody changes (a
# command changes a copy of the state, ``apply``), so a broadcast does not copy every member's view.


def facilitator_view(state: State) -> View:
    return _held(state, dict(_engine_for(state).facilitator_view(state)))


def participant_view(state: State, member_id: str) -> View:
    return _held(state, dict(_engine_for(state).participant_view(state, member_id)))


def participant_views(state: State, member_ids: list[str]) -> dict[str, View]:
    """``participant_view`` for many members at once (a broadcast): {member id: view}; a part the kind
    shares between the views (a round's queue) is built once, not once per member."""
    views = _views(_engine_for(state), state, list(member_ids))
    return {member: _held(state, dict(view)) for member, view in views.items()}


def display_view(state: State, show_names: bool) -> View:
    return _held(state, dict(_engine_for(state).display_view(state, show_names)))


# ---- the data each kind owns (docs/ENGINE_CONTRACT.md, "Each kind owns its data") --------------


def erase_member(state: State, member_id: str) -> State:
    """A new state with nothing of this member left; the input is untouched (the kind gets a copy)."""
    if not isinstance(member_id, str) or not member_id:
        raise ValueError("erase_member needs a member id")
    return _engine_for(state).erase_member(copy.deepcopy(state), member_id)


def member_record(state: State, member_id: str) -> dict[str, Any]:
    """What this member wrote and received, to take home: {"items": [...], "received": [...]}."""
    return copy.deepcopy(_engine_for(state).member_record(state, member_id))


def summary(state: State) -> dict[str, Any]:
    """The facilitators' after-session view of one run: {"kind", "facts", "airtime", "answers"}."""
    return copy.deepcopy(_engine_for(state).summary(state))


def _engine_for(state: State) -> KindEngine:
    kind = state.get("kind") if isinstance(state, Mapping) else None
    engine = KINDS.get(kind) if isinstance(kind, str) else None
    if engine is None:
        raise ValueError(f"not an activity state of a known kind: {kind!r}")
    return engine


def _clock(now: float) -> float:
    if isinstance(now, bool) or not isinstance(now, (int, float)) or not math.isfinite(now):
        raise ValueError(f"now must be a finite number of seconds, got {now!r}")
    return float(now)


def _frozen(state: State, now: float) -> float:
    """The time a command sees: the moment of the pause while the session's pause holds the clock."""
    paused_at = state.get(PAUSED_AT) if isinstance(state, Mapping) else None
    return now if paused_at is None else float(paused_at)


def _held(state: State, view: View) -> View:
    """A paused activity's view (a copy, changed in place) says so: ``paused`` true, ``paused_at`` the
    moment every client computes its clock at, and ``remaining`` seconds of a running deadline."""
    paused_at = state.get(PAUSED_AT)
    if paused_at is None or state["kind"] not in CLOCKS:  # a kind without a clock shows nothing held
        return view
    view["paused"], view["paused_at"] = True, paused_at
    if view.get("deadline") is not None:
        view["remaining"] = view["deadline"] - paused_at
    return view


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (a state, a view: dicts, lists, strings, numbers), ~3x faster than
    copy.deepcopy; an object met twice is copied once, as deepcopy does."""
    return _copy_json(value, {})


SHARED_IN_STATE = ("activity", "item")


def copy_state(state: dict) -> dict:
    """A copy of a live-state document (activities/frame.py, core/state.py) for a command to change,
    sharing the running activity and its item with the original: both are only ever replaced, never
    changed in place (every change to an activity goes through a function here that returns a new
    one), so copying them for each command (most of the document, at 300 members) is not needed."""
    return {key: value if key in SHARED_IN_STATE else _copy_json(value, {}) for key, value in state.items()}


def _copy_json(value: Any, memo: dict[int, Any]) -> Any:
    """A copy of JSON data; an object met again (the same object, in another member's view) gets the
    copy made the first time."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, dict):
        copied: Any = {key: _copy_json(item, memo) for key, item in value.items()}
    elif isinstance(value, (list, tuple)):
        copied = [_copy_json(item, memo) for item in value]
    else:
        copied = copy.deepcopy(value)
    memo[id(value)] = copied
    return copied


def _views(engine: KindEngine, state: State, members: list[str]) -> dict[str, View]:
    if engine.participant_views is not None:
        return engine.participant_views(state, members)
    return {member: engine.participant_view(state, member) for member in members}

