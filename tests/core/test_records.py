"""core/records.py: a session's runs, one person's record and commitments, the summaries, and erasing
one person from every run (archived and running) through the kinds' own operations and the live hub."""
from __future__ import annotations

import json

import pytest

from activities import frame
from activities.engine import Rejected
from core import live, records
from core.activity_models import ActivityRun
from core.extensions import db
from core.models import GroupSession, LiveState, Participant
from tests.security.support import set_plan

ANA_WORD, BEN_WORD = "anarecordzz", "benrecordzz"
SYSTEM = {"role": "system", "id": None}


@pytest.fixture
def held(app, make_facilitator, make_group, make_session, sock, join):
    """Ana and Ben did a check-out (archived); in the cards activity now running Ben's card to Ana was
    delivered and Ana's card to Ben waits for the facilitator."""
    f = make_facilitator()
    gs = make_session(make_group(f), f, auto_admit=True)
    set_plan(app, gs, ["check-out", "compassionate-feedback", "go-around"])
    fac = sock(f.client, gs, "facilitator")
    people = {}
    for name in ("Ana", "Ben"):
        http, p = join(gs, name)
        people[name] = (http, sock(http, gs, "participant"), p)

    def act(who, action, **args):
        sc = fac if who == "fac" else people[who][1]
        ack = sc.emit("command", {"type": "activity", "action": action, "args": args}, callback=True)
        assert ack["ok"], ack
        return ack

    assert fac.emit("command", {"type": "plan_go", "index": 0}, callback=True)["ok"]
    act("Ana", "submit", answers={"one_word": f"{ANA_WORD}1", "commitment": f"walk {ANA_WORD}"})
    act("Ben", "submit", answers={"one_word": f"{BEN_WORD}1", "commitment": f"rest {BEN_WORD}"})
    assert fac.emit("command", {"type": "plan_go", "index": 1}, callback=True)["ok"]
    for name in ("Ana", "Ben"):
        act(name, "set_open", open=True)
    ana_id, ben_id = (people[n][2].engine_id for n in ("Ana", "Ben"))
    act("Ben", "send", to=ana_id, template=0, text=f"for Ana {BEN_WORD}")
    act("fac", "release", card="c1")
    act("Ana", "send", to=ben_id, template=0, text=f"for Ben {ANA_WORD}")
    act("Ben", "send", to="group", template=0, text=f"for all {BEN_WORD}")
    act("fac", "release", card="c3")
    return {"app": app, "gs": gs, "ana": people["Ana"][2], "ben": people["Ben"][2], "people": people, "fac": fac,
            "fac_client": f.client}


def _with(app, gs_id: int, fn, *args, **kwargs):
    with app.app_context():
        return fn(db.session.get(GroupSession, gs_id), *args, **kwargs)


def everything(app) -> str:
    with app.app_context():
        runs = [run.state for run in db.session.query(ActivityRun).all()]
        lives = [row.state for row in db.session.query(LiveState).all()]
    return json.dumps([runs, lives])


def test_session_runs_lists_archived_runs_then_the_running_one(held):
    runs = _with(held["app"], held["gs"].id, records.session_runs)
    assert [(r["kind"], r["running"]) for r in runs] == [("form", False), ("cards", True)]
    assert runs[1]["ended_at"] is None and runs[1]["planned_minutes"] == 5


def test_a_session_record_is_one_persons_own_words_and_what_reached_them(held):
    app, gs = held["app"], held["gs"]
    with app.app_context():
        ana = db.session.get(Participant, held["ana"].id)
        record = records.session_record(db.session.get(GroupSession, gs.id), ana)
        mine = records.commitments(db.session.get(GroupSession, gs.id), ana)
    assert [(e["title"], e["kind"]) for e in record] == [("Check-out round", "form"), ("Compassionate feedback", "cards")]
    written = json.dumps([e["record"]["items"] for e in record])
    assert f"{ANA_WORD}1" in written and f"for Ben {ANA_WORD}" in written and BEN_WORD not in written
    cards = record[1]["record"]["received"]
    assert sorted(c["text"] for c in cards) == [f"for Ana {BEN_WORD}", f"for all {BEN_WORD}"]
    assert {c["from"] for c in cards} == {None}  # this activity names writers to facilitators only
    assert mine == [f"walk {ANA_WORD}"]


