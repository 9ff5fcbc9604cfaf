"""Cards engine: opting in, sending, the I-statement builder, moderation (release, edit, return,
withdraw), the display spotlight, anonymity in every view, who has none, join/leave."""
from __future__ import annotations

import json
from typing import Any

import pytest

from activities import engine
from activities.engine import Rejected
from activities.library import load_library
from activities.schema import ActivityAdapter
from tests.helpers import changed_views

F = {"role": "facilitator", "id": "f1"}
MEMBERS = [
    {"id": "p1", "name": "Ana", "in_room": False},
    {"id": "p2", "name": "Ben", "in_room": True},
    {"id": "p3", "name": "Cai", "in_room": False},
    {"id": "p4", "name": "Dee", "in_room": False},
]
IDS = [m["id"] for m in MEMBERS]
TEMPLATES = ["I noticed…", "I felt…", "I appreciate…"]


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def make(mode: str = "feedback", anonymity: str = "facilitators", max_chars: int = 80) -> dict[str, Any]:
    activity = ActivityAdapter.validate_python({
        "slug": "cards", "title": "Cards", "category": "skill", "summary": "Cards.", "purpose": "Care.",
        "intro": "Write.", "duration": 20, "steps": [{"minutes": 10, "text": "Write."}], "prompts": ["What?"],
        "kind": "cards", "settings": {"mode": mode, "templates": TEMPLATES, "anonymity": anonymity,
                                      "max_chars": max_chars, "worked_example": "I noticed you smiled."},
    })
    return engine.start(activity, MEMBERS, 0.0, 1)


