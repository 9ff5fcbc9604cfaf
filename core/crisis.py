"""Crisis resources: the text a group (or the organisation, by default) shows one tap from every
participant screen."""
from __future__ import annotations

import os

from core.models import Group

DEFAULT_CRISIS_TEXT = """If you are in danger or thinking about harming yourself, contact your local emergency number now (for example 112 in Europe, 911 in North America, 999 in the UK, 000 in Australia), or go to the nearest emergency department.
If you need to talk to someone soon, call a crisis or suicide-prevention line in your country, your doctor, or someone you trust, and tell them how you are.
You do not have to wait until things feel unbearable to reach out. During a session you can also tap "I need a pause", or leave at any time."""


def crisis_text(group: Group | None) -> str:
    """The group's own text if it has one, else the organisation's (SB_CRISIS_TEXT), else ours."""
    if group is not None and group.crisis_text.strip():
        return group.crisis_text.strip()
    return os.environ.get("SB_CRISIS_TEXT", "").strip() or DEFAULT_CRISIS_TEXT