def test_run_summaries_never_carry_a_private_answer(held):
    summaries = _with(held["app"], held["gs"].id, records.run_summaries)
    assert [s["summary"]["kind"] for s in summaries] == ["form", "cards"]
    text = json.dumps(summaries)
    assert f"walk {ANA_WORD}" not in text and f"{ANA_WORD}1" in text  # the commitment is private


def test_the_summary_page_shows_every_kinds_part_and_no_private_answer(held):
    page = held["fac_client"].get(f"/sessions/{held['gs'].id}/summary").data.decode()
    assert "Compassionate feedback: cards" in page and f"for all {BEN_WORD}" in page
    assert "Delivered: 2" in page and "People who answered: 2" in page
    assert f"walk {ANA_WORD}" not in page and "1 kept private" in page


def test_erasing_a_participant_clears_every_run_and_they_can_carry_on(held):
    app, gs = held["app"], held["gs"]
    with app.app_context():
        changed = records.erase_participant(db.session.get(GroupSession, gs.id), db.session.get(Participant,
                                                                                                held["ana"].id))
    assert changed == 2
    text = everything(app)
    assert ANA_WORD not in text and f"for Ana {BEN_WORD}" not in text  # a card to her is hers to erase
    assert f"{BEN_WORD}1" in text and f"for all {BEN_WORD}" in text
    state, _version = _with(app, gs.id, lambda s: live.load_state(s.id))
    assert held["ana"].engine_id in state["activity"]["members"]  # still here, from a clean slate
    ack = held["people"]["Ana"][1].emit("command", {"type": "activity", "action": "send", "args": {
        "to": "group", "template": 0, "text": "again"}}, callback=True)
    assert ack["ok"], ack


def test_a_participant_erases_only_themself_and_a_facilitator_not_at_all(held):
    app, gs, ana = held["app"], held["gs"], held["ana"]
    ben_socket = held["people"]["Ben"][1]
    ack = ben_socket.emit("command", {"type": "erase_member", "member": ana.engine_id}, callback=True)
    assert ack == {"ok": False, "error": "You can only do this for yourself."}
    ack = held["fac"].emit("command", {"type": "erase_member", "member": ana.engine_id}, callback=True)
    assert ack["ok"] is False
    assert f"for Ben {ANA_WORD}" in everything(app)
    with app.app_context():
        changed = records.erase_participant(db.session.get(GroupSession, gs.id),
                                            db.session.get(Participant, held["ben"].id), actor=SYSTEM)
    assert changed == 2 and BEN_WORD not in everything(app)


def test_a_session_that_never_went_live_has_nothing_running_to_erase(app, make_facilitator, make_group,
                                                                      make_session, join):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    _client, p = join(gs, "Ana")
    with app.app_context():
        assert records.erase_participant(db.session.get(GroupSession, gs.id), db.session.get(Participant, p.id)) == 0
        assert db.session.get(LiveState, gs.id) is None


def test_the_frame_forgets_a_persons_passes_and_signals_even_after_the_end():
    state = frame.new_state()
    state["members"] = [{"id": "p1", "name": "Ana", "in_room": False}, {"id": "p2", "name": "Ben", "in_room": False}]
    state, _ = frame.apply(state, {"type": "pause_signal", "actor": {"role": "participant", "id": "p1"}}, 1.0)
    state, _ = frame.apply(state, {"type": "pass", "actor": {"role": "participant", "id": "p1"}}, 1.0)
    state, _ = frame.apply(state, {"type": "pass", "actor": {"role": "participant", "id": "p2"}}, 1.0)
    state["phase"] = "ended"
    erased, _ = frame.apply(state, {"type": "erase_member", "actor": {"role": "participant", "id": "p1"}}, 2.0)
    assert erased["signals"] == [] and erased["passes"] == ["p2"] and len(erased["members"]) == 2
    with pytest.raises(Rejected):
        frame.apply(state, {"type": "erase_member", "member": "p2", "actor": {"role": "participant", "id": "p1"}}, 2.0)
    with pytest.raises(Rejected):
        frame.apply(state, {"type": "erase_member", "actor": SYSTEM}, 2.0)  # the server must say whom
