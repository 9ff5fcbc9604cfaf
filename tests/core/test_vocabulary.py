"""core/vocabulary.py: every name the engine and the schema know has its words, the anonymity wording
says what the cards engine does, and the old copies of the tables are gone from the source."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest
from flask import render_template_string

from activities import engine, privacy, schema
from activities.kinds import cards as cards_kind
from activities.kinds import round_rules
from activities.schema import ActivityAdapter
from core import vocabulary as vocab
from core.member_models import ATTENDANCE_STATUSES
from handouts.context import settings_in_words

ROOT = Path(__file__).resolve().parents[2]


def literal(model, field: str) -> set[str]:
    return set(get_args(model.model_fields[field].annotation))


def schema_kinds() -> set[str]:
    return {kind for cls in vars(schema).values() if isinstance(cls, type) and issubclass(cls, schema.ActivityBase)
            and "kind" in cls.model_fields for kind in get_args(cls.model_fields["kind"].annotation)}


@pytest.mark.parametrize(("table", "names"), [
    (vocab.KINDS, set(engine.KINDS) | schema_kinds()),
    (vocab.ORDERS, literal(schema.RoundSettings, "order")),
    (vocab.BREATH, literal(schema.PacerPhase, "label")),
    (vocab.FIELDS, literal(schema.FormField, "type")),
    (vocab.EXERCISES, literal(schema.PairsSettings, "exercise")),
    (vocab.GROUP_SETTINGS, literal(schema.PairsSettings, "group")),
    (vocab.CARDS_MODES, literal(schema.CardsSettings, "mode")),
    (vocab.ANONYMITY, literal(schema.CardsSettings, "anonymity")),
    (vocab.AUDIENCES, set(get_args(schema.Audience))),
    (vocab.CATEGORIES, literal(schema.ActivityBase, "category")),
    (vocab.STATUSES, {round_rules.WAITING, round_rules.SPEAKING, round_rules.DONE, round_rules.PASSED,
                      round_rules.LATER, round_rules.SKIPPED}),
    (vocab.CARD_STATUSES, {cards_kind.PENDING, cards_kind.RELEASED, cards_kind.RETURNED}),
    (vocab.ATTENDANCE, set(ATTENDANCE_STATUSES)),
    (vocab.PEOPLE, {"waiting", "admitted", "removed", "left"}),
])
def test_every_name_the_engine_knows_has_its_words(table, names):
    assert names and names <= set(table), names - set(table)


def test_every_kind_has_a_label_a_phrase_and_a_hint_and_every_order_its_three_forms():
    assert set(vocab.KINDS) >= {"round", "form", "pacer", "info", "pairs", "cards", "measure"}
    for term in vocab.KINDS.values():
        assert term and term.phrase and term.hint
    for order in vocab.ORDERS.values():
        assert order[0] and order[1] and order.phrase == order.phrase.lower() != order[0]
    assert vocab.kind("round") == "Round" and vocab.kind("unknown") == "unknown"
    assert vocab.AUDIENCES is privacy.AUDIENCE_WORDS  # who-sees wording lives with its rule, not copied


def cards(anonymity: str) -> tuple[dict, object]:
    activity = ActivityAdapter.validate_python({
        "slug": "cards", "title": "Cards", "category": "skill", "summary": "Cards.", "purpose": "Care.",
        "intro": "Write.", "duration": 20, "steps": [{"minutes": 10, "text": "Write."}], "prompts": ["What?"],
        "kind": "cards", "settings": {"mode": "feedback", "templates": ["I noticed…"], "anonymity": anonymity,
                                      "max_chars": 80, "worked_example": "I noticed you smiled."},
    })
    members = [{"id": "p1", "name": "Ana", "in_room": True}, {"id": "p2", "name": "Ben", "in_room": True}]
    state = engine.start(activity, members, 0.0, 1)
    state = engine.apply(state, {"type": "set_open", "actor": {"role": "participant", "id": "p2"}, "open": True}, 1.0)[0]
    state = engine.apply(state, {"type": "send", "actor": {"role": "participant", "id": "p1"}, "to": "p2",
                                 "template": 0, "text": "Thank you."}, 2.0)[0]
    return engine.facilitator_view(state), activity


@pytest.mark.parametrize("anonymity", ["named", "facilitators", "anonymous"])
def test_the_anonymity_wording_says_what_the_engine_keeps(anonymity):
    """The one wording (console, plan page, printed guide) against the facilitators' own view: in
    "anonymous" mode no writer is kept, not even for the facilitators, and the words say so."""
    view, activity = cards(anonymity)
    writer = view["queue"][0]["from"]
    words = vocab.ANONYMITY[anonymity]
    guide = json.dumps(settings_in_words(activity))
    assert words.phrase in guide and words.phrase in words
    if anonymity == "anonymous":
        assert writer is None and "Ana" not in json.dumps(view["queue"])
        assert "not even facilitators" in words.phrase and "facilitators still see" not in guide
    else:
        assert writer == {"id": "p1", "name": "Ana"}
        assert "facilitators see who wrote" in words.phrase or "see who wrote each card" in words.phrase
    assert privacy.WHO_SEES[f"cards_{anonymity}"]  # the phones' own line for the same setting


def test_the_phones_get_the_words_their_scripts_use(client):
    """The sb-words block the participant scripts read (SBKit.words): breath phases, what each card mode
    is called, a card's status, the I-statement's parts; all from the tables above."""
    words = vocab.for_phones()
    assert words["cards_modes"] == {k: t.phrase for k, t in vocab.CARDS_MODES.items()}
    assert words["card_statuses"] is vocab.CARD_STATUSES and words["statement_parts"] is vocab.STATEMENT_PARTS
    with client.application.test_request_context():
        block = render_template_string('{% from "live/_kit.html" import words %}{{ words() }}')
    sent = json.loads(re.search(r'id="sb-words">(.*)</script>', block).group(1))
    assert sent["cards_modes"]["feedback"] == "compassionate feedback" and sent["breath"] == vocab.BREATH
    assert sent["card_statuses"]["pending"] == vocab.CARD_STATUSES["pending"]
    assert [key for key, _label in sent["statement_parts"]] == ["feel", "when", "because", "like"]


# The old copies: a literal from one of the tables, outside the tables' own files, the activity texts
# (activities/library/*.yaml, which are content) and the tests. Categories, round statuses in a note,
# attendance, who took part, card modes and card statuses, the I-statement's parts and the guide's who-sees
# words each had one.
# (Psychoeducation only as a label: in lower case it is the schema's own name for the category.)
COPIES = re.compile(r"""(["'])(?:breathe (?:in|out)|Raised hands|in seating order|Volunteers(?: first|, when ready)"""
                    r"|Least spoken first|Empathic listening|groups of three|a scale from 0 to 10|Information"
                    r"|Opening and closing|Skills|Skill practice|(?-i:Psychoeducation)|Frame \(opening and closing\)"
                    r"|passed \(their choice\)|was not reached|arrived late|left early|took part|never admitted"
                    r"|feedback cards|I-statements|waiting for the facilitator(?: to read it)?|returned to you"
                    r"|What I'd like is…?|because…? \(optional\)|only the member|facilitators only)\1"
                    r"|facilitators still see", re.IGNORECASE)
SOURCES = ("activities", "core", "facilitator", "handouts", "participant", "static/js")
TABLES = {ROOT / "core" / "vocabulary.py", ROOT / "activities" / "privacy.py",
          ROOT / "activities" / "kinds" / "cards_records.py"}  # the vocabulary and the two tables it re-exports


def test_no_template_or_script_keeps_its_own_copy_of_the_words():
    found = []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in {".py", ".html", ".js"} or "vendor" in path.parts:
                continue
            if path in TABLES:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if COPIES.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
