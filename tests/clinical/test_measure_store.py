"""core/measure_store.py: members' measure results kept with the live state (score effects in the same
transaction), each member's last totals, answers given before the session handed to the running measure
exactly once, and a before-the-session risk answer in the session's alert list (only the hub may send it)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core import live, measure_store
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Member
from core.models import GroupSession, Participant

CALM = {f"q{i}": 0 for i in range(1, 10)}
RISKY = {f"q{i}": 1 for i in range(1, 9)} | {"q9": 2}  # total 10, "Moderate", item 9 above "Not at all"
FAC = {"role": "facilitator", "id": None}


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, make_member):
    """A group with members Sam and Bea and a session; `seat(member or None)` adds a seat in it."""
    f = make_facilitator("Noor")
    group = make_group(f)
    gs = make_session(group, f)
    sam, bea = make_member(group, f, "Sam"), make_member(group, f, "Bea")

    def seat(member_id: int | None, session=None, name: str = "Gil") -> str:
        with app.app_context(), db.transaction() as s:
            p = Participant(session_id=(session or gs).id, member_id=member_id, display_name=name, status="admitted")
            s.add(p)
            s.flush()
            return p.engine_id

    return {"f": f, "group": group, "gs": gs, "sam": sam, "bea": bea, "seat": seat}


def score(member: str, instrument: str = "phq-9", total: int | None = 5, source: str = "phone", **extra) -> dict:
    return {"type": "score", "member": member, "instrument": instrument, "items": {"q1": 1}, "total": total,
            "band": "Mild", "risk": False, "source": source, **extra}


def keep(app, gs, effects, actor=None) -> None:
    with app.app_context(), db.transaction() as s:
        measure_store.store(s, db.session.get(GroupSession, gs.id), effects, actor)


def rows(app, **where) -> list[MeasureResult]:
    with app.app_context():
        return list(db.session.query(MeasureResult).filter_by(**where).order_by(MeasureResult.id))


def session(app, gs) -> GroupSession:
    return db.session.get(GroupSession, gs.id)


# ---- store ---------------------------------------------------------------------------------------


def test_a_score_keeps_the_members_result_and_score_deleted_removes_it(app, room):
    sam = room["seat"](room["sam"].id, name="Sam")
    keep(app, room["gs"], [{"type": "phase", "phase": "running"}, score(sam)])
    [row] = rows(app)
    assert (row.member_id, row.session_id, row.group_id, row.instrument) == \
        (room["sam"].id, room["gs"].id, room["group"].id, "phq-9")
    assert (row.items, row.total, row.band, row.risk, row.source, row.entered_by) == \
        ({"q1": 1}, 5, "Mild", False, "phone", None)
    keep(app, room["gs"], [score(sam, total=7, risk=True)])  # a resubmission replaces it
    [row] = rows(app)
    assert (row.total, row.risk) == (7, True)
    keep(app, room["gs"], [{"type": "score_deleted", "member": sam, "instrument": "phq-9"}])
    assert rows(app) == []
    keep(app, room["gs"], [{"type": "score_deleted", "member": sam, "instrument": "phq-9"}])  # nothing to delete
    assert rows(app) == []


def test_the_result_is_kept_in_the_same_transaction_as_the_caller(app, room):
    sam = room["seat"](room["sam"].id, name="Sam")
    with app.app_context(), pytest.raises(RuntimeError), db.transaction() as s:
        measure_store.store(s, session(app, room["gs"]), [score(sam)], None)
        raise RuntimeError("the caller's write failed")
    assert rows(app) == []


def test_a_guest_or_a_seat_of_another_session_keeps_nothing(app, room, make_session):
    other = make_session(room["group"], room["f"], "Week 2")
    elsewhere = room["seat"](room["sam"].id, session=other, name="Sam")
    keep(app, room["gs"], [score(room["seat"](None)), score(elsewhere), score("p999999"), score("display"),
                           score(None), score(["p1"])])
    assert rows(app) == []


def test_paper_answers_name_the_facilitator_who_typed_them(app, room):
    sam = room["seat"](room["sam"].id, name="Sam")
    keep(app, room["gs"], [score(sam, source="paper")], {"role": "facilitator", "id": f"f{room['f'].id}"})
    [row] = rows(app)
    assert (row.source, row.entered_by) == ("paper", room["f"].id)
    keep(app, room["gs"], [score(sam, source="phone")], {"role": "participant", "id": sam})
    [row] = rows(app)
    assert (row.source, row.entered_by) == ("phone", None)
    keep(app, room["gs"], [score(sam, source="carrier pigeon")], None)  # an unknown source reads as phone
    assert rows(app)[0].source == "phone"


def test_answers_handed_back_from_the_members_page_do_not_overwrite_their_own_row(app, room):
    with app.app_context():
        measure_store.save_before(db.session.get(Member, room["sam"].id), session(app, room["gs"]), "phq-9", CALM)
    [before] = rows(app)
    sam = room["seat"](room["sam"].id, name="Sam")
    keep(app, room["gs"], [score(sam, total=27, source="before")])
    [row] = rows(app)
    assert (row.id, row.total, row.items, row.source, row.answered_at) == \
        (before.id, 0, CALM, "before", before.answered_at)
    keep(app, room["gs"], [score(sam, total=4, source="phone")])  # answering again in the session replaces it
    [row] = rows(app)
    assert (row.id, row.total, row.source) == (before.id, 4, "phone")


def test_save_before_refuses_what_the_instrument_does_not_take(app, room):
    with app.app_context():
        sam, gs = db.session.get(Member, room["sam"].id), session(app, room["gs"])
        for raw, says in ((CALM | {"q9": 4}, "Question 9"), ({"q1": 0}, "Please answer question 2."),
                          ("q1=0", "not understood"), (CALM | {"q11": 0}, "no such question")):
            with pytest.raises(ValueError, match=says):
                measure_store.save_before(sam, gs, "phq-9", raw)
        with pytest.raises(KeyError):
            measure_store.save_before(sam, gs, "no-such", CALM)
    assert rows(app) == []


# ---- previous_totals -----------------------------------------------------------------------------


def test_previous_totals_are_each_members_latest_earlier_total_per_instrument(app, room, weekly, result):
    week1, week2 = weekly(room["group"], room["f"], 2)
    sam_id, bea_id = room["sam"].id, room["bea"].id
    result(week1, sam_id, "phq-9", 12)
    result(week2, sam_id, "phq-9", 8)
    result(week1, sam_id, "gad-7", 6)
    result(week2, bea_id, "phq-9", 20)
    with app.app_context(), db.transaction() as s:  # an incomplete answer has no total: not a "last time"
        s.add(MeasureResult(group_id=room["group"].id, session_id=room["gs"].id, member_id=sam_id,
                            instrument="phq-9", items={}, total=3, source="phone"))
        later = s.get(GroupSession, room["gs"].id)
        later.starts_at = week2.starts_at + timedelta(days=7)
    sam, bea, guest = room["seat"](sam_id, name="Sam"), room["seat"](bea_id, name="Bea"), room["seat"](None)
    state = {"members": [{"id": sam}, {"id": guest}, {"id": "p424242"}]}  # Bea has a seat but is not here
    with app.app_context():
        found = measure_store.previous_totals(session(app, room["gs"]), state)
        assert found == {sam: {"phq-9": 8, "gad-7": 6}}  # not this session's 3, not Bea's 20
        assert measure_store.previous_totals(session(app, room["gs"]), {"members": [{"id": guest}]}) == {}
        assert measure_store.previous_totals(session(app, room["gs"]), {"members": [{"id": bea}]}) == \
            {bea: {"phq-9": 20}}


# ---- before_commands -----------------------------------------------------------------------------


def _measure_state(members: list[str], answers: dict | None = None, passed: list | None = None,
                   instrument: str = "phq-9") -> dict:
    return {"members": [{"id": m} for m in members],
            "activity": {"kind": "measure", "instrument": {"id": instrument}, "answers": answers or {},
                         "passed": passed or []}}


def test_before_commands_hand_each_present_members_answers_once(app, room, make_member):
    group, f, gs = room["group"], room["f"], room["gs"]
    cal, dee, eve = (make_member(group, f, name) for name in ("Cal", "Dee", "Eve"))
    with app.app_context():
        for m in (room["sam"], room["bea"], cal, dee):
            measure_store.save_before(db.session.get(Member, m.id), session(app, gs), "phq-9", CALM)
        measure_store.save_before(db.session.get(Member, eve.id), session(app, gs), "gad-7",
                                  {f"q{i}": 0 for i in range(1, 8)})
    sam, bea, cal_seat, eve_seat = (room["seat"](m.id, name=n) for m, n in
                                    ((room["sam"], "Sam"), (room["bea"], "Bea"), (cal, "Cal"), (eve, "Eve")))
    # Dee answered but has no seat; Bea answered in the activity already; Cal passed; Eve answered the GAD-7.
    state = _measure_state([sam, bea, cal_seat, eve_seat], answers={bea: CALM}, passed=[cal_seat])
    with app.app_context():
        [command] = measure_store.before_commands(session(app, gs), state)
        assert command == {"type": "activity", "action": "submit", "actor": {"role": "facilitator", "id": None},
                           "args": {"member": sam, "answers": CALM, "source": "before"}}
        assert measure_store.before_commands(session(app, gs), _measure_state([sam], answers={sam: CALM})) == []
        assert measure_store.before_commands(session(app, gs), {**state, "activity": None}) == []
        round_state = {**state, "activity": {"kind": "round", "answers": {}}}
        assert measure_store.before_commands(session(app, gs), round_state) == []
        [gad] = measure_store.before_commands(session(app, gs), _measure_state([eve_seat], instrument="gad-7"))
        assert gad["args"]["member"] == eve_seat


def test_answers_given_in_the_session_are_not_handed_over(app, room):
    sam = room["seat"](room["sam"].id, name="Sam")
    keep(app, room["gs"], [score(sam, source="phone")])
    with app.app_context():
        assert measure_store.before_commands(session(app, room["gs"]), _measure_state([sam])) == []


# ---- through the live hub ------------------------------------------------------------------------


@pytest.fixture
def hub(app, make_facilitator, make_group, make_session, make_member, sock, opened):
    """An open session planning the PHQ-9, the facilitators' socket, and member Sam, who has not joined."""
    from facilitator import plans

    f = make_facilitator("Noor")
    group = make_group(f)
    gs = opened(make_session(group, f, "Week 5"))
    with app.app_context():
        plans.add(db.session.get(GroupSession, gs.id), "phq-9")
    fac = sock(f.client, gs, "facilitator")
    sam = make_member(group, f, "Sam")

    def let_in(member) -> object:
        """The member's one tap into the session, admitted by the facilitator; their socket."""
        assert member.client.post(f"/me/{member.public_id}/session", data={"agree": "y"}).status_code == 302
        with app.app_context():
            seat = db.session.query(Participant).filter_by(member_id=member.id, session_id=gs.id).one()
        assert fac.emit("admit", {"participant": seat.id}, callback=True)["ok"]
        return sock(member.client, gs, "participant")

    return {"f": f, "gs": gs, "fac": fac, "sam": sam, "let_in": let_in}


