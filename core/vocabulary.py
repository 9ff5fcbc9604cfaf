"""The words for the engine's names, in one place: activity kinds, round orders, turn statuses and
breath phases. The console and display partials read them as the Jinja global ``vocab``; the phones,
the plan page and the handouts read them from here too, so a label is written once.

Who-sees-this wording lives with the rule it describes, in activities/privacy.py."""
from __future__ import annotations

# An activity kind: its short name (a badge, a plan line).
KINDS = {"round": "Round", "form": "Form", "pacer": "Pacer", "info": "Information", "pairs": "Pairs",
         "cards": "Cards", "measure": "Questionnaire"}

# A round's order: (the console's name for it, what it means for the order list below it).
ORDERS = {
    "seating": ("Seating order", "In the order below. Move people up or down to match the room."),
    "random": ("Random order", "Shuffled at the start. Move people up or down if you like."),
    "volunteers": ("Volunteers first", "Volunteers speak first, then everyone else in the order below."),
    "hand": ("Raised hands", "Whoever raises a hand speaks next, in the order hands went up."),
    "progressive": ("Least spoken first",
                    "Those who have spoken least this session go first; the order below breaks ties."),
}

# Where a member is in a round.
STATUSES = {"waiting": "waiting", "speaking": "speaking", "done": "done", "passed": "passed", "later": "later",
            "skipped": "skipped"}

# A breathing pacer's phases, as the pacer says them.
BREATH = {"in": "breathe in", "hold": "hold", "out": "breathe out", "rest": "rest"}


def kind(name: str) -> str:
    return KINDS.get(name, name)


def install(app) -> None:
    """Makes the vocabulary the Jinja global ``vocab`` (console, display and handout templates)."""
    import sys

    app.jinja_env.globals["vocab"] = sys.modules[__name__]
