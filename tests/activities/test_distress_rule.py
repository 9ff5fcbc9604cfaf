"""The check-in distress alert weighs the feeling: distress families alert at the group's threshold,
tired-or-numb at a lower bar, glad/calm/tender never, and a feeling we cannot place counts as possible
distress (activities/kinds/form_distress.py, docs/ENGINE_CONTRACT.md)."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from activities import engine
from activities.engine import Rejected
from activities.kinds import form_distress
from activities.library import LibraryError, load_emotions
from activities.schema import ActivityAdapter
from tests.activities.test_library import EMOTIONS, write

FAMILIES = {fam.id: fam.distress for fam in load_emotions().families}
FIELDS = [
    {"id": "feeling", "type": "emotion", "label": "What are you feeling?", "audience": "facilitators"},
    {"id": "intensity", "type": "scale", "label": "How strong is it?", "audience": "facilitators",
     "distress_alert": True},
]


def start(threshold: int = 8, fields: list[dict] | None = None, families: dict | None = None) -> dict[str, Any]:
    activity = ActivityAdapter.validate_python({
        "slug": "check-in", "title": "Check-in", "category": "frame", "summary": "How you arrive.",
        "purpose": "Arrive.", "intro": "Tell us how you are.", "duration": 10,
        "steps": [{"minutes": 5, "text": "Fill in."}], "prompts": ["How are you?"],
        "kind": "form", "settings": {"fields": fields or FIELDS},
    })
    options = {"distress_threshold": threshold, "distress_families": FAMILIES if families is None else families}
    return engine.start(activity, [{"id": "p1", "name": "Ana"}], 0.0, 1, options)


def alerts_for(word: str, family: str | None, intensity: int, threshold: int = 8,
               state: dict | None = None) -> list[dict]:
    state = state or start(threshold)
    command = {"type": "submit", "actor": {"role": "participant", "id": "p1"},
               "answers": {"feeling": {"word": word, "family": family}, "intensity": intensity}}
    _, effects = engine.apply(state, command, 1.0)
    return [e for e in effects if e["type"] == "alert"]


# ---- the data -------------------------------------------------------------------------------------


def test_the_shipped_families_are_marked():
    assert FAMILIES == {"sad": "likely", "scared": "likely", "mad": "likely", "ashamed": "likely",
                        "tired": "low_energy", "glad": "never", "calm": "never", "tender": "never",
                        "unsure": "unclear"}


def test_the_mark_is_required_and_checked(tmp_path):
    missing = copy.deepcopy(EMOTIONS)
    del missing["families"][0]["distress"]
    with pytest.raises(LibraryError) as info:
        load_emotions(write(tmp_path, "emotions.yaml", missing))
    assert "families.0.distress" in str(info.value)
    wrong = copy.deepcopy(EMOTIONS)
    wrong["families"][1]["distress"] = "sometimes"
    with pytest.raises(LibraryError) as info:
        load_emotions(write(tmp_path, "emotions.yaml", wrong))
    assert "families.1.distress" in str(info.value)


def test_the_mark_never_reaches_the_emotion_picker():
    assert all("distress" not in fam.model_dump() for fam in load_emotions().families)


@pytest.mark.parametrize("families", [{"sad": "maybe"}, {"sad": None}, ["sad"], {1: "likely"}])
def test_bad_family_options_are_rejected(families):
    with pytest.raises(Rejected):
        start(families=families)


# ---- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize("word, family", [("calm", "calm"), ("excited", "glad"), ("moved", "tender")])
def test_no_alert_for_a_feeling_that_is_not_distress_whatever_the_intensity(word, family):
    assert alerts_for(word, family, 10) == []
    assert alerts_for(word, family, 9) == []
    assert alerts_for(word, family, 1, threshold=0) == []


def test_panicky_nine_raises_an_alert_with_the_feeling():
    assert alerts_for("panicky", "scared", 9) == [{"type": "alert", "kind": "distress", "member": "p1",
                                                   "field": "intensity", "value": 9, "word": "panicky",
                                                   "family": "scared"}]


@pytest.mark.parametrize("intensity, alerts", [(7, 0), (8, 1), (9, 1), (10, 1)])
def test_a_distress_family_alerts_from_the_threshold(intensity, alerts):
    for word, family in (("sad", "sad"), ("furious", "mad"), ("ashamed", "ashamed"), ("panicky", "scared")):
        assert len(alerts_for(word, family, intensity)) == alerts


@pytest.mark.parametrize("intensity, alerts", [(4, 0), (5, 1), (6, 1), (9, 1)])
def test_numb_has_a_lower_bar(intensity, alerts):
    assert len(alerts_for("numb", "tired", intensity, threshold=8)) == alerts


@pytest.mark.parametrize("threshold, bar", [(10, 7), (8, 5), (4, 1), (3, 1), (2, 1), (1, 1), (0, 0)])
def test_the_low_energy_bar_is_threshold_minus_three_at_least_one(threshold, bar):
    assert form_distress.alert_bar("low_energy", threshold) == bar
    if bar > 0:
        assert alerts_for("numb", "tired", bar - 1, threshold) == []
    assert len(alerts_for("numb", "tired", bar, threshold)) == 1


@pytest.mark.parametrize("word, family", [("shaky inside", None), ("torn", "unsure"), ("meh", "made_up")])
def test_a_feeling_we_cannot_place_counts_as_possible_distress(word, family):
    assert len(alerts_for(word, family, 9)) == 1
    assert len(alerts_for(word, family, 8)) == 1
    assert alerts_for(word, family, 7) == []


def test_without_family_data_the_intensity_alone_decides():
    state = start(families={})
    assert len(alerts_for("calm", "calm", 9, state=state)) == 1
    assert alerts_for("calm", "calm", 7, state=state) == []


def test_a_private_feeling_is_never_weighed():
    fields = [{**FIELDS[0], "audience": "private"}, FIELDS[1]]
    state = start(fields=fields)
    [alert] = alerts_for("calm", "calm", 9, state=state)
    assert alert["word"] is None and alert["family"] is None  # the private word never travels


def test_changing_the_feeling_at_the_same_intensity_can_raise_the_alert():
    state = start()
    command = {"type": "submit", "actor": {"role": "participant", "id": "p1"},
               "answers": {"feeling": {"word": "calm", "family": "calm"}, "intensity": 9}}
    state, effects = engine.apply(state, command, 1.0)
    assert [e for e in effects if e["type"] == "alert"] == []
    command["answers"]["feeling"] = {"word": "panicky", "family": "scared"}
    state, effects = engine.apply(state, command, 2.0)
    assert [e["word"] for e in effects if e["type"] == "alert"] == ["panicky"]
    assert engine.facilitator_view(state)["distress"] == [{"member": "p1", "field": "intensity", "value": 9}]
    command["answers"]["feeling"] = {"word": "relieved", "family": "glad"}
    state, _ = engine.apply(state, command, 3.0)
    assert engine.facilitator_view(state)["distress"] == []
