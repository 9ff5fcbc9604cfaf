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


DEFAULT_SAFETY_PROCEDURE = """If someone tells you, or answers, that they have thoughts of harming themselves or of being better off dead:
Speak with them privately today, before they leave. Find a quiet moment and place; a co-facilitator can hold the group.
Ask directly and calmly: "You said you have had thoughts of hurting yourself. Can you tell me more?" Asking does not put the idea in anyone's head. Listen, and take what they say seriously.
If they are in immediate danger, do not leave them alone: call your local emergency number and stay with them until help arrives.
Follow your service's risk procedure, and tell your supervisor or clinical lead today.
Record what you did: set the alert to "Spoke with them" or "Referred" on the console, and note it where your service keeps such notes."""


def safety_procedure(group: Group | None) -> str:
    """What a facilitator does after a risk alert: the group's own procedure if it has one, else ours."""
    if group is not None and (group.safety_procedure or "").strip():
        return group.safety_procedure.strip()
    return DEFAULT_SAFETY_PROCEDURE
