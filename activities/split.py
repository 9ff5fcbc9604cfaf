"""One room, many phones: every participant view split into the part the whole room shares and each
member's small personal part (docs/ARCHITECTURE.md, "How a command travels").

The hub sends the shared part once to the room and a member's personal part only to that member,
and only when it changed, so one member's answer costs one small message, not one per member.

``PERSONAL`` names, per kind, the keys that are a member's own (their status, answers, buttons); every
other key is the room's. The split also checks, on every broadcast, that each shared key holds the
same value in every member's view, and keeps a key that does not personal (with a warning: a kind's
view grew a per-member key PERSONAL does not name), so nothing one member may see reaches another
through the shared part, whatever a kind's view holds. tests/activities/test_split.py checks every
kind's views against PERSONAL. Keys are declared, not discovered, so that a key does not move between
the parts when members happen to hold the same value (at a round's start everyone is "waiting").

Pure: no Flask, no database (the parts are JSON data; ``compose`` is what the phone does with them).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from activities import jsondata

log = logging.getLogger(__name__)

FRAME_PERSONAL = frozenset({"passed", "remote", "signal"})

PERSONAL: Mapping[str, frozenset[str]] = {
    "round": frozenset({"my_status", "my_turn", "me", "hand_raised", "volunteered", "can_pass",
                        "can_come_back_later", "hand_on_to"}),
    "pacer": frozenset(),
    "info": frozenset(),
    "form": frozenset({"my_answers", "submitted", "shared", "spotlight"}),
    "measure": frozenset({"mine", "submitted", "passed"}),
    "cards": frozenset({"open", "can_send_to", "sent", "received", "group_cards", "shown"}),
    "pairs": frozenset({"placement", "waiting_note", "my_role", "my_role_does", "group", "mixed_group", "turns",
                        "prompts", "checklist", "scenario", "steps_done", "steps_asked", "loop", "my_notes", "my_checklist",
                        "observer_notes", "can"}),
}

NOBODY = ""  # the member id a view is built for when the room has no member yet (its shared part only)


def split(views: Mapping[str, Mapping[str, Any]], personal: frozenset[str]) -> tuple[dict, dict[str, dict]]:
    """{member: view} -> (shared, {member: personal part}). A key is shared when it is not in
    ``personal`` and every view has it with the same value; everything else is personal."""
    members = list(views)
    if not members:
        return {}, {}
    first = views[members[0]]
    keys = {key for view in views.values() for key in view}
    shared_keys = [key for key in first if key not in personal]
    differ = [key for key in shared_keys if not _same(first[key], key, views)]
    if differ:  # a kind's view holds a per-member key PERSONAL does not name: kept personal, and said
        log.warning("split: keys that differ between members are not declared personal: %s", sorted(differ))
        shared_keys = [key for key in shared_keys if key not in differ]
    mine_keys = keys.difference(shared_keys)
    shared = {key: first[key] for key in shared_keys}
    return shared, {member: {key: view[key] for key in view if key in mine_keys} for member, view in views.items()}


def _same(value: Any, key: str, views: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether every view holds ``value`` at ``key`` (the same object, as a kind's shared work gives
    each view, or an equal one; comparing a 300-long queue 300 times was most of a split)."""
    for view in views.values():
        other = view.get(key, _MISSING)
        if other is not value and (other is _MISSING or other != value):
            return False
    return True


_MISSING = object()


def split_participants(full: Mapping[str, Mapping[str, Any]]) -> tuple[dict, dict[str, dict]]:
    """Whole participant views ({member: {"frame", "activity": {"item", "view"} | None, ...}}, all of one
    state and version) -> (shared, {member: mine}). The shared part keeps the view's other keys
    (version, server_time, title); each personal part is {"frame": {...}, "activity": {...} | None}."""
    members = list(full)
    if not members:
        return {}, {}
    first = full[members[0]]
    frame_shared, frame_mine = split({m: full[m]["frame"] for m in members}, FRAME_PERSONAL)
    shared = {key: value for key, value in first.items() if key not in ("frame", "activity")}
    shared["frame"] = frame_shared
    activity = first.get("activity")
    if activity is None:
        shared["activity"] = None
        return shared, {m: {"frame": frame_mine[m], "activity": None} for m in members}
    kind = activity["view"].get("kind")
    view_shared, view_mine = split({m: full[m]["activity"]["view"] for m in members},
                                   PERSONAL.get(kind, frozenset()))
    shared["activity"] = {"item": activity["item"], "item_key": item_key(activity["item"]), "view": view_shared}
    return shared, {m: {"frame": frame_mine[m], "activity": view_mine[m]} for m in members}


def item_key(item: Mapping[str, Any]) -> str:
    """A short digest of an activity's item (its title, intro, prompts, settings): what the room's part
    carries in its place once every phone in the room has the item (core/live/fanout.py)."""
    return jsondata.digest(item, 9)


def without_item(shared: Mapping[str, Any]) -> dict:
    """The room's part with the activity's item left out (its ``item_key`` says which item it is)."""
    activity = shared.get("activity")
    if not activity or "item" not in activity:
        return dict(shared)
    return {**shared, "activity": {key: value for key, value in activity.items() if key != "item"}}


def compose(shared: Mapping[str, Any], mine: Mapping[str, Any] | None) -> dict:
    """The whole view a phone draws: the shared part with the member's own part laid over it (what
    static/js/kit.js ``composeView`` does; tests use this to read what a phone shows)."""
    mine = mine or {}
    view = {key: value for key, value in shared.items() if key not in ("frame", "activity")}
    view["version"] = max(shared.get("version") or 0, mine.get("version") or 0)
    view["frame"] = {**(shared.get("frame") or {}), **(mine.get("frame") or {})}
    activity = shared.get("activity")
    view["activity"] = None if activity is None else {
        "item": activity.get("item"), "view": {**activity["view"], **(mine.get("activity") or {})}}
    return view
