"""The measure engine: who may submit for whom and from where, the right to pass, the effects (score,
risk alert, feedback flags), and views that keep every score with the facilitators."""
import json

import pytest

from activities import engine
from activities.engine import Rejected
from activities.library import load_library

LIBRARY = load_library()
F = {"role": "facilitator", "id": "f1"}
HUB = {"role": "facilitator", "id": None}
MEMBERS = [{"id": "p1", "name": "Ana"}, {"id": "p2", "name": "Ben"}, {"id": "p3", "name": "Cyd", "in_room": True},
           {"id": "p4", "name": "Dov"}]


def P(member):
    return {"role": "participant", "id": member}


def start(slug="phq-9", **options):
    return engine.start(LIBRARY.get(slug), MEMBERS, 0.0, 1, options or None)


def run(state, type_, actor=F, **args):
    return engine.apply(state, {"type": type_, "actor": actor, **args}, 5.0)


def phq(total=0, q9=0):
    answers = {f"q{i}": 0 for i in range(1, 10)}
    for i in range(1, 9):
        answers[f"q{i}"] = min(3, total)
        total -= answers[f"q{i}"]
    answers["q9"] = q9
    return answers


def alerts(effects, kind=None):
    return [e for e in effects if e["type"] == "alert" and (kind is None or e["kind"] == kind)]


def test_a_participant_submits_for_themself_and_gets_a_score_effect():
    state, effects = run(start(), "submit", P("p1"), answers=phq(12))
    [score] = [e for e in effects if e["type"] == "score"]
    assert score == {"type": "score", "member": "p1", "instrument": "phq-9", "items": phq(12), "total": 12,
                     "band": "Moderate", "risk": False, "source": "phone"}
    assert alerts(effects) == []


def test_a_facilitator_enters_paper_answers_only_for_an_in_room_member():
    state, effects = run(start(), "submit", member="p3", answers=phq(3))
    assert effects[0]["source"] == "paper"
    with pytest.raises(Rejected, match="own device"):
        run(start(), "submit", member="p1", answers=phq(3))
    with pytest.raises(Rejected, match="yourself"):
        run(start(), "submit", P("p1"), member="p2", answers=phq(3))


def test_the_hub_brings_in_answers_given_before_for_any_present_member():
    state, effects = run(start(), "submit", HUB, member="p1", source="before", answers=phq(4))
    assert effects[0]["source"] == "before"
    assert engine.facilitator_view(state)["members"][0]["source"] == "before"
    for actor in (F, P("p1")):
        with pytest.raises(Rejected):
            run(start(), "submit", actor, member="p1", source="before", answers=phq(4))
    left, _ = run(start(), "member_leave", member="p1")
    with pytest.raises(Rejected, match="not here"):
        run(left, "submit", HUB, member="p1", source="before", answers=phq(4))


@pytest.mark.parametrize("answers", [{"q1": 1}, {**phq(0), "q1": 7}, {**phq(0), "q1": "1"}, {**phq(0), "x": 1},
                                     "all fine", None])
def test_wrong_answers_are_refused_in_words(answers):
    with pytest.raises(Rejected) as exc:
        run(start(), "submit", P("p1"), answers=answers)
    assert exc.value.reason.endswith(".")


def test_item_9_raises_a_risk_alert_when_it_newly_holds_or_changes():
    state, effects = run(start(), "submit", P("p1"), answers=phq(5, q9=2))
    [alert] = alerts(effects)
    assert {k: alert[k] for k in ("kind", "member", "instrument", "field", "value")} == \
        {"kind": "risk", "member": "p1", "instrument": "phq-9", "field": "q9", "value": 2}
    assert "risk procedure" in alert["say"]
    assert [e for e in effects if e["type"] == "score"][0]["risk"] is True
    state, effects = run(state, "submit", P("p1"), answers=phq(6, q9=2))
    assert alerts(effects) == []  # the same answer again: no new alert
    state, effects = run(state, "submit", P("p1"), answers=phq(6, q9=3))
    assert [a["value"] for a in alerts(effects)] == [3]
    state, effects = run(state, "submit", P("p1"), answers=phq(6, q9=0))
    assert alerts(effects) == []


def test_the_feedback_check_flags_low_answers_and_a_drop_from_last_time():
    state = start("session-feedback", previous_totals={"p1": {"session-feedback": 38}, "p2": {"phq-9": 3}})
    state, effects = run(state, "submit", P("p1"), answers={"safe": 8, "heard": 8, "useful": 8, "return": 6})
    assert [(a["kind"], a["field"], a["value"], a["why"]) for a in alerts(effects)] == \
        [("feedback", "total", 30, "drop")]
    state, effects = run(state, "submit", P("p2"), answers={"safe": 2, "heard": 9, "useful": 9, "return": 9})
    assert [(a["field"], a["value"], a["why"]) for a in alerts(effects)] == [("safe", 2, "low_item")]
    rows = {row["id"]: row for row in engine.facilitator_view(state)["members"]}
    assert rows["p1"]["previous_total"] == 38 and rows["p2"]["previous_total"] is None  # other instrument


@pytest.mark.parametrize("bad", [{"p1": {"phq-9": 1001}}, {"p1": {"phq-9": -1}}, {"p1": {"phq-9": True}},
                                 {"p1": 5}, {1: {"phq-9": 3}}, [1]])
def test_previous_totals_are_checked(bad):
    with pytest.raises(Rejected, match="previous totals"):
        start(previous_totals=bad)
    with pytest.raises(Rejected, match="Unknown start option"):
        engine.start(LIBRARY.get("phq-9"), MEMBERS, 0.0, 1, {"previous_total": {}})


