"""The rules of activities/privacy.py: who-sees-this lines, the >= 3 rule, no bar of one, moderated words."""
from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from activities import engine, privacy
from activities.engine import Rejected
from activities.library import load_library
from activities.schema import ActivityAdapter, FormField

F = {"role": "facilitator", "id": "f1"}
MEMBERS = [{"id": f"p{i}", "name": name} for i, name in enumerate(["Ana", "Ben", "Cai", "Dee"], start=1)]


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def form(*fields: dict[str, Any]) -> dict[str, Any]:
    activity = ActivityAdapter.validate_python({
        "slug": "rules", "title": "Rules", "kind": "form", "category": "frame", "summary": "s", "purpose": "p",
        "intro": "i", "duration": 5, "steps": [{"minutes": 5, "text": "t"}], "prompts": ["q"],
        "settings": {"fields": list(fields)}})
    return engine.start(activity, MEMBERS, 0.0, 1)


def run(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> dict[str, Any]:
    return engine.apply(state, {"type": kind, "actor": actor, **args}, 1.0)[0]


def reason(state: dict[str, Any], kind: str, **args: Any) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, {"type": kind, "actor": F, **args}, 1.0)
    return caught.value.reason


# ---- the pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "bands"), [
    ([2, 3, 2, 9], [(0, 10, 4)]),  # the lonely 9 merges (through the empty middle) with the low answers
    ([9, 8, 2, 3], [(0, 3, 2), (4, 6, 0), (7, 10, 2)]),
    ([5, 5, 9, 1], [(0, 10, 4)]),  # a lonely 1 and a lonely 9: one band of everyone
    ([4, 5, 6], [(0, 3, 0), (4, 6, 3), (7, 10, 0)]),
])
def test_scale_bands_never_hold_one_person(values, bands):
    result = privacy.scale_bands(values)
    assert sum(b["count"] for b in result) == len(values)
    assert all(b["count"] == 0 or b["count"] >= privacy.MIN_BUCKET for b in result)
    assert result[0]["from"] == 0 and result[-1]["to"] == 10
    assert all(b["from"] in (0, 4, 7) and b["to"] in (3, 6, 10) for b in result)  # fixed ends, never a value
    if bands is not None:
        assert [(b["from"], b["to"], b["count"]) for b in result] == bands


def test_feeling_counts_pool_or_drop_the_feelings_one_person_named():
    assert privacy.safe_counts({"sad": 3, "mad": 1, "other": 1}, "other") == {"sad": 3, "other": 2}
    assert privacy.safe_counts({"sad": 3, "mad": 1}, "other") == {"sad": 3}
    assert privacy.safe_counts({"glad": 2, "sad": 2}, "other") == {"glad": 2, "sad": 2}


def test_word_list_merges_case_and_hides_the_order_people_answered():
    words = privacy.word_list(["tired", "Calm", "hopeful", "calm "])
    assert words == [{"word": "Calm", "count": 2}, {"word": "hopeful", "count": 1}, {"word": "tired", "count": 1}]


def test_progress_counts_for_the_room_start_at_three():
    assert [privacy.count_for_room(n) for n in range(5)] == [0, None, None, 3, 4]
    assert privacy.MIN_CONTRIBUTORS == 3
    assert privacy.SHOWN_WHEN == "Shown when at least 3 people have answered."


def test_every_audience_and_kind_has_one_who_sees_line():
    assert set(privacy.AUDIENCES) <= set(privacy.WHO_SEES) and set(privacy.AUDIENCES) == set(privacy.AUDIENCE_WORDS)
    assert "never yours alone" in privacy.WHO_SEES["summary"]
    assert "never shown on the room screen" in privacy.WHO_SEES["facilitators"]
    for field in ({"audience": "summary", "show_as": "words"}, {"audience": "group", "show_as": "words"},
                  {"audience": "facilitators", "show_as": "count"}, {"audience": "private"}):
        assert privacy.form_who_sees(field) in privacy.WHO_SEES


def test_every_field_of_every_library_form_says_who_sees_it():
    library = load_library()
    for activity in library.by_kind("form"):
        state = engine.start(activity, MEMBERS, 0.0, 1)
        fields = engine.participant_view(state, "p1")["fields"]
        assert all(f["who_sees"] == privacy.WHO_SEES[privacy.form_who_sees(f)] for f in fields), activity.slug
    check_in = {f.id: f for f in library["check-in"].settings.fields}
    assert check_in["feeling"].audience == check_in["intensity"].audience == "summary"
    assert {f.id: f.show_as for f in library["check-out"].settings.fields}["one_word"] == "words"


def test_show_as_words_only_on_short_text_the_room_may_see():
    FormField(id="w", type="short_text", label="One word", audience="summary", show_as="words")
    for bad in ({"type": "long_text", "audience": "group"}, {"type": "short_text", "audience": "facilitators"},
                {"type": "short_text", "audience": "private"}):
        with pytest.raises(ValidationError, match="show_as: words"):
            FormField(id="w", label="One word", show_as="words", **bad)


# ---- the form engine --------------------------------------------------------------------------------


