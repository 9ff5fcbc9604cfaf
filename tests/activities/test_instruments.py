"""The instruments score as published: PHQ-9 and GAD-7 totals and bands at every boundary, the unscored
"difficulty" item, the PHQ-9 item 9 risk rule, the feedback check's flags, reliable change; and the
schema refuses broken instrument files."""
from pathlib import Path

import pytest

from activities import instruments
from activities.instruments import InstrumentError, change, clean, score

PHQ = instruments.instrument("phq-9")
GAD = instruments.instrument("gad-7")
FEEDBACK = instruments.instrument("session-feedback")


def answers_for(instrument, total: int, **extra: int) -> dict[str, int]:
    """Answers to every scored item that add up to ``total`` (highest items first)."""
    scored = [item.id for item in instrument.items if item.scored]
    top = max(o.value for o in instrument.options)
    out = {}
    for item in scored:
        out[item] = min(top, total)
        total -= out[item]
    assert total == 0
    return {**out, **extra}


@pytest.mark.parametrize(("total", "band"), [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"),
                                             (10, "Moderate"), (14, "Moderate"), (15, "Moderately severe"),
                                             (19, "Moderately severe"), (20, "Severe"), (27, "Severe")])
def test_phq9_bands(total, band):
    result = score(PHQ, clean(PHQ, answers_for(PHQ, total)))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"),
                                             (10, "Moderate"), (14, "Moderate"), (15, "Severe"), (21, "Severe")])
def test_gad7_bands(total, band):
    result = score(GAD, clean(GAD, answers_for(GAD, total)))
    assert (result.total, result.band) == (total, band)


def test_totals_range_from_zero_to_the_published_maximum():
    assert instruments.total_range(PHQ) == (0, 27) and instruments.total_range(GAD) == (0, 21)


@pytest.mark.parametrize(("instrument", "item"), [(PHQ, "q10"), (GAD, "q8")])
def test_the_difficulty_item_is_asked_but_not_scored_or_required(instrument, item):
    base = answers_for(instrument, 6)
    assert score(instrument, clean(instrument, {**base, item: 3})).total == 6
    assert clean(instrument, base) == base  # optional


def test_a_missing_required_item_gives_no_total_and_clean_refuses():
    partial = answers_for(PHQ, 6)
    del partial["q3"]
    assert score(PHQ, partial).total is None and score(PHQ, partial).band == ""
    with pytest.raises(ValueError, match="question 3"):
        clean(PHQ, partial)


@pytest.mark.parametrize("raw", [{"q1": 4}, {"q1": -1}, {"q1": True}, {"q1": "2"}, {"q99": 1}, [1, 2], None])
def test_clean_refuses_what_the_instrument_does_not_offer(raw):
    with pytest.raises(ValueError):
        clean(PHQ, raw if not isinstance(raw, dict) else {**answers_for(PHQ, 0), **raw})


@pytest.mark.parametrize(("value", "risk"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item_9_above_not_at_all_is_a_risk(value, risk):
    result = score(PHQ, {**answers_for(PHQ, 0), "q9": value})
    assert bool(result.risk) is risk
    if risk:
        assert result.risk[0]["item"] == "q9" and result.risk[0]["value"] == value and result.risk[0]["say"]


def test_gad7_has_no_risk_rule():
    assert score(GAD, answers_for(GAD, 21)).risk == ()


def test_feedback_flags_a_low_answer_at_3_not_4():
    high = {"safe": 9, "heard": 9, "useful": 9, "return": 9}
    assert score(FEEDBACK, {**high, "heard": 4}).flags == ()
    assert score(FEEDBACK, {**high, "heard": 3}).flags == ({"why": "low_item", "item": "heard", "value": 3},)


def test_feedback_flags_a_drop_of_8_not_7():
    answers = {"safe": 8, "heard": 8, "useful": 8, "return": 8}  # 32
    assert score(FEEDBACK, answers, previous_total=39).flags == ()
    assert score(FEEDBACK, answers, previous_total=40).flags == ({"why": "drop", "value": 32, "previous": 40},)
    assert score(FEEDBACK, answers).flags == ()  # no previous total: no drop


@pytest.mark.parametrize(("instrument", "before", "after", "words"), [
    (PHQ, 18, 12, "improved"), (PHQ, 18, 13, "no reliable change"), (PHQ, 12, 18, "worsened"),
    (GAD, 15, 11, "improved"), (GAD, 15, 12, "no reliable change"), (GAD, 11, 15, "worsened"),
    (FEEDBACK, 20, 40, None), (PHQ, None, 12, None)])
def test_reliable_change(instrument, before, after, words):
    assert change(instrument, before, after) == words


# ---- the schema -----------------------------------------------------------------------------------

GOOD = """id: {id}
title: Test
name: A test measure
about: For tests.
source: Us.
licence: Free.
stem: How much?
options: [{{value: 0, label: Never}}, {{value: 1, label: Often}}]
items:
  - {{id: a, text: One}}
  - {{id: {second}, text: Two}}
bands: {bands}
higher_is: worse
risk: [{{item: {risk}, above: 0, say: Ask.}}]
"""


def write(tmp_path: Path, name: str = "test-measure", **fields: str) -> Path:
    values = {"id": "test-measure", "second": "b", "bands": "[{min: 0, max: 0, label: Low}, {min: 1, max: 2, "
              "label: High}]", "risk": "a", **fields}
    (tmp_path / f"{name}.yaml").write_text(GOOD.format(**values))
    return tmp_path


def test_a_good_file_loads(tmp_path):
    assert list(instruments.load(write(tmp_path))) == ["test-measure"]


@pytest.mark.parametrize(("fields", "reason"), [
    ({"bands": "[{min: 0, max: 0, label: Low}, {min: 2, max: 2, label: High}]"}, "without gaps"),
    ({"bands": "[{min: 0, max: 1, label: Low}, {min: 1, max: 2, label: High}]"}, "without gaps"),
    ({"bands": "[{min: 0, max: 1, label: Low}]"}, "without gaps"),
    ({"risk": "zz"}, "risk item"),
    ({"second": "a"}, "unique"),
    ({"id": "other-name"}, "file name"),
])
def test_broken_files_are_refused(tmp_path, fields, reason):
    with pytest.raises(InstrumentError, match=reason):
        instruments.load(write(tmp_path, **fields))


def test_the_library_reports_a_broken_instrument(tmp_path):
    from activities.library import instrument_problems

    problems = instrument_problems(write(tmp_path, risk="zz"))
    assert len(problems) == 1 and "risk item" in problems[0].reason and problems[0].file.endswith("test-measure.yaml")
    assert instrument_problems() == []
