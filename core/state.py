"""The live-state document: which engine handles which command (the frame now, activities next)."""
from __future__ import annotations

from activities import frame


def initial_state() -> dict:
    return frame.new_state()


def dispatch(state: dict, command: dict, now: float) -> tuple[dict, list[dict]]:
    """Route a command to the engine that owns it; engines are pure and raise Rejected."""
    return frame.apply(state, command, now)
