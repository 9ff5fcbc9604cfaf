"""Form engine: validation, audiences, distress alerts, reveal/hide, delete, close, join/leave."""
from __future__ import annotations

import json
from typing import Any

import pytest

from activities import engine
from activities.engine import Rejected
from activities.schema import ActivityAdapter

F = {"role": "facilitator", "id": "f1"}
MEMBERS = [
    {"id": "p1", "name": "Ana", "in_room": False},
    {"id": "p2", "name": "Ben", "in_room": True},
    {"id": "p3", "name": "Cai", "in_room": False},
]
FIELDS = [
    {"id": "feeling", "type": "emotion", "label": "What do you feel?", "audience": "summary",
     "required": True},
    {"id": "strength", "type": "scale", "label": "How strong is it?", "audience": "summary", "distress_alert": True},
    {"id": "need", "type": "short_text", "label": "What do you need today?", "audience": "private"},
    {"id": "story", "type": "long_text", "label": "What happened?", "audience": "group"},
    {"id": "take_home", "type": "list", "label": "What do you take with you?", "audience": "group",
     "max_items": 3},
]


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def make(options: dict[str, Any] | None = None) -> dict[str, Any]:
    activity = ActivityAdapter.validate_python({
        "slug": "check-in", "title": "Check-in", "category": "frame", "summary": "How you arrive.",
        "purpose": "Arrive.", "intro": "Tell us how you are.", "duration": 10,
        "steps": [{"minutes": 5, "text": "Fill in."}], "prompts": ["How are you?"],
        "kind": "form", "settings": {"fields": FIELDS},
    })
    return engine.start(activity, MEMBERS, 0.0, 1, options)