def act(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> tuple[dict[str, Any], list]:
    snapshot = json.dumps(state)
    result = engine.apply(state, {"type": kind, "actor": actor, **args}, 5.0)
    assert json.dumps(state) == snapshot, "apply mutated its input"
    assert json.loads(json.dumps(result[0])) == result[0]
    return result


def run(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> dict[str, Any]:
    return act(state, kind, actor, **args)[0]


def reason(state: dict[str, Any], kind: str, actor: dict[str, Any] = F, **args: Any) -> str:
    with pytest.raises(Rejected) as caught:
        engine.apply(state, {"type": kind, "actor": actor, **args}, 5.0)
    return caught.value.reason


def opened(mode: str = "feedback", anonymity: str = "facilitators", *members: str) -> dict[str, Any]:
    state = make(mode, anonymity)
    for member in members or ("p2",):
        state = run(state, "set_open", P(member), open=True)
    return state


def sent(mode: str = "feedback", anonymity: str = "facilitators", to: str = "p2",
         text: str = "SECRET-TEXT") -> dict[str, Any]:
    return run(opened(mode, anonymity), "send", P("p1"), to=to, template=0, text=text)


def every_view(state: dict[str, Any], but: str | None = None) -> str:
    """Every participant and display view, without the addressee list: that list names everyone present
    (so it tells nobody who opted out) and says nothing about who wrote which card."""
    views = [{k: v for k, v in engine.participant_view(state, m).items() if k != "can_send_to"}
             for m in IDS if m != but]
    views += [engine.display_view(state, flag) for flag in (False, True)]
    return json.dumps(views)


# ---- start and opting in ----------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "default"), [("feedback", False), ("appreciations", True), ("istatement", False)])
def test_receiving_is_opt_in_for_feedback_and_opt_out_for_appreciations(mode, default):
    state = make(mode)
    assert state["open"] == dict.fromkeys(IDS, default)
    assert engine.participant_view(state, "p1")["open"] is default


@pytest.mark.parametrize("slug", ["compassionate-feedback", "appreciations-round", "i-statement-builder"])
def test_library_cards_activities_start(slug):
    state = engine.start(load_library().get(slug), MEMBERS, 0.0, 1)
    assert state["kind"] == "cards" and json.loads(json.dumps(state)) == state


def test_set_open_for_oneself_or_by_a_facilitator_for_anyone():
    state = run(make(), "set_open", P("p1"), open=True)
    state = run(state, "set_open", member="p3", open=True)
    assert state["open"] == {"p1": True, "p2": False, "p3": True, "p4": False}
    names = [m["name"] for m in engine.participant_view(state, "p2")["can_send_to"]]
    assert names == ["Ana", "Cai", "Dee"]  # everyone else: nobody can tell who opted out
    assert [m["name"] for m in engine.participant_view(state, "p1")["can_send_to"]] == ["Ben", "Cai", "Dee"]
    assert reason(state, "set_open", P("p1"), member="p2", open=True) == "You can only do that for yourself."
    assert reason(state, "set_open", P("p1"), open="yes") == "Choose whether to receive cards or not."
    assert reason(state, "set_open", member="zz", open=True) == "That member is not here."


# ---- sending ----------------------------------------------------------------------------------


def test_send_creates_a_pending_card():
    state = sent()
    assert state["cards"] == [{"id": "c1", "from": "p1", "to": "p2", "template": 0, "text": "SECRET-TEXT",
                               "parts": None, "status": "pending", "edited": False, "original": None,
                               "note": None, "sent_at": 5.0}]


def test_cards_reach_only_open_members_but_the_sender_cannot_tell_who_opted_out():
    state = run(make(), "send", P("p1"), to="p2", template=0, text="hi")  # Ben has not opted in
    assert state["cards"][0]["status"] == "pending"  # accepted like any card: no refusal gives him away
    assert engine.facilitator_view(state)["queue"][0]["addressee_open"] is False
    assert reason(state, "release", card="c1") == \
        "Ben is not receiving cards today. You could write to the whole group instead."
    state = run(state, "return_card", card="c1", note="Ben is not taking cards today; thank you for writing.")
    assert "hi" not in json.dumps(engine.participant_view(state, "p2"))
    state = run(make(), "send", P("p1"), to="group", template=1, text="  thank you all  ")
    assert state["cards"][0]["to"] == "group" and state["cards"][0]["text"] == "thank you all"
    assert reason(opened(), "send", P("p2"), to="p2", template=0, text="hi") == \
        "Cards go to another member or to the whole group."
    assert reason(opened(), "send", P("p1"), to="zz", template=0, text="hi") == \
        "Choose a member who is here, or the whole group."
    assert reason(opened(), "send", P("p1"), template=0, text="hi") == "Choose a member who is here, or the whole group."


@pytest.mark.parametrize(("args", "expected"), [
    ({"template": 3, "text": "hi"}, "Please choose a card opening."),
    ({"template": "0", "text": "hi"}, "Please choose a card opening."),
    ({"template": 0, "text": "   "}, "A card needs a few words."),
    ({"template": 0, "text": 7}, "A card needs a few words."),
    ({"template": 0}, "A card needs a few words."),
    ({"template": 0, "text": "x" * 81}, "A card can be up to 80 characters."),
])
def test_send_refusals(args, expected):
    assert reason(opened(), "send", P("p1"), to="p2", **args) == expected


def test_who_may_send_for_whom():
    state = run(opened(), "send", member="p2", to="group", template=0, text="from the slip")
    assert state["cards"][0]["from"] == "p2"
    assert reason(opened(), "send", member="p1", to="p2", template=0, text="hi") == \
        "Ana has their own device and does this themselves."
    assert reason(opened(), "send", P("p1"), member="p3", to="p2", template=0, text="hi") == \
        "You can only do that for yourself."


# ---- the I-statement builder ------------------------------------------------------------------

PARTS = {"feel": "anxious", "when": "I wait without a message.", "because": "I wonder if I matter",
         "like": "a quick text"}


def istatement(**args: Any) -> dict[str, Any]:
    state = make("istatement", "named", 200)
    return run(state, "send", P("p1"), to="group", template=0, **args)


def test_istatement_parts_are_composed():
    card = istatement(parts=PARTS)["cards"][0]
    assert card["text"] == ("I feel anxious when I wait without a message, because I wonder if I matter. "
                            "What I'd like is a quick text.")
    assert card["parts"]["when"] == "I wait without a message"
    short = istatement(parts={**PARTS, "because": ""})["cards"][0]["text"]
    assert short == "I feel anxious when I wait without a message. What I'd like is a quick text."


@pytest.mark.parametrize("when", ["you always leave me waiting", "You NEVER text", "it never works",
                                  "Always, on Fridays"])
def test_istatement_nudges_away_from_always_and_never(when):
    with pytest.raises(Rejected) as caught:
        istatement(parts={**PARTS, "when": when})
    assert "one concrete moment" in caught.value.reason
    assert istatement(parts={**PARTS, "when": when}, keep_wording=True)["cards"][0]["status"] == "pending"
    with pytest.raises(Rejected):
        istatement(parts={**PARTS, "when": when}, keep_wording="yes")


def test_istatement_word_boundaries():
    card = istatement(parts={**PARTS, "when": "we walk the hallways and nevertheless talk"})["cards"][0]
    assert "hallways" in card["text"]


@pytest.mark.parametrize(("parts", "expected"), [
    (None, "Please fill in the parts of the I-statement."),
    ({**PARTS, "feel": 3}, "Please fill in the parts of the I-statement."),
    ({**PARTS, "feel": " "}, "Please add what you feel."),
    ({"feel": "sad", "like": "a call"}, "Please add when it happens."),
    ({**PARTS, "like": ""}, "Please add what you would like."),
    ({**PARTS, "because": "x" * 200}, "An I-statement can be up to 200 characters."),
])
def test_istatement_refusals(parts, expected):
    with pytest.raises(Rejected) as caught:
        istatement(parts=parts)
    assert caught.value.reason == expected


# ---- moderation -------------------------------------------------------------------------------


def test_no_card_reaches_anyone_before_release():
    for to in ("p2", "group"):
        state = sent(to=to)
        assert "SECRET-TEXT" not in every_view(state, but="p1")
        mine = engine.participant_view(state, "p1")["sent"]
        assert mine[0]["status"] == "pending" and mine[0]["text"] == "SECRET-TEXT"
        assert engine.participant_view(state, "p2")["received"] == []
        assert engine.display_view(state, False)["counts"] == {"sent": 1, "pending": 1, "released": 0, "returned": 0}


def test_release_delivers_to_the_addressee_only():
    state = run(sent(), "release", card="c1")
    assert engine.participant_view(state, "p2")["received"] == [
        {"id": "c1", "template": 0, "opening": "I noticed…", "text": "SECRET-TEXT", "from": None}]
    for member in ("p3", "p4"):
        assert "SECRET-TEXT" not in json.dumps(engine.participant_view(state, member))
    assert engine.participant_view(state, "p1")["sent"][0]["status"] == "released"
    assert reason(state, "release", card="c1") == "That card has already been released."


def test_released_group_cards_reach_everyone():
    state = run(sent(to="group"), "release", card="c1")
    for member in IDS:
        cards = engine.participant_view(state, member)["group_cards"]
        assert [c["text"] for c in cards] == ["SECRET-TEXT"] and cards[0]["mine"] is (member == "p1")


def test_release_waits_when_the_addressee_has_closed_since():
    state = run(sent(), "set_open", P("p2"), open=False)
    assert reason(state, "release", card="c1").startswith("Ben is not receiving cards today.")
    assert reason(state, "release", card="c9") == "There is no such card."


def test_edit_changes_the_text_with_the_sender_s_knowledge():
    state = run(sent(), "edit", card="c1", text="I noticed you listened.")
    state = run(state, "edit", card="c1", text="I noticed you listened closely.")
    mine = engine.participant_view(state, "p1")["sent"][0]
    assert mine["edited"] and mine["text"] == "I noticed you listened closely." and mine["original"] == "SECRET-TEXT"
    state = run(state, "release", card="c1")
    assert engine.participant_view(state, "p2")["received"][0]["text"] == "I noticed you listened closely."
    assert "SECRET-TEXT" not in json.dumps(engine.participant_view(state, "p2"))
    assert reason(state, "edit", card="c1", text="again") == "That card has already been released."
    assert reason(sent(), "edit", card="c1", text="") == "A card needs a few words."


def test_return_card_goes_back_to_the_sender_and_is_never_delivered():
    state = run(sent(), "return_card", card="c1", note="Could you say what you saw, rather than why?")
    mine = engine.participant_view(state, "p1")["sent"][0]
    assert mine["status"] == "returned" and mine["note"].startswith("Could you say")
    assert "SECRET-TEXT" not in every_view(state, but="p1")
    assert reason(state, "release", card="c1") == "That card went back to its writer."
    assert reason(sent(), "return_card", card="c1", note="x" * 201) == "A note can be up to 200 characters."
    assert run(sent(), "return_card", card="c1")["cards"][0]["note"] is None


def test_senders_may_withdraw_their_own_pending_card():
    state = run(sent(), "withdraw", P("p1"), card="c1")
    assert state["cards"] == [] and engine.participant_view(state, "p1")["sent"] == []
    assert reason(sent(), "withdraw", P("p3"), card="c1") == "There is no such card."
    assert reason(run(sent(), "release", card="c1"), "withdraw", P("p1"), card="c1") == \
        "That card has already been released."
    by_slip = run(opened(), "send", member="p2", to="group", template=0, text="slip")
    assert run(by_slip, "withdraw", member="p2", card="c1")["cards"] == []


def test_participants_cannot_moderate():
    state = sent()
    for kind, args in [("release", {"card": "c1"}), ("edit", {"card": "c1", "text": "x"}),
                       ("return_card", {"card": "c1"}), ("show", {"card": "c1"}), ("hide", {}),
                       ("member_join", {"member": {"id": "p9", "name": "Ivy"}}), ("member_leave", {"member": "p2"})]:
        assert reason(state, kind, P("p2"), **args) == "Only a facilitator can do that.", kind


# ---- the display ------------------------------------------------------------------------------


def test_show_puts_a_released_card_on_the_display():
    state = sent(mode="appreciations", anonymity="named")
    assert reason(state, "show", card="c1") == "Only a released card can be shown."
    state = run(run(state, "release", card="c1"), "show", card="c1")
    assert engine.display_view(state, False)["shown"] == {"opening": "I noticed…", "text": "SECRET-TEXT",
                                                           "to": None, "from": None}
    assert engine.display_view(state, True)["shown"] == {"opening": "I noticed…", "text": "SECRET-TEXT",
                                                          "to": "Ben", "from": "Ana"}
    assert engine.participant_view(state, "p2")["shown"]["to_me"] is True
    state = run(state, "hide")
    assert engine.display_view(state, True)["shown"] is None
    assert reason(state, "hide") == "Nothing is being shown."


@pytest.mark.parametrize("anonymity", ["facilitators", "anonymous"])
def test_the_display_never_names_outside_named_mode(anonymity):
    state = run(run(sent(anonymity=anonymity), "release", card="c1"), "show", card="c1")
    shown = engine.display_view(state, True)["shown"]
    assert shown["to"] is None and shown["from"] is None
    group = run(run(sent(anonymity=anonymity, to="group"), "release", card="c1"), "show", card="c1")
    assert engine.display_view(group, True)["shown"]["to"] == "The whole group"


# ---- anonymity --------------------------------------------------------------------------------


@pytest.mark.parametrize("anonymity", ["facilitators", "anonymous"])
@pytest.mark.parametrize("to", ["p2", "group"])
def test_anonymity_never_leaks_the_sender_to_other_participants(anonymity, to):
    state = run(sent(anonymity=anonymity, to=to), "release", card="c1")
    state = run(state, "show", card="c1")
    text = every_view(state, but="p1")  # p1 is not open, so no list of addressees names them either
    assert "SECRET-TEXT" in text
    assert "p1" not in text and "Ana" not in text


def test_facilitators_see_the_sender_except_in_fully_anonymous_mode():
    known = engine.facilitator_view(sent(anonymity="facilitators"))["queue"][0]
    assert known["from"] == {"id": "p1", "name": "Ana"} and known["to"] == {"id": "p2", "name": "Ben"}
    hidden = engine.facilitator_view(run(sent(anonymity="anonymous"), "release", card="c1"))
    assert hidden["cards"][0]["from"] is None
    assert "Ana" not in json.dumps([hidden["cards"], hidden["shown"]])


def test_named_mode_shows_the_sender_to_the_addressee():
    state = run(sent(mode="appreciations", anonymity="named"), "release", card="c1")
    assert engine.participant_view(state, "p2")["received"][0]["from"] == "Ana"


# ---- appreciations: who has none --------------------------------------------------------------


def test_who_has_none_lists_members_without_a_released_card():
    state = opened("appreciations", "named")
    state = run(state, "send", P("p1"), to="p2", template=2, text="your patience")
    state = run(state, "send", P("p2"), to="group", template=2, text="all of you")
    assert [m["id"] for m in engine.facilitator_view(state)["who_has_none"]] == IDS
    state = run(run(state, "release", card="c1"), "release", card="c2")
    assert [m["id"] for m in engine.facilitator_view(state)["who_has_none"]] == ["p1", "p3", "p4"]
    state = run(state, "member_leave", member="p4")
    assert [m["id"] for m in engine.facilitator_view(state)["who_has_none"]] == ["p1", "p3"]


# ---- join, leave, effects ---------------------------------------------------------------------


def test_joiners_get_the_default_and_rejoiners_keep_their_choice():
    state = run(make("appreciations"), "member_join", member={"id": "p5", "name": "Eve", "in_room": True})
    assert state["open"]["p5"] is True
    state = run(state, "set_open", P("p5"), open=False)
    state = run(run(state, "member_leave", member="p5"), "member_join", member={"id": "p5", "name": "Eve"})
    assert state["open"]["p5"] is False
    assert reason(state, "set_open", P("zz"), open=True) == "You are not part of this activity."


def test_a_pending_card_changes_only_its_senders_view_and_release_the_addressees():
    state, effects = act(opened(), "send", P("p1"), to="p2", template=0, text="hi")
    assert changed_views(opened(), state) == ["p1"] and effects == []
    state, effects = act(sent(), "release", card="c1")
    assert changed_views(sent(), state) == ["p1", "p2"] and effects == []


def test_unknown_commands_are_refused():
    assert reason(make(), "flip") == "That action is not available in this activity."


@pytest.mark.parametrize(("typed", "kept"), [
    ("I noticed how you waited for Ben", "how you waited for Ben"),
    ("i noticed… you made room", "you made room"),
    ("I noticed", None),
    ("Thank you for today", "Thank you for today"),
    ("I noticedness is a word now", "I noticedness is a word now"),  # only a whole opening
])
def test_an_opening_typed_again_is_not_doubled(typed, kept):
    """The card reads opening + text: a typed copy of the opening is dropped once (never twice)."""
    state = opened()
    if kept is None:
        assert reason(state, "send", P("p1"), to="p2", template=0, text=typed) == "A card needs a few words after its opening."
        return
    state = run(state, "send", P("p1"), to="p2", template=0, text=typed)
    assert state["cards"][-1]["text"] == kept
