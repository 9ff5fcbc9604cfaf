"""The privacy notice a person reads before their first session, and again whenever it changes.

Made from the group's own settings (how long each kind of data is kept) and the operator's text naming
who is responsible (SB_ORGANISATION_TEXT), so it can never promise what the settings do not do. Its
version is a short hash of the text: a member who read an older notice reads the new one in full.
"""
from __future__ import annotations

import hashlib
import os

from core.models import Group

DEFAULT_ORGANISATION = ("The service that runs this group is responsible for your data. Your facilitator can tell "
                        "you who that is and how to contact them.")


def organisation_text() -> str:
    return os.environ.get("SB_ORGANISATION_TEXT", "").strip() or DEFAULT_ORGANISATION


def _years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def sections(group: Group) -> list[dict]:
    """The notice as headed paragraphs, in plain words."""
    content, record = _days(group.retention_days), _years(group.record_retention_years)
    return [
        {"heading": "What is stored",
         "lines": ["The name you choose to show the group (a first name or any name you like). No email, no phone "
                   "number, no account.",
                   "What you write or choose in the activities, and the cards people send each other.",
                   "If you are a member of the group: which sessions you came to and when, and the practice log "
                   "you keep on your own page."]},
        {"heading": "Who sees what",
         "lines": ["Each question says who sees your answer: only you, only the facilitators, the room as a "
                   "summary of everyone's answers, or the group.",
                   "Your practice log is yours alone, unless you choose to share a line.",
                   "The room display never shows an answer meant only for the facilitators, and shows a summary "
                   "only once at least 3 people have answered."]},
        {"heading": "How long it is kept",
         "lines": [f"Answers, cards and practice-log entries: {content} after the session (or after you wrote "
                   "them), then they are deleted.",
                   f"The attendance record (who came to which session): {record}, as health records rules ask."]},
        {"heading": "How to delete it",
         "lines": ["Any time, on any screen: \"Help now\" has \"Delete my answers\"; members also have \"Delete my "
                   "data\" on their own page, which removes everything about them, the attendance record too.",
                   "You can also ask your facilitator to do it for you."]},
        {"heading": "Who is responsible",
         "lines": [organisation_text()]},
    ]


def version(group: Group) -> str:
    text = "\n".join(line for part in sections(group) for line in [part["heading"], *part["lines"]])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