def test_passing_is_recorded_without_a_score_and_replaces_answers():
    state, _ = run(start(), "submit", P("p1"), answers=phq(8))
    state, effects = run(state, "pass", P("p1"))
    assert {"type": "score_deleted", "member": "p1", "instrument": "phq-9"} in effects
    row = engine.facilitator_view(state)["members"][0]
    assert row["passed"] and not row["submitted"] and row["total"] is None
    assert engine.participant_view(state, "p1")["passed"] is True
    with pytest.raises(Rejected):
        run(state, "pass", P("p1"))
    state, _ = run(state, "pass", member="p3")  # in the room: a facilitator passes for them
    with pytest.raises(Rejected, match="own device"):
        run(state, "pass", member="p2")
    state, _ = run(state, "submit", P("p1"), answers=phq(2))  # changing one's mind
    assert not engine.facilitator_view(state)["members"][0]["passed"]


def test_answers_can_be_deleted_also_once_closed_but_not_resubmitted():
    state, _ = run(start(), "submit", P("p1"), answers=phq(8))
    state, _ = run(state, "close")
    with pytest.raises(Rejected, match="closed"):
        run(state, "submit", P("p2"), answers=phq(1))
    with pytest.raises(Rejected):
        run(state, "close", P("p1"))
    state, effects = run(state, "delete_answers", P("p1"))
    assert effects[0] == {"type": "score_deleted", "member": "p1", "instrument": "phq-9"}
    with pytest.raises(Rejected, match="no answers"):
        run(state, "delete_answers", P("p1"))


def test_the_group_mean_needs_three_totals():
    state = start()
    for member, total in (("p1", 3), ("p2", 6)):
        state, _ = run(state, "submit", P(member), answers=phq(total))
    assert engine.facilitator_view(state)["group_mean"] is None
    state, _ = run(state, "submit", member="p3", answers=phq(9))
    view = engine.facilitator_view(state)
    assert view["group_mean"] == 6.0 and view["answered"] == 3 and view["present"] == 4
    assert view["instrument"]["bands"][0] == {"min": 0, "max": 4, "label": "Minimal"}


def test_change_since_last_time_for_facilitators():
    state, _ = run(start(previous_totals={"p1": {"phq-9": 18}}), "submit", P("p1"), answers=phq(10))
    row = engine.facilitator_view(state)["members"][0]
    assert (row["previous_total"], row["total"], row["change"]) == (18, 10, "improved")


PARTICIPANT_KEYS = {"kind", "phase", "title", "stem", "items", "mine", "submitted", "passed", "who_sees"}
DISPLAY_KEYS = {"kind", "phase", "title", "answered", "present", "held_back"}


def test_participant_and_display_views_carry_no_scores_and_no_one_else():
    state, _ = run(start(), "submit", P("p1"), answers=phq(20, q9=3))
    state, _ = run(state, "submit", P("p2"), answers=phq(1))
    ben = engine.participant_view(state, "p2")
    assert set(ben) == PARTICIPANT_KEYS and ben["mine"] == phq(1)
    text = json.dumps(ben)
    for word in ("Ana", "p1", "Severe", "Minimal", "total", "risk", "procedure", "band"):
        assert word not in text, word
    assert ben["items"][8]["text"].startswith("Thoughts that you would be better off dead")
    assert [o["label"] for o in ben["items"][0]["options"]] == ["Not at all", "Several days",
                                                                "More than half the days", "Nearly every day"]
    for show_names in (True, False):
        display = engine.display_view(state, show_names)
        assert set(display) == DISPLAY_KEYS and (display["answered"], display["present"]) == (None, 4)
        assert display["held_back"] == "Shown when at least 3 people have answered."
        assert not any(word in json.dumps(display) for word in ("Ana", "Ben", "q1", "Severe", "total"))
    state, _ = run(state, "submit", P("p3"), answers=phq(4))
    display = engine.display_view(state, False)
    assert (display["answered"], display["present"], display["held_back"]) == (3, 4, None)


def test_erase_member_records_and_summary():
    state, _ = run(start(previous_totals={"p2": {"phq-9": 5}}), "submit", P("p2"), answers=phq(11))
    state, _ = run(state, "submit", P("p1"), answers=phq(2))
    state, _ = run(state, "pass", P("p4"))
    erased = engine.erase_member(state, "p2")
    assert '"p2"' not in json.dumps(erased) and "Ben" not in json.dumps(erased)
    engine.facilitator_view(erased)
    record = engine.member_record(state, "p2")
    assert record["items"][0] == {"label": "Little interest or pleasure in doing things", "text": "Nearly every day",
                                  "entries": None, "audience": "facilitators", "commitment": False, "family": None}
    assert record["items"][-1]["text"] == "Total 11 (Moderate)" and record["received"] == []
    summary = engine.summary(state)
    assert summary["facts"] == [{"label": "People who answered", "value": 2},
                                {"label": "People who chose not to answer", "value": 1}]
    rows = {row["member"]: row["answers"] for row in summary["answers"]["rows"]}
    assert rows["p2"] == {"total": 11, "band": "Moderate", "risk": "no", "passed": "no"}
    assert rows["p4"]["passed"] == "yes" and rows["p4"]["total"] is None


def test_a_state_holds_its_instrument_so_views_need_no_files():
    state = start()
    assert state["instrument"]["id"] == "phq-9" and json.loads(json.dumps(state)) == state
