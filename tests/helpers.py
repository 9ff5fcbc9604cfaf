"""Small helpers for tests: drain socket events, read a CSRF token from a page."""
from __future__ import annotations

import re


def events(sc, name: str | None = None) -> list:
    """Drain what a socket client received; optionally only one event name's payloads."""
    got = sc.get_received()
    return [e["args"][0] for e in got if name is None or e["name"] == name]


def csrf_token(html: bytes) -> str:
    m = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert m, "no csrf token on page"
    return m.group(1).decode()
