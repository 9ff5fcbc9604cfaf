"""The shapes a worksheet takes (handouts/layouts.py, activities/schema.PrintGroup): plain data checked
without rendering a PDF."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from activities.library import load_library
from activities.schema import FormSettings
from handouts import context as ctx
from handouts import layouts

LIB = load_library()
EMOTIONS = [f.model_dump() for f in LIB.emotions]


def _blocks(slug: str) -> list[dict]:
    return ctx.worksheet_data(LIB[slug], EMOTIONS)["blocks"]


def _groups(slug: str) -> list[dict]:
    return [b for b in _blocks(slug) if b["type"] in ("group", "card")]


def test_the_ladder_prints_as_a_table_of_tries_on_a_landscape_page_at_the_end():
    blocks = _blocks("exposure-ladder")
    table = blocks[-1]
    assert table["type"] == "group" and table["layout"] == "table" and table["wide"] and table["rows"] == 8
    headings = [c["heading"] for c in table["columns"]]
    assert headings[:4] == ["The step", "Discomfort I expect", "What I fear will happen", "How sure I am"]
    assert "What actually happened" in headings and "How sure I am now" in headings
    assert [c["hint"] for c in table["columns"]].count("0\u201310") == 4  # the ratings on one 0-10 scale
    pointer = next(b for b in blocks if b.get("pointer"))
    assert blocks.index(pointer) < len(blocks) - 1 and pointer["heading"] == table["heading"]
    asked = {b["label"] for b in blocks if b["type"] == "question"}
    assert not asked & {c["label"] for c in table["columns"]}  # each question printed once


def test_the_trigger_map_is_a_chain_and_the_thought_check_sets_evidence_side_by_side():
    chain = _groups("trigger-safe-zone-map")[0]
    assert chain["layout"] == "chain" and not chain["wide"]
    assert [c["heading"] for c in chain["columns"]][0] == "The situation"
    assert chain["columns"][-1]["heading"] == "What helps me settle"
    sides = _groups("thought-check")[0]
    assert sides["layout"] == "side_by_side"
    assert [q["label"] for q in sides["questions"]] == ["What makes the thought seem true?",
                                                        "Recent interactions that don't fit the thought"]


def test_the_steadying_plan_folds_into_a_wallet_card():
    card = _groups("steadying-plan")[0]
    assert card["type"] == "card" and len(card["panels"]) == layouts.CARD_PANELS
    assert card["panels"][0]["front"] and not any(p["front"] for p in card["panels"][1:])
    printed = [i["heading"] for p in card["panels"] for i in p["items"]]
    assert printed[0] == "My early signs" and printed[-1] == "The crisis line I'll use" and len(printed) == 6
    assert len(card["key"]) == 6  # the help texts print beside the card


def test_the_working_models_print_a_self_by_other_two_by_two():
    grid = next(b for b in _blocks("internal-working-models") if b["type"] == "grid")
    assert len(grid["columns"]) == 2 and [len(r["cells"]) for r in grid["rows"]] == [2, 2]
    assert ctx.reference_data(LIB["internal-working-models"])["grid"] == grid


def test_box_breathing_is_a_square_and_other_patterns_are_not():
    pattern = next(b for b in _blocks("box-breathing") if b["type"] == "pattern")
    assert pattern["square"]["top"]["label"] == "Breathe in" and pattern["square"]["right"]["label"] == "Hold"
    paced = next(b for b in _blocks("paced-breathing") if b["type"] == "pattern")
    assert len(paced["phases"]) != 4 or paced["square"] is not None
    assert layouts.square([{"label": "In", "seconds": 4}] * 3) is None


def test_the_observer_ticks_boxes():
    checklist = next(b for b in _blocks("empathic-listening") if b["type"] == "checklist")
    assert checklist["items"] == list(LIB["empathic-listening"].settings.observer_checklist)


def test_who_sees_the_answers_is_said_once_and_only_differences_under_a_question():
    sheet = ctx.worksheet_data(LIB["trigger-safe-zone-map"], EMOTIONS)
    assert sheet["who_sees_all"]["unless"] is True
    own_lines = [b for b in sheet["blocks"] if b.get("who_sees")]
    assert [b["label"] for b in own_lines] == ["One item you're happy to share with the group (optional)"]
    assert ctx.worksheet_data(LIB["thought-check"], EMOTIONS)["who_sees_all"]["unless"] is False


def test_the_feelings_list_prints_once_per_sheet():
    emotions = [b for b in _blocks("thought-check") if b.get("space") == "emotion"]
    assert len(emotions) == 2 and not emotions[0].get("families_above") and emotions[1]["families_above"]


@pytest.mark.parametrize(("anonymity", "sender"), [("named", "From:"), ("facilitators", "for the facilitator only"),
                                                  ("anonymous", None)])
def test_card_slips_ask_for_a_sender_only_where_the_mode_names_one(anonymity, sender):
    activity = LIB["compassionate-feedback"].model_copy(update={"settings": LIB["compassionate-feedback"].settings
                                                                .model_copy(update={"anonymity": anonymity})})
    slip = layouts.cutouts(activity)[0]["cards"][0]["lines"][0]
    assert slip.startswith("To:") and (sender in slip if sender else "From" not in slip)


def _form(**extra) -> dict:
    return {"fields": [{"id": "a", "type": "short_text", "label": "A"}, {"id": "b", "type": "scale", "label": "B"},
                       {"id": "c", "type": "list", "label": "C"}], **extra}


@pytest.mark.parametrize(("groups", "says"), [
    ([{"layout": "table", "fields": ["a", "zz"]}], "fields the form does not have: zz"),
    ([{"layout": "table", "fields": ["a", "b"]}, {"layout": "chain", "fields": ["b", "c"]}], "one print group only"),
    ([{"layout": "table", "fields": ["a", "b"], "columns": ["Only one"]}], "columns must name each"),
    ([{"layout": "side_by_side", "fields": ["a", "b", "c", "a"]}], "two or three"),
    ([{"layout": "grid", "fields": ["a", "b"]}], "layout"),
])
def test_print_groups_are_checked(groups, says):
    with pytest.raises(ValidationError) as err:
        FormSettings.model_validate(_form(print=groups))
    assert says in str(err.value)
    assert FormSettings.model_validate(_form(print=[{"layout": "table", "fields": ["a", "b", "c"]}]))