def act(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, now: float = 1.0,
        **args: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    snapshot = json.dumps(state)
    result = engine.apply(state, {"type": kind, "actor": actor, **args}, now)
    assert json.dumps(state) == snapshot, "apply mutated its input"
    return result


def run(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> dict[str, Any]:
    return act(state, kind, actor, **args)[0]


def reason(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, {"type": kind, "actor": actor, **args}, 1.0)
    return caught.value.reason


def answers(word: str = "calm", family: str | None = "calm", **extra: Any) -> dict[str, Any]:
    return {"feeling": {"word": word, "family": family}, **extra}


def submitted(member: str = "p1", **extra: Any) -> dict[str, Any]:
    return run(make(), "submit", P(member), answers=answers(**extra))


# ---- submit and validation --------------------------------------------------------------------


def test_submit_stores_normalised_answers():
    state = run(make(), "submit", P("p1"), answers={
        "feeling": {"word": "  tender ", "family": ""}, "strength": 3, "need": "  rest ",
        "story": "", "take_home": [" breathe ", "", "call Mo"],
    })
    assert state["answers"]["p1"] == {
        "feeling": {"word": "tender", "family": None}, "strength": 3, "need": "rest",
        "take_home": ["breathe", "call Mo"],
    }
    assert state["submitted_at"]["p1"] == 1.0


def test_resubmit_replaces_the_whole_set():
    state = submitted(strength=4, story="It was a long week.")
    state = run(state, "submit", P("p1"), answers=answers("glad", "glad"))
    assert state["answers"]["p1"] == {"feeling": {"word": "glad", "family": "glad"}}


def test_required_fields_are_named_when_missing():
    assert reason(make(), "submit", P("p1"), answers={"strength": 2}) == "Please answer “What do you feel?”."
    blank = {"feeling": {"word": "  ", "family": None}}
    assert reason(make(), "submit", P("p1"), answers=blank) == "Please answer “What do you feel?”."


@pytest.mark.parametrize(("extra", "expected"), [
    ({"strength": 11}, "“How strong is it?” takes a whole number from 0 to 10."),
    ({"strength": -1}, "“How strong is it?” takes a whole number from 0 to 10."),
    ({"strength": 5.5}, "“How strong is it?” takes a whole number from 0 to 10."),
    ({"strength": True}, "“How strong is it?” takes a whole number from 0 to 10."),
    ({"strength": "7"}, "“How strong is it?” takes a whole number from 0 to 10."),
    ({"need": "x" * 201}, "“What do you need today?” can be at most 200 characters."),
    ({"need": 42}, "“What do you need today?” takes text."),
    ({"story": "x" * 2001}, "“What happened?” can be at most 2000 characters."),
    ({"take_home": ["a", "b", "c", "d"]}, "“What do you take with you?” takes at most 3 entries."),
    ({"take_home": ["x" * 201]}, "“What do you take with you?” can be at most 200 characters."),
    ({"take_home": "breathe"}, "“What do you take with you?” takes a list."),
    ({"take_home": [1]}, "“What do you take with you?” takes text."),
    ({"mood": "ok"}, "This form has no question “mood”."),
])
def test_bad_values_are_rejected_naming_the_field(extra, expected):
    assert reason(make(), "submit", P("p1"), answers=answers(**extra)) == expected


@pytest.mark.parametrize("feeling", [
    "calm", {"word": "calm", "colour": "blue"}, {"word": 3}, {"word": "calm", "family": 3},
    {"word": "", "family": "sad"},
])
def test_bad_emotions_are_rejected(feeling):
    expected = "“What do you feel?” takes a feeling word."
    assert reason(make(), "submit", P("p1"), answers={"feeling": feeling}) == expected


def test_own_emotion_words_are_allowed_up_to_40_characters():
    state = run(make(), "submit", P("p1"), answers={"feeling": {"word": "w" * 40}})
    assert state["answers"]["p1"]["feeling"] == {"word": "w" * 40, "family": None}
    too_long = {"feeling": {"word": "w" * 41}}
    assert "40 characters" in reason(make(), "submit", P("p1"), answers=too_long)


@pytest.mark.parametrize("payload", [None, ["feeling"], "calm"])
def test_answers_must_be_a_mapping(payload):
    assert reason(make(), "submit", P("p1"), answers=payload) == "The answers were not understood."


def test_who_may_submit_for_whom():
    state = run(make(), "submit", F, member="p2", answers=answers())
    assert "p2" in state["answers"]
    assert reason(make(), "submit", F, member="p1", answers=answers()) == (
        "Ana has their own device and does this themselves.")
    assert reason(make(), "submit", F, answers=answers()) == "Please choose a member."
    assert reason(make(), "submit", P("p1"), member="p2", answers=answers()) == (
        "You can only do that for yourself.")
    assert reason(make(), "submit", P("zz"), answers=answers()) == "You are not part of this activity."


# ---- distress alerts --------------------------------------------------------------------------


def test_distress_alert_at_the_default_threshold():
    _, effects = act(make(), "submit", P("p1"), answers=answers(strength=8))
    # Without distress_families in the start options every feeling counts as possible distress.
    assert {"type": "alert", "kind": "distress", "member": "p1", "field": "strength", "value": 8,
            "word": "calm", "family": "calm"} in effects
    _, effects = act(make(), "submit", P("p1"), answers=answers(strength=7))
    assert [e for e in effects if e["type"] == "alert"] == []


def test_distress_threshold_comes_from_the_start_options():
    state = make({"distress_threshold": 5})
    _, effects = act(state, "submit", P("p1"), answers=answers(strength=5))
    assert [e["value"] for e in effects if e["type"] == "alert"] == [5]


def test_distress_alert_fires_again_only_when_the_value_changes():
    state = submitted(strength=9)
    state, effects = act(state, "submit", P("p1"), answers=answers(strength=9, story="same"))
    assert [e for e in effects if e["type"] == "alert"] == []
    _, effects = act(state, "submit", P("p1"), answers=answers(strength=10))
    assert [e["value"] for e in effects if e["type"] == "alert"] == [10]


@pytest.mark.parametrize("threshold", [11, -1, "8", True, 7.5])
def test_bad_distress_thresholds_are_rejected(threshold):
    with pytest.raises(Rejected):
        make({"distress_threshold": threshold})


# ---- delete_answers ---------------------------------------------------------------------------


def test_a_member_deletes_their_answers_also_after_close():
    state = run(submitted(story="mine"), "close")
    state = run(state, "delete_answers", P("p1"))
    assert "p1" not in state["answers"] and "p1" not in state["submitted_at"]
    assert reason(state, "delete_answers", P("p1")) == "There are no answers to delete."


def test_deleting_withdraws_what_was_revealed():
    state = run(submitted(story="mine"), "reveal", field="story", member="p1")
    state = run(state, "delete_answers", P("p1"))
    assert state["spotlight"] is None and state["shared"] == []


def test_delete_for_others_is_refused():
    state = submitted()
    assert reason(state, "delete_answers", P("p2"), member="p1") == "You can only do that for yourself."
    assert reason(state, "delete_answers", F, member="p1") == (
        "Ana has their own device and does this themselves.")


# ---- reveal, hide, close ----------------------------------------------------------------------


def filled() -> dict[str, Any]:
    state = run(make(), "submit", P("p1"), answers=answers("sad", "sad", strength=4, story="Ana's story",
                                                              need="secret need"))
    state = run(state, "submit", F, member="p2", answers=answers("low", "sad", strength=6))
    return run(state, "submit", P("p3"), answers=answers("proud", None, strength=6, story="Cai's story"))


def test_reveal_an_aggregate_on_the_display_without_names():
    state = run(filled(), "reveal", field="strength")
    shown = engine.display_view(state, show_names=True)["spotlight"]
    assert shown["summary"] == {"answered": 3, "mean": 5.3, "bands": [
        {"from": 0, "to": 3, "count": 0}, {"from": 4, "to": 6, "count": 3}, {"from": 7, "to": 10, "count": 0}]}
    state = run(state, "reveal", field="feeling")
    summary = engine.display_view(state, show_names=True)["spotlight"]["summary"]
    assert summary == {"answered": 3, "families": {"sad": 2}}  # one person's "proud" is never a bar of its own
    text = json.dumps(engine.display_view(state, show_names=True))
    assert "Ana" not in text and "proud" not in text


def test_reveal_a_chosen_group_answer_names_only_with_show_names():
    state = run(filled(), "reveal", field="story", member="p3")
    assert engine.display_view(state, show_names=False)["spotlight"]["name"] is None
    named = engine.display_view(state, show_names=True)["spotlight"]
    assert named["name"] == "Cai" and named["value"] == "Cai's story"


def test_participants_see_others_group_answers_only_once_revealed():
    state = filled()
    assert "Cai's story" not in json.dumps(engine.participant_view(state, "p1"))
    state = run(run(state, "reveal", field="story", member="p3"), "hide")
    view = engine.participant_view(state, "p1")
    assert view["shared"] == [{"field": "story", "label": "What happened?", "type": "long_text",
                               "value": "Cai's story", "mine": False}]
    assert "Cai" not in json.dumps(view).replace("Cai's story", "")
    assert engine.participant_view(state, "p3")["shared"][0]["mine"] is True


def test_reveal_refusals():
    state = filled()
    assert reason(state, "reveal", P("p1"), field="story") == "Only a facilitator can do that."
    assert reason(state, "reveal", field="nope") == "This form has no such question."
    assert reason(state, "reveal", field=3) == "Please choose a question."
    assert reason(state, "reveal", field="need").startswith("“What do you need today?” is private")
    not_shared = reason(state, "reveal", field="feeling", member="p1")
    assert not_shared.startswith("“What do you feel?” is not shared")
    assert reason(state, "reveal", field="story", member="p2") == "Ben has not answered “What happened?”."
    assert reason(state, "reveal", field="story", member="zz") == "That member is not here."


def test_hide_clears_the_spotlight():
    state = run(run(filled(), "reveal", field="strength"), "hide")
    assert engine.display_view(state, show_names=False)["spotlight"] is None
    assert reason(state, "hide") == "Nothing is being shown."
    assert reason(state, "hide", P("p1")) == "Only a facilitator can do that."


def test_close_stops_submissions():
    state = run(make(), "close")
    assert state["phase"] == "closed"
    assert reason(state, "submit", P("p1"), answers=answers()) == "This form is closed."
    assert reason(state, "close") == "This form is closed."
    assert reason(make(), "close", P("p1")) == "Only a facilitator can do that."


def test_unknown_commands_are_refused():
    assert reason(make(), "next") == "That action is not available in this activity."


# ---- views and audiences ----------------------------------------------------------------------


def test_facilitators_see_everything_but_private_answers():
    view = engine.facilitator_view(filled())
    ana = next(row for row in view["members"] if row["id"] == "p1")
    assert ana["answers"]["story"] == "Ana's story" and ana["answers"]["strength"] == 4
    assert "need" not in ana["answers"] and ana["private_answered"] == ["need"]
    assert "secret need" not in json.dumps(view)
    assert "need" not in view["summaries"]


def test_facilitator_view_flags_distress():
    state = submitted(strength=9)
    assert engine.facilitator_view(state)["distress"] == [{"member": "p1", "field": "strength", "value": 9}]


def test_participants_see_all_their_own_answers():
    view = engine.participant_view(filled(), "p1")
    assert view["my_answers"]["need"] == "secret need" and view["submitted"]
    assert "proud" not in json.dumps(view)


def test_display_counts_present_members_only():
    state = run(filled(), "member_leave", member="p3")
    view = engine.display_view(state, show_names=False)
    assert engine.facilitator_view(state)["answered"] == 2 and view["present"] == 2
    assert view["answered"] is None and view["held_back"] == "Shown when at least 3 people have answered."
    assert "p3" in state["answers"]  # leaving keeps the answers
    assert engine.display_view(filled(), show_names=False)["answered"] == 3


def test_join_then_submit():
    state = run(make(), "member_join", member={"id": "p4", "name": "Dee", "in_room": True})
    state = run(state, "submit", F, member="p4", answers=answers())
    assert engine.facilitator_view(state)["answered"] == 1
    assert engine.display_view(state, show_names=False)["answered"] is None  # one person: no count for the room
    assert reason(state, "member_join", P("p1"), member={"id": "p5", "name": "Eve"}) == (
        "Only a facilitator can do that.")


def test_a_private_scale_never_alerts_nor_flags_the_member():
    """A private answer belongs to the member alone: not even "someone rated high" reaches facilitators."""
    from activities import engine
    from activities.schema import ActivityAdapter

    activity = ActivityAdapter.validate_python({
        "slug": "private-scale", "title": "Private scale", "kind": "form", "category": "reflection",
        "summary": "s", "purpose": "p", "intro": "i", "duration": 5, "steps": [{"minutes": 5, "text": "t"}],
        "prompts": ["q"], "settings": {"fields": [
            {"id": "mine", "type": "scale", "label": "Just for me", "audience": "private", "distress_alert": True},
            {"id": "shared", "type": "scale", "label": "For facilitators", "audience": "facilitators",
             "distress_alert": True}]}})
    state = engine.start(activity, [{"id": "p1", "name": "Ana"}], 0.0, 1, {"distress_threshold": 7})
    actor = {"role": "participant", "id": "p1"}
    state, effects = engine.apply(state, {"type": "submit", "actor": actor, "answers": {"mine": 10}}, 1.0)
    assert [e for e in effects if e["type"] == "alert"] == []
    assert engine.facilitator_view(state)["distress"] == []
    state, effects = engine.apply(state, {"type": "submit", "actor": actor, "answers": {"mine": 10, "shared": 9}}, 2.0)
    assert [e["field"] for e in effects if e["type"] == "alert"] == ["shared"]
    assert engine.facilitator_view(state)["distress"] == [{"member": "p1", "field": "shared", "value": 9}]


def test_unshare_takes_a_shared_answer_back_and_the_spotlight_names_the_member():
    from activities import engine
    from activities.schema import ActivityAdapter

    activity = ActivityAdapter.validate_python({
        "slug": "share", "title": "Share", "kind": "form", "category": "reflection", "summary": "s",
        "purpose": "p", "intro": "i", "duration": 5, "steps": [{"minutes": 5, "text": "t"}], "prompts": ["q"],
        "settings": {"fields": [{"id": "word", "type": "short_text", "label": "One word", "audience": "group"}]}})
    fac = {"role": "facilitator", "id": "f1"}
    state = engine.start(activity, [{"id": "p1", "name": "Ana"}, {"id": "p2", "name": "Ben"}], 0.0, 1)
    state, _ = engine.apply(state, {"type": "submit", "actor": {"role": "participant", "id": "p1"},
                                    "answers": {"word": "steady"}}, 1.0)
    state, _ = engine.apply(state, {"type": "reveal", "actor": fac, "field": "word", "member": "p1"}, 2.0)
    assert engine.facilitator_view(state)["spotlight"]["member"] == "p1"
    assert "steady" in str(engine.participant_view(state, "p2"))
    with pytest.raises(Rejected):
        engine.apply(state, {"type": "unshare", "actor": {"role": "participant", "id": "p1"},
                             "field": "word", "member": "p1"}, 3.0)
    state, _ = engine.apply(state, {"type": "unshare", "actor": fac, "field": "word", "member": "p1"}, 3.0)
    assert "steady" not in str(engine.participant_view(state, "p2"))
    assert engine.facilitator_view(state)["spotlight"] is None
    with pytest.raises(Rejected, match="not being shared"):
        engine.apply(state, {"type": "unshare", "actor": fac, "field": "word", "member": "p1"}, 4.0)


def test_summaries_for_the_room_need_at_least_three_answers_and_alerts_stay_private():
    from activities import engine
    from activities.kinds.form_views import MIN_GROUP_SUMMARY
    from activities.schema import ActivityAdapter

    activity = ActivityAdapter.validate_python({
        "slug": "few", "title": "Few", "kind": "form", "category": "frame", "summary": "s", "purpose": "p",
        "intro": "i", "duration": 5, "steps": [{"minutes": 5, "text": "t"}], "prompts": ["q"],
        "settings": {"fields": [{"id": "level", "type": "scale", "label": "How strong", "audience": "summary",
                                 "distress_alert": True}]}})
    fac = {"role": "facilitator", "id": "f1"}
    members = [{"id": f"p{i}", "name": n} for i, n in enumerate(["Ana", "Ben", "Cai"], start=1)]
    state = engine.start(activity, members, 0.0, 1)
    assert "distress_alert" not in str(engine.participant_view(state, "p1"))
    for i, value in enumerate([9, 2], start=1):
        state, _ = engine.apply(state, {"type": "submit", "actor": {"role": "participant", "id": f"p{i}"},
                                        "answers": {"level": value}}, float(i))
    with pytest.raises(Rejected, match=f"at least {MIN_GROUP_SUMMARY}"):
        engine.apply(state, {"type": "reveal", "actor": fac, "field": "level"}, 5.0)
    state, _ = engine.apply(state, {"type": "submit", "actor": {"role": "participant", "id": "p3"},
                                    "answers": {"level": 4}}, 6.0)
    state, _ = engine.apply(state, {"type": "reveal", "actor": fac, "field": "level"}, 7.0)
    assert engine.display_view(state, False)["spotlight"]["summary"]["mean"] == 5.0
    state, _ = engine.apply(state, {"type": "delete_answers", "actor": {"role": "participant", "id": "p3"}}, 8.0)
    shown = engine.display_view(state, False)["spotlight"]["summary"]
    assert shown == {"answered": 2, "too_few": True,  # someone withdrew: the room no longer sees a summary
                     "held_back": "Shown when at least 3 people have answered."}
