"""The pure activity engines behind one dispatch: start, apply and the three audience views.

No Flask, no DB, no clock, no global random: time comes in as ``now``, randomness as ``seed``, and
everything decided goes out as return values (docs/ENGINE_CONTRACT.md). Every state records its
``kind``, so ``apply`` and the views dispatch from the state alone.

``apply`` never mutates its input: it deep-copies the state, lets the kind change the copy, and adds
one ``{"type": "touched", "members": [...]}`` effect listing every member whose participant view
changed (computed by comparing views, so it is right for every kind by construction).
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
    "participant_view",
    "participant_views",
    "start",
    "summary",
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
    new_state = copy.deepcopy(state)
    effects = list(engine.apply(new_state, cmd, _clock(now)))
    touched = _touched(engine, state, new_state)
    if touched:
        effects.append({"type": "touched", "members": touched})
    return new_state, effects


def facilitator_view(state: State) -> View:
    return copy.deepcopy(_engine_for(state).facilitator_view(state))


def participant_view(state: State, member_id: str) -> View:
    return copy.deepcopy(_engine_for(state).participant_view(state, member_id))


def participant_views(state: State, member_ids: list[str]) -> dict[str, View]:
    """``participant_view`` for many members at once (a broadcast): {member id: view}. Copied like the
    single views, with a copy for JSON data (dicts, lists, scalars) that is ~3x faster than deepcopy."""
    views = _views(_engine_for(state), state, list(member_ids))
    return {member: _copy_json(view) for member, view in views.items()}


def display_view(state: State, show_names: bool) -> View:
    return copy.deepcopy(_engine_for(state).display_view(state, show_names))


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


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_json(item) for item in value]
    return copy.deepcopy(value) if not isinstance(value, (str, int, float, type(None))) else value


def _views(engine: KindEngine, state: State, members: list[str]) -> dict[str, View]:
    if engine.participant_views is not None:
        return engine.participant_views(state, members)
    return {member: engine.participant_view(state, member) for member in members}


def _touched(engine: KindEngine, before: State, after: State) -> list[str]:
    members = list(after["members"])
    old = _views(engine, before, [member for member in members if member in before["members"]])
    new = _views(engine, after, members)
    return [member for member in members if member not in old or old[member] != new[member]]
