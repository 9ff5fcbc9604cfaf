"""Each activity kind owns its data: every kind implements erase_member, member_record and summary;
erasing leaves nothing of the member and keeps the activity working; a record holds what the member
wrote and received and nothing else of anyone; a summary never carries a private answer."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from activities import engine
from activities.kinds import KindEngine
from activities.library import load_library

F = {"role": "facilitator", "id": "f1"}
MEMBERS = [{"id": f"p{i}", "name": name, "in_room": False}
           for i, name in enumerate(("Ana", "Ben", "Cyd", "Dov", "Eli"), start=1)]
BEN = "p2"
OWN = ("benzzword", "benzzsecret")  # planted in everything Ben writes (a word + a number)
OTHER = "anazzword"  # in what others write; "to_ben" marks words others address to Ben
TO_BEN = "tobenzzword"
NOW = 100.0
LIBRARY = load_library()


def P(member: str) -> dict[str, Any]:
    return {"role": "participant", "id": member}


def run(state: dict, kind: str, actor: dict = F, **args: Any) -> dict:
    return engine.apply(state, {"type": kind, "actor": actor, **args}, NOW)[0]


def started(slug: str) -> dict:
    return engine.start(LIBRARY.get(slug), MEMBERS, 0.0, 7)


def form_state() -> dict:
    state = started("check-out")
    state = run(state, "submit", P(BEN), answers={"one_word": f"{OWN[0]}1", "take_with_me": f"{OWN[0]}2",
                                                  "commitment": f"{OWN[1]}commit"})
    for member in ("p1", "p3", "p4"):
        state = run(state, "submit", P(member), answers={"one_word": f"{OTHER}{member}", "commitment": "rest"})
    state = run(state, "reveal", field="one_word", member=BEN)
    return run(state, "reveal", field="one_word", member="p1")


def round_state() -> dict:
    state = run(started("go-around"), "start")
    first = state["speaker"]
    state = run(state, "reorder", order=[first, BEN] + [m for m in state["order"] if m not in (first, BEN)])
    state = run(state, "next")
    assert state["speaker"] == BEN
    return state


def pairs_state() -> dict:
    state = run(started("empathic-listening"), "form_groups", how="manual", groups=[["p1", BEN, "p3"], ["p4", "p5"]])
    state = run(state, "start_round")
    state = run(state, "reflected", P(BEN), note=f"{OWN[0]} note")
    state = run(state, "confirm", P("p1"), result="not_quite", word=f"{TO_BEN}1")
    state = run(state, "checklist", P("p3"), items={"0": True}, note=f"{TO_BEN} observed")
    state = run(state, "reflected", P("p5"), note=f"{OTHER} note")
    state = run(state, "confirm", P("p4"), result="not_quite", word=f"{OTHER}w")
    state = run(state, "next_round")
    state = run(state, "reflected", P("p3"), note=f"{TO_BEN} note2")
    state = run(state, "confirm", P(BEN), result="not_quite", word=f"{OWN[1]}")
    state = run(state, "call_back")
    state = run(state, "debrief", P(BEN), helped=f"{OWN[0]} helped", adjust="")
    state = run(state, "debrief", P("p4"), helped=f"{OTHER} helped", adjust="")
    state = run(state, "debrief", P("p5"), helped=f"{OTHER} helped too", adjust="")  # three: may be shown
    return run(state, "show_debrief", member=BEN, answer="helped")


def cards_state(slug: str = "compassionate-feedback") -> dict:
    state = started(slug)
    for member in ("p1", BEN):
        state = run(state, "set_open", P(member), open=True)
    state = run(state, "send", P(BEN), to="p1", template=0, text=f"{OWN[0]} to Ana")
    state = run(state, "send", P(BEN), to="group", template=0, text=f"{OWN[1]} to all")
    state = run(state, "send", P("p1"), to=BEN, template=0, text=f"{TO_BEN} from Ana")
    state = run(state, "send", P("p3"), to="group", template=0, text=f"{OTHER} to all")
    state = run(state, "send", P("p4"), to=BEN, template=0, text=f"{TO_BEN} pending")
    for card in ("c1", "c2", "c3", "c4"):
        state = run(state, "release", card=card)
    return run(state, "show", card="c3")


def measure_state() -> dict:
    state = started("phq-9")
    state = run(state, "submit", P(BEN), answers={f"q{i}": 1 for i in range(1, 10)})
    state = run(state, "submit", P("p1"), answers={f"q{i}": 0 for i in range(1, 10)})
    return run(state, "pass", P("p3"))


SCENARIOS: dict[str, Callable[[], dict]] = {
    "measure": measure_state,
    "form": form_state, "round": round_state, "pairs": pairs_state, "cards": cards_state,
    "pacer": lambda: started("box-breathing"), "info": lambda: started("attachment-patterns"),
}


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---- the registry ---------------------------------------------------------------------------------


def test_every_kind_implements_the_data_it_owns():
    assert set(SCENARIOS) == set(engine.KINDS)  # a new kind needs a scenario here too
    for kind, kind_engine in engine.KINDS.items():
        for operation in ("erase_member", "member_record", "summary"):
            assert callable(getattr(kind_engine, operation)), (kind, operation)


def test_a_kind_without_them_cannot_be_registered():
    required = {f.name for f in dataclasses.fields(KindEngine) if f.default is dataclasses.MISSING}
    assert {"erase_member", "member_record", "summary"} <= required
    with pytest.raises(TypeError):
        KindEngine("x", *(lambda *a: None for _ in range(5)))  # type: ignore[call-arg]


# ---- erase_member ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_erasing_leaves_nothing_of_the_member(kind):
    state = SCENARIOS[kind]()
    before = dump(state)
    assert f'"{BEN}"' in before
    erased = engine.erase_member(state, BEN)
    assert dump(state) == before, "erase_member mutated its input"
    text = dump(erased)
    assert f'"{BEN}"' not in text and "Ben" not in text
    assert not any(word in text for word in (*OWN, TO_BEN))


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_erasing_keeps_the_others_and_the_activity_working(kind):
    state = SCENARIOS[kind]()
    erased = engine.erase_member(state, BEN)
    assert set(erased["members"]) == {m["id"] for m in MEMBERS} - {BEN}
    if OTHER in dump(state):
        assert OTHER in dump(erased)  # what others wrote, not to or about Ben, stays
    engine.facilitator_view(erased)
    engine.display_view(erased, True)
    for member in erased["members"]:
        engine.participant_view(erased, member)
    back, _effects = engine.apply(erased, {"type": "member_join", "actor": F,
                                           "member": {"id": BEN, "name": "Ben", "in_room": False}}, NOW)
    assert not any(word in dump(engine.participant_view(back, BEN)) for word in (*OWN, TO_BEN))


def test_an_erased_speaker_leaves_the_floor_open_and_the_round_moves_on():
    erased = engine.erase_member(round_state(), BEN)
    assert erased["speaker"] is None
    assert run(erased, "next")["speaker"] is not None


def test_a_pair_left_with_one_person_dissolves_and_a_triad_becomes_a_pair():
    erased = engine.erase_member(pairs_state(), BEN)
    assert [g["members"] for g in erased["groups"]] == [["p1", "p3"], ["p4", "p5"]]
    alone = engine.erase_member(erased, "p1")
    assert [g["members"] for g in alone["groups"]] == [["p4", "p5"]]


# ---- member_record -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_a_record_holds_only_what_the_member_wrote_and_received(kind):
    state = SCENARIOS[kind]()
    record = engine.member_record(state, BEN)
    assert set(record) == {"items", "received"}
    for entry in record["items"]:
        assert set(entry) >= {"label", "text", "entries", "audience", "commitment"}
        assert entry["audience"] in ("private", "facilitators", "people", "group")
    written = dump(record["items"])
    assert OTHER not in written and TO_BEN not in written
    assert OTHER not in dump(record["received"]) or kind == "cards"  # a group card reaches everyone
    if kind in ("form", "pairs", "cards"):
        assert all(word in written for word in OWN), kind
    elif kind == "measure":  # answers are choices: the option's words, and the total as a plain line
        assert [i["text"] for i in record["items"]] == ["Several days"] * 9 + ["Total 9 (Mild)"]
        assert {i["audience"] for i in record["items"]} == {"facilitators"}
        assert engine.member_record(state, "p3") == {"items": [], "received": []}  # passed
    else:
        assert record == {"items": [], "received": []}


def test_the_form_record_marks_commitments_and_who_saw_each_answer():
    items = {i["label"]: i for i in engine.member_record(form_state(), BEN)["items"]}
    assert [i["text"] for i in items.values() if i["commitment"]] == [f"{OWN[1]}commit"]
    assert {i["audience"] for i in items.values() if i["commitment"]} == {"private"}
    shared = [i for i in items.values() if i["text"] == f"{OWN[0]}1"]
    assert shared[0]["audience"] == "group"


def test_cards_received_are_delivered_ones_named_only_when_the_mode_says():
    received = engine.member_record(cards_state(), BEN)["received"]
    texts = [r["text"] for r in received]
    assert f"{TO_BEN} from Ana" in texts and f"{OTHER} to all" in texts
    assert f"{TO_BEN} pending" not in texts  # never released
    assert {r["from"] for r in received} == {None}  # "facilitators" anonymity: hidden from members
    named = engine.member_record(cards_state("appreciations-round"), BEN)["received"]
    assert {r["from"] for r in named} == {"Ana", "Cyd"}


def test_pairs_records_hold_the_word_a_member_added_and_the_observer_notes_they_got():
    record = engine.member_record(pairs_state(), BEN)
    assert any(i["text"] == OWN[1] and i["audience"] == "people" for i in record["items"])
    assert [(r["label"], r["from"]) for r in record["received"]] == [("Round 1: the observer's notes", None)]
    assert record["received"][0]["text"].startswith(f"{TO_BEN} observed (Tone")
    assert f"{TO_BEN}1" not in dump(record)  # the word Ana added is hers


# ---- summary ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_a_summary_has_the_shared_shape_and_never_a_private_answer(kind):
    summary = engine.summary(SCENARIOS[kind]())
    assert summary["kind"] == kind and set(summary) == {"kind", "facts", "airtime", "answers"}
    assert f"{OWN[1]}commit" not in dump(summary)
    if summary["answers"] is not None:
        field_ids = {f["id"] for f in summary["answers"]["fields"]}
        assert all(set(row["answers"]) == field_ids for row in summary["answers"]["rows"])


def test_a_form_summary_counts_private_answers_without_showing_them():
    rows = {row["member"]: row for row in engine.summary(form_state())["answers"]["rows"]}
    assert rows[BEN]["private_count"] == 1 and "commitment" not in rows[BEN]["answers"]
    assert rows[BEN]["answers"]["one_word"] == f"{OWN[0]}1"


def test_a_round_summary_has_the_airtime_and_anonymous_cards_name_no_writer():
    assert set(engine.summary(round_state())["airtime"]) == {m["id"] for m in MEMBERS}
    state = cards_state()
    state["anonymity"] = "anonymous"
    rows = engine.summary(state)["answers"]["rows"]
    assert {row["member"] for row in rows} == {None} and "Ana" not in dump([r["name"] for r in rows])