def _answer_before(app, hub, answers) -> None:
    r = hub["sam"].client.post(f"/me/{hub['sam'].public_id}/sessions/{hub['gs'].public_id}/before/phq-9",
                               data=answers)
    assert r.status_code == 303, r.status_code


def _alerts(sc) -> list[dict]:
    return [e["args"][0] for e in sc.get_received() if e["name"] == "alert"]


def test_answers_given_before_are_in_the_measure_as_soon_as_the_step_starts_with_no_second_alert(app, hub):
    _answer_before(app, hub, RISKY)
    [raised] = _alerts(hub["fac"])  # at once, when Sam saved them
    ana = hub["let_in"](hub["sam"])
    hub["fac"].get_received()
    ana.get_received()
    assert hub["fac"].emit("command", {"type": "plan_next"}, callback=True)["ok"]
    assert _alerts(hub["fac"]) == []  # the hand-over raises no second alert
    view = hub["fac"].emit("sync", {}, callback=True)["view"]
    [sam] = [m for m in view["activity"]["view"]["members"] if m["name"] == "Sam"]
    assert (sam["total"], sam["band"]) == (10, "Moderate")
    [listed] = view["alerts"]
    assert (listed["id"], listed["kind"], listed["activity"]) == (raised["alert"], "risk", "Answered before the session")
    [row] = rows(app)
    assert (row.source, row.total) == ("before", 10)
    with app.app_context():
        state = live.load_state(hub["gs"].id)[0]
        assert list(state["activity"]["sources"].values()) == ["before"]
        # Exactly once: the activity holds the answers now, so nothing more is handed over.
        assert measure_store.before_commands(session(app, hub["gs"]), state) == []
    mine = json.dumps(ana.get_received())
    assert '"total"' not in mine and "Moderate" not in mine  # Sam's phone sees their answers, never a score


