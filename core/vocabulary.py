"""The words for the engine's names, in one place: activity kinds and categories, round orders, turn
statuses, breath phases, form field types, partner exercises, group sizes, card modes, card statuses,
anonymity and the statuses of the session record (attendance, who took part). The console and
display partials read them as the Jinja global ``vocab``; the phones get the ones they need from the
page (a JSON block, read by static/js/kit.js ``words``); the plan page, the activity form and the
handouts import them from here. So a label is written once.

Each entry is the word in the forms it needs. A ``Term`` is its label (so it prints as one: a badge, a
choice, a console line) and carries ``phrase``, the same word inside a sentence ("in seating order"),
and for kinds a ``hint`` ("one at a time"). Who-sees-this wording lives with the rule it describes, in
activities/privacy.py; ``AUDIENCES`` is that table, not a copy."""
from __future__ import annotations

from typing import NamedTuple

from activities.kinds.cards_records import STATUS_WORDS as CARD_STATUS_WORDS
from activities.privacy import AUDIENCE_WORDS as AUDIENCES  # noqa: F401  (who sees an answer, third person)


class Term(str):
    """A label with its other forms: ``phrase`` (inside a sentence) and ``hint`` (a few words more)."""

    phrase: str
    hint: str

    def __new__(cls, label: str, phrase: str | None = None, hint: str = "") -> Term:
        term = super().__new__(cls, label)
        term.phrase = label if phrase is None else phrase
        term.hint = hint
        return term


# An activity kind: its short name (a badge, a plan line), in the group's words rather than the engine's
# ("Questions", not "Form"; "Breathing and grounding", not "Pacer"); its phrase is what the printed guide
# calls it.
KINDS = {
    "round": Term("Round", "Go-around", "one at a time"),
    "form": Term("Questions", "Written answers", "written answers"),
    "pacer": Term("Breathing and grounding", "Breathing and grounding", "paced breathing or the senses, in step"),
    "info": Term("Information", "Information", "sections to read"),
    "pairs": Term("Pairs", "Practice in pairs or threes", "practice in pairs or threes"),
    "cards": Term("Cards", "Cards", "cards to one another"),
    "measure": Term("Questionnaire", "Questionnaire", "a scored questionnaire"),
}


class Order(NamedTuple):
    label: str  # the console's and the activity form's name for it
    means: str  # what it means for the order list below it (console)
    phrase: str  # inside a sentence: "Order: in seating order" (guide, plan page)


# A round's order.
ORDERS = {
    "seating": Order("Seating order", "In the order below. Move people up or down to match the room.",
                     "in seating order"),
    "random": Order("Random order", "Shuffled at the start. Move people up or down if you like.",
                    "in a random order"),
    "volunteers": Order("Volunteers first", "Volunteers speak first, then everyone else in the order below.",
                        "volunteers first, when ready"),
    "hand": Order("Raised hands", "Whoever raises a hand speaks next, in the order hands went up.",
                  "raised hands, in the order they were raised"),
    "progressive": Order("Least spoken first",
                         "Those who have spoken least this session go first; the order below breaks ties.",
                         "those who have spoken least go first"),
}

# An activity's category: the library's headings (plan page), the activity form's choice, the printed guide.
CATEGORIES = {"frame": "Opening and closing", "skill": "Skill practice", "reflection": "Reflection",
              "psychoeducation": "Psychoeducation"}

# Where a member is in a round: the console's badge, and its phrase in a note draft's sentence
# ("Check-in: passed (their choice).").
STATUSES = {"waiting": Term("waiting", "was not reached"), "speaking": Term("speaking", "took a turn"),
            "done": Term("done", "took a turn"), "passed": Term("passed", "passed (their choice)"),
            "later": Term("later", "was not reached"), "skipped": Term("skipped", "was not reached")}

# A breathing pacer's phases, as the pacer says them (the phones and the display capitalise them).
BREATH = {"in": "breathe in", "hold": "hold", "out": "breathe out", "rest": "rest"}

# A form field's type, inside a sentence ("Answer: a scale from 0 to 10").
FIELDS = {"emotion": "feeling words", "scale": "a scale from 0 to 10", "short_text": "a short answer",
          "long_text": "a longer answer", "list": "a list"}


# ---- the session record ---------------------------------------------------------------------------

# A member's attendance: the attendance grid's word, and the note draft's ("Attendance: arrived late.").
ATTENDANCE = {"present": Term("present"), "late": Term("late", "arrived late"), "left_early": Term("left early"),
              "absent": Term("absent"), "excused": Term("excused"), "cancelled": Term("cancelled")}
# A person's place in one session, as the session summary lists them.
PEOPLE = {"admitted": "took part", "waiting": "never admitted", "removed": "removed", "left": "left"}


def phrase(table: dict, key: str) -> str:
    """The in-a-sentence form of ``key`` (an Order's or a Term's ``phrase``; a plain word as it is), or the key."""
    word = table.get(key)
    return key if word is None else getattr(word, "phrase", word)


def kind(name: str) -> str:
    return KINDS.get(name, name)


def for_phones() -> dict:
    """The words the phones' and the display's scripts word things with (the page's ``sb-words`` block)."""
    return {"breath": BREATH, "cards_modes": {k: t.phrase for k, t in CARDS_MODES.items()},
            "card_statuses": CARD_STATUSES, "statement_parts": STATEMENT_PARTS}


def install(app) -> None:
    """Makes the vocabulary the Jinja global ``vocab`` (console, display and handout templates)."""
    import sys

    app.jinja_env.globals["vocab"] = sys.modules[__name__]


# ---- partner exercises and cards ------------------------------------------------------------------

EXERCISES = {"listening": Term("Empathic listening", "empathic listening"),
             "roleplay": Term("Role-play rehearsal", "role-play rehearsal"),
             "repair": Term("Repair script", "repair script")}
PAIRS_PHASES = {"forming": "Forming groups", "running": "Rounds", "debrief": "Debrief"}
# How people are grouped: the console's setting, and the phrase "you practise in groups of three".
GROUP_SETTINGS = {"pairs": Term("Pairs (one triad if the numbers are odd)", "pairs"),
                  "triads": Term("Triads (pairs where the numbers need it)", "groups of three")}
CARDS_MODES = {"feedback": Term("Compassionate feedback", "compassionate feedback"),
               "appreciations": Term("Appreciations", "appreciations"), "istatement": Term("I-statements")}
# A card's way through moderation, to the one who wrote it (their phone, their own record): the cards
# kind's own table (activities/kinds/cards_records.py), which the phones get from here.
CARD_STATUSES = CARD_STATUS_WORDS


def _anonymity(name: str, phrase: str) -> Term:
    return Term(f"{name}: {phrase}.", phrase)


# What each anonymity setting means, as the engine does it (activities/kinds/cards_views.py keeps no
# writer at all in "anonymous" mode; tests/core/test_vocabulary.py holds the two together).
ANONYMITY = {
    "named": _anonymity("Named", "the addressee and the group see who wrote each card"),
    "facilitators": _anonymity("Anonymous to the group", "only facilitators see who wrote a card"),
    "anonymous": _anonymity("Fully anonymous", "nobody sees who wrote a card, not even facilitators"),
}
# The parts of an I-statement card, in order.
STATEMENT_PARTS = (("feel", "I feel"), ("when", "when"), ("because", "because (optional)"), ("like", "What I'd like is"))
