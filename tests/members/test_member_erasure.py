""""Delete my data" for a member: a canary the member wrote in every activity kind, in their name, their
practice log and a shared line, is in no table afterwards; the other members' data stays."""
from __future__ import annotations

from datetime import date

import pytest

from activities import engine
from core.extensions import db
from core.member_models import Attendance, Member, PracticeEntry, ReviewShare
from core.models import AuditEvent, GroupSession, Participant
from tests.security.support import set_plan
from tests.security.test_erasure_canary import CANARY, PLAN, _kind, table_hits


def _act(sc, action, **args):
    return sc.emit("command", {"type": "activity", "action": action, "args": args}, callback=True)


def _answers(view, word):
    return {f["id"]: {"emotion": {"word": word, "family": None}, "scale": 3, "list": [word], "short_text": word,
                      "long_text": word}[f["type"]] for f in view["fields"]}


@pytest.fixture
def two_members(app, monkeypatch, make_facilitator, make_group, make_session, make_member, opened, sock):
    from core.ratelimit import TokenBucket

    monkeypatch.setattr(TokenBucket, "allow", lambda self, key: True)
    fac = make_facilitator()
    g = make_group(fac)
    fac.client.post(f"/groups/{g.id}/members/straight-in", data={"straight_in": "y"})
    sam, ana = make_member(g, fac, f"Sam {CANARY}"), make_member(g, fac, "Ana")
    gs = opened(make_session(g, fac))
    plan = [slug for slug in PLAN if _kind(app, slug) in engine.KINDS]
    set_plan(app, gs, plan)
    console = sock(fac.client, gs, "facilitator")
    socks = {}
    for who in (sam, ana):
        assert who.client.post(f"/me/{who.public_id}/session", data={"agree": "y"}).status_code == 302
        socks[who.id] = sock(who.client, gs, "participant")
    return {"plan": plan, "fac": fac, "g": g, "gs": gs, "sam": sam, "ana": ana, "console": console, "socks": socks}


def _run_everything(app, w):
    console, gs = w["console"], w["gs"]
    words = {w["sam"].id: CANARY, w["ana"].id: "ana-words"}
    console.emit("command", {"type": "set_phase", "to": "running"}, callback=True)
    for index in range(len(w["plan"])):
        assert console.emit("command", {"type": "plan_go", "index": index}, callback=True)["ok"]
        view = console.emit("sync", {}, callback=True)["view"]["activity"]["view"]
        kind = view["kind"]
        for member_id, sc in w["socks"].items():
            word = words[member_id]
            if kind == "form":
                assert _act(sc, "submit", answers=_answers(view, word))["ok"]
            elif kind == "cards":
                _act(sc, "set_open", open=True)
                _act(sc, "send", to="group", template=0, text=f"card {word}")
        if kind == "pairs":
            _act(console, "form_groups", how="random", seed=3)
            _act(console, "start_round")
            for member_id, sc in w["socks"].items():
                _act(sc, "reflected", note=f"note {words[member_id]}")
            _act(console, "call_back")
            for member_id, sc in w["socks"].items():
                _act(sc, "debrief", helped=f"helped {words[member_id]}", adjust="")
        if kind == "cards":
            queue = console.emit("sync", {}, callback=True)["view"]["activity"]["view"]["queue"]
            for card in queue:
                _act(console, "release", card=card["id"])
    assert console.emit("command", {"type": "plan_stop"}, callback=True)["ok"]
    with app.app_context():
        db.session.add(PracticeEntry(member_id=w["sam"].id, kind="morning", day=date.today(),
                                     data={"feeling": CANARY, "need": CANARY}, client_key="k1"))
        db.session.add(ReviewShare(session_id=gs.id, member_id=w["sam"].id, source="practice", text=CANARY,
                                   audience="facilitators"))
        db.session.commit()


def test_delete_my_data_removes_the_member_from_every_kind_and_table(app, two_members):
    w = two_members
    _run_everything(app, w)
    assert w["fac"].client.post(f"/sessions/{w['gs'].id}/end").status_code in (302, 303)
    before = table_hits(app)
    assert {"member", "participant", "activity_run", "practice_entry", "review_share"} <= set(before), before
    sam = w["sam"]
    refused = sam.client.post(f"/me/{sam.public_id}/erase", data={})
    assert refused.status_code == 302  # not confirmed: nothing goes
    with app.app_context():
        assert db.session.get(Member, sam.id) is not None
    r = sam.client.post(f"/me/{sam.public_id}/erase", data={"confirm": "yes"})
    assert r.status_code == 200 and b"Your data has been deleted" in r.data
    assert table_hits(app) == {}
    with app.app_context():
        assert db.session.query(Attendance).filter_by(member_id=sam.id).count() == 0
        assert db.session.query(Participant).filter_by(member_id=sam.id).count() == 0
        ana_seat = db.session.query(Participant).filter_by(member_id=w["ana"].id).one()
        assert db.session.query(Attendance).filter_by(member_id=w["ana"].id).one().status == "present"
        assert ana_seat.status == "admitted"
        actions = [e.action for e in db.session.query(AuditEvent).filter_by(group_id=w["g"].id)]
        assert "erase_own_data" in actions
        assert not any(e.target == f"member:{sam.id}" for e in db.session.query(AuditEvent))
        assert db.session.get(GroupSession, w["gs"].id) is not None
    # The browser's link is dead too.
    assert sam.client.get(f"/me/{sam.public_id}").status_code == 403
    assert sam.client.get(f"/m/{sam.secret}").status_code == 404
    # Ana's own words are still there for her take-home record.
    assert "ana-words" in repr(_all_runs(app))


def test_a_facilitator_erases_a_member_on_request(app, two_members):
    w = two_members
    _run_everything(app, w)
    fac, g, sam = w["fac"], w["g"], w["sam"]
    wrong = fac.client.post(f"/groups/{g.id}/members/{sam.id}/erase", data={"confirm": "Sam"})
    assert wrong.status_code == 302
    with app.app_context():
        assert db.session.get(Member, sam.id) is not None
    ok = fac.client.post(f"/groups/{g.id}/members/{sam.id}/erase", data={"confirm": f"Sam {CANARY}"})
    assert ok.status_code == 302
    assert table_hits(app) == {}
    assert not w["socks"][sam.id].is_connected()


def _all_runs(app):
    from core.activity_models import ActivityRun

    with app.app_context():
        return [r.state for r in db.session.query(ActivityRun)]