def test_a_member_arriving_during_the_measure_gets_their_answers_in(app, hub):
    _answer_before(app, hub, CALM)
    assert hub["fac"].emit("command", {"type": "plan_next"}, callback=True)["ok"]
    hub["let_in"](hub["sam"])
    with app.app_context():
        activity = live.load_state(hub["gs"].id)[0]["activity"]
    assert list(activity["sources"].values()) == ["before"] and list(activity["answers"].values()) == [CALM]


def test_a_risk_answer_given_before_reaches_the_facilitators_and_stays_in_the_alert_list(app, hub, sock, join):
    guest_http, guest = join(hub["gs"], "Gil")
    assert hub["fac"].emit("admit", {"participant": guest.id}, callback=True)["ok"]
    gil = sock(guest_http, hub["gs"], "participant")
    hub["fac"].get_received()
    gil.get_received()
    with app.app_context():
        command = measure_store.risk_alert_command(db.session.get(Member, hub["sam"].id), "phq-9",
                                                   ({"item": "q9", "value": 2, "say": "Check in with them."},))
        assert live.execute(session(app, hub["gs"]), command)["ok"]
    [got] = _alerts(hub["fac"])
    assert (got["kind"], got["name"], got["instrument"], got["say"], got["value"]) == \
        ("risk", "Sam", "phq-9", "Check in with them.", 2)
    assert isinstance(got["alert"], int)
    [listed] = hub["fac"].emit("sync", {}, callback=True)["view"]["alerts"]
    assert (listed["id"], listed["name"], listed["member"]) == (got["alert"], "Sam", f"m{hub['sam'].id}")
    assert "Check in with them" not in json.dumps(gil.get_received())  # never to a participant
    # Only the hub may send it: a facilitator's or participant's own command is refused.
    for sc in (hub["fac"], gil):
        ack = sc.emit("command", {"type": "record_alert", "effect": command["effect"]}, callback=True)
        assert ack["ok"] is False
    with app.app_context():
        for role in ("facilitator", "participant"):
            forged = {**command, "actor": {"role": role, "id": None if role == "facilitator" else guest.engine_id}}
            assert live.execute(session(app, hub["gs"]), forged)["ok"] is False
        assert len(live.load_state(hub["gs"].id)[0]["alerts"]) == 1
    assert measure_store.risk_alert_command(None, "phq-9", ()) is None  # no risk, no command


def test_the_alert_stays_with_the_session_after_it_ends(app, hub):
    from core.models import Facilitator
    from facilitator import sessions as ops

    _answer_before(app, hub, RISKY)
    with app.app_context():
        ops.end(session(app, hub["gs"]), db.session.get(Facilitator, hub["f"].id))
        [alert] = live.load_state(hub["gs"].id)[0]["alerts"]
    assert (alert["kind"], alert["name"], alert["followup"]) == ("risk", "Sam", "new")
    summary = hub["f"].client.get(f"/sessions/{hub['gs'].id}/summary")
    assert summary.status_code == 200 and b"Answered before the session" in summary.data
