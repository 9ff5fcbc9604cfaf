"""Crisis resources: the text a group (or the organisation, by default) shows one tap from every
participant screen."""
from __future__ import annotations

import os

from core.models import Group

DEFAULT_CRISIS_TEXT = """If you are in danger right now, or thinking about harming yourself, please call your local emergency number.
If you feel unsafe during the session, tap "I need a pause" or speak to a facilitator; you can leave the session at any time.
You can also contact your own doctor, or a crisis line in your area, at any hour."""


def crisis_text(group: Group | None) -> str:
    """The group's own text if it has one, else the organisation's (SB_CRISIS_TEXT), else ours."""
    if group is not None and group.crisis_text.strip():
        return group.crisis_text.strip()
    return os.environ.get("SB_CRISIS_TEXT", "").strip() or DEFAULT_CRISIS_TEXT