def test_a_facilitators_field_never_reaches_the_display():
    state = form({"id": "level", "type": "scale", "label": "Level", "audience": "facilitators"})
    for i, member in enumerate(MEMBERS):
        state = run(state, "submit", P(member["id"]), answers={"level": i})
    assert reason(state, "reveal", field="level").startswith("“Level” is for the facilitators only")
    summary = engine.facilitator_view(state)["summaries"]["level"]
    assert summary["can_show"] is False and summary["held_back"] == privacy.NOT_SHOWN
    forced = {**state, "spotlight": {"field": "level", "member": None}}  # whatever the state says
    assert engine.display_view(forced, True)["spotlight"] is None
    assert engine.participant_view(forced, "p1")["spotlight"] is None
    assert engine.display_view({**state, "spotlight": {"field": "level", "member": "p1"}}, True)["spotlight"] is None


def test_a_summary_field_shows_bands_and_says_when_it_can_be_shown():
    state = form({"id": "level", "type": "scale", "label": "Level", "audience": "summary"})
    for member, value in (("p1", 9), ("p2", 2)):
        state = run(state, "submit", P(member), answers={"level": value})
    summary = engine.facilitator_view(state)["summaries"]["level"]
    assert summary["can_show"] is False and summary["held_back"] == privacy.SHOWN_WHEN
    state = run(run(state, "submit", P("p3"), answers={"level": 3}), "submit", P("p4"), answers={"level": 2})
    assert engine.facilitator_view(state)["summaries"]["level"]["can_show"] is True
    state = run(state, "reveal", field="level")
    shown = engine.display_view(state, False)["spotlight"]["summary"]
    assert shown == {"answered": 4, "mean": 4.0, "bands": [{"from": 0, "to": 10, "count": 4}]}  # no bar of one 9
    assert "histogram" in engine.facilitator_view(state)["spotlight"]["summary"]  # facilitators see it all


def words_form() -> dict[str, Any]:
    state = form({"id": "word", "type": "short_text", "label": "One word", "audience": "summary", "show_as": "words"})
    for member, word in (("p1", "calm"), ("p2", "Tired"), ("p3", "calm"), ("p4", "awful-name")):
        state = run(state, "submit", P(member), answers={"word": word})
    return state


def test_words_reach_the_display_only_after_moderation():
    state = words_form()
    assert reason(state, "reveal", field="word") == "Please tick the words that may be shown."
    assert reason(state, "reveal", field="word", members=["p1", "p2"]).startswith("Tick the words of at least 3")
    assert reason(state, "reveal", field="word", members=["p1", "p2", "zz"]).startswith("One of the ticked")
    state = run(state, "reveal", field="word", members=["p1", "p2", "p3"])  # p4's word held back
    shown = engine.display_view(state, False)["spotlight"]["summary"]
    assert shown == {"answered": 4, "words": [{"word": "calm", "count": 2}, {"word": "Tired", "count": 1}]}
    assert engine.facilitator_view(state)["summaries"]["word"]["approved"] == ["p1", "p2", "p3"]
    assert "awful-name" not in str(engine.participant_view(state, "p1")["spotlight"])
    edited = run(state, "submit", P("p2"), answers={"word": "something unread"})  # an edit drops out
    held = engine.display_view(edited, False)["spotlight"]["summary"]
    assert held == {"answered": 4, "too_few": True, "held_back": privacy.WORDS_SHOWN_WHEN}
    erased = engine.erase_member(state, "p1")
    assert "p1" not in erased["approved_words"]["word"]
    assert engine.member_record(state, "p1")["items"][0]["audience"] == "group"
    assert engine.member_record(state, "p4")["items"][0]["audience"] == "facilitators"
    fields = engine.participant_view(state, "p4")["fields"]
    assert fields[0]["who_sees"] == privacy.WHO_SEES["summary_words"]


# ---- pairs, cards, measure ----------------------------------------------------------------------------


def test_cards_and_measures_say_who_sees_them():
    library = load_library()
    for slug in ("compassionate-feedback", "appreciations-round", "i-statement-builder"):
        state = engine.start(library[slug], MEMBERS, 0.0, 1)
        assert engine.participant_view(state, "p1")["who_sees"] == privacy.WHO_SEES[f"cards_{state['anonymity']}"]
    state = engine.start(library["phq-9"], MEMBERS, 0.0, 1)
    assert engine.participant_view(state, "p1")["who_sees"] == privacy.WHO_SEES["measure"]
    assert engine.display_view(state, False)["answered"] == 0  # nobody yet: nothing to protect


def test_pairs_confirmations_reach_the_room_only_when_no_answer_is_one_persons():
    state = {"kind": "pairs", "loops": [], "members": {}}
    from activities.kinds.pairs_views import _understood_for_room

    def loops(*results: tuple[str, str]) -> dict[str, Any]:
        return {**state, "loops": [{"result": r, "confirmed_by": who} for who, r in results]}

    assert _understood_for_room(loops(("p1", "yes"), ("p2", "yes"))) is None  # two people
    assert _understood_for_room(loops(("p1", "yes"), ("p2", "yes"), ("p3", "not_quite"))) is None  # one not quite
    assert _understood_for_room(loops(("p1", "yes"), ("p2", "yes"), ("p3", "yes"))) == 3
    assert _understood_for_room(loops(("p1", "yes"), ("p2", "yes"), ("p3", "not_quite"), ("p4", "not_quite"))) == 2
