"""Small helpers for tests: drain socket events, read a CSRF token from a page."""
from __future__ import annotations

import re

from activities.split import compose


def events(sc, name: str | None = None) -> list:
    """Drain what a socket client received; optionally only one event name's payloads.

    A participant receives its view in two parts ("shared" for the room, "mine" for itself; see
    core/live/fanout.py): asking for "view" gives the whole views its phone would draw, one per part
    received, composed as the phone does (`Parts`), across calls."""
    got = sc.get_received()
    if name != "view":
        parts(sc).feed(got)
        return [e["args"][0] for e in got if name is None or e["name"] == name]
    return [view for e in got for view in parts(sc).feed([e]) or ([e["args"][0]] if e["name"] == "view" else [])]


class Parts:
    """What a phone holds of its view: the latest shared part, its own part, and an own part waiting for
    the shared part it came with (`with_shared`). `feed` returns the views drawn, in order."""

    def __init__(self) -> None:
        self.shared = self.mine = self.pending = None
        self.item: tuple[str, dict] | None = None  # (item_key, item): the activity's item, sent once
        self.stale = False  # a shared part named an item never received (the phone would resync)

    def _with_item(self, shared: dict) -> dict | None:
        activity = shared.get("activity")
        if not activity:
            return shared
        if "item" in activity:
            self.item = (activity.get("item_key"), activity["item"])
            return shared
        if self.item is None or self.item[0] != activity.get("item_key"):
            return None
        return {**shared, "activity": {**activity, "item": self.item[1]}}

    def feed(self, got: list) -> list[dict]:
        drawn = []
        for e in got:
            payload = e["args"][0] if e.get("args") else None
            if e["name"] == "snapshot" and isinstance(payload, dict) and "shared" in payload:
                self.shared, self.mine, self.pending = self._with_item(payload["shared"]), payload["mine"], None
                self.stale = self.shared is None
            elif e["name"] == "shared" and self._newer(payload, self.shared):
                full = self._with_item(payload)
                if full is None:
                    self.stale = True
                    continue
                self.shared, self.stale = full, False
                payload = full
                if self.pending is not None and payload["version"] >= self.pending["version"]:
                    self.mine, self.pending = self.pending, None
                drawn.append(self.view())
            elif e["name"] == "mine" and self._newer(payload, self.mine):
                if payload.get("with_shared") and (self.shared or {}).get("version", 0) < payload["version"]:
                    self.pending = payload
                    continue
                self.mine = payload
                drawn.append(self.view())
        return drawn

    @staticmethod
    def _newer(payload, held) -> bool:
        return held is None or payload["version"] >= held.get("version", 0)

    def view(self) -> dict:
        return compose(self.shared or {"frame": {}, "activity": None}, self.mine)


def parts(sc) -> Parts:
    if not hasattr(sc, "_sb_parts"):
        sc._sb_parts = Parts()
    return sc._sb_parts


def whole(snapshot: dict) -> dict:
    """The whole view in a participant's snapshot (or sync answer): its two parts composed."""
    return compose(snapshot["shared"], snapshot["mine"]) if "shared" in snapshot else snapshot["view"]


def changed_views(before: dict, after: dict) -> list[str]:
    """The members whose participant view differs between two activity states (what the broadcaster
    sends them anew, core/live/fanout.py)."""
    from activities import engine

    return [member for member in after["members"]
            if member not in before["members"]
            or engine.participant_view(before, member) != engine.participant_view(after, member)]


def csrf_token(html: bytes) -> str:
    m = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert m, "no csrf token on page"
    return m.group(1).decode()
