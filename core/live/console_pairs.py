"""Regrouping by hand on the console's pairs panel (core/templates/live/console/pairs*.html): the people
waiting put together as a group of their own. The engine takes a new layout as ``form_groups`` with
``how: manual``; this builds it from the facilitator view's groups, so the page sends it as it is.
(Moving, swapping and pairing someone with a member of a triad are engine commands of their own.)"""
from __future__ import annotations

from typing import Any


def together(groups: list[dict[str, Any]], waiting: list[dict[str, Any]]) -> list[list[str]]:
    """Every group as it is, and the people waiting as one more."""
    return [[m["id"] for m in g["members"]] for g in groups] + [[m["id"] for m in waiting]]
