"""Fixtures for the session notes: a group whose session three members with distinctive names took part
in (check-out answers, a pass, measure results inserted directly), then ended; and people in every role."""
from __future__ import annotations

import pytest

from core.clinical_models import MeasureResult
from core.extensions import db
from core.models import GroupMember
from tests.members.conftest import make_member, opened  # noqa: F401  (fixtures)
from tests.security.support import set_plan

NAMES = ("Zephyrine", "Quillontor", "Marguerix")
WORDS = {"Zephyrine": "lighthousezz", "Quillontor": "avalanchezz", "Marguerix": "saxophonezz"}
SECRET = {"Zephyrine": "privatezephzz", "Quillontor": "privatequilzz", "Marguerix": "privatemargzz"}
SCORES = {"Zephyrine": (4, "minimal"), "Quillontor": (17, "moderately severe"), "Marguerix": (9, "mild")}


def act(sc, action, **args):
    ack = sc.emit("command", {"type": "activity", "action": action, "args": args}, callback=True)
    assert ack["ok"], ack
    return ack


def add_role(app, group, person, role: str) -> None:
    with app.app_context():
        db.session.add(GroupMember(group_id=group.id, facilitator_id=person.id, role=role))
        db.session.commit()


@pytest.fixture
def held(app, monkeypatch, make_facilitator, make_group, make_session, make_member, opened, sock):  # noqa: F811
    """Three members did a check-out (one answer each shared with the group, a private commitment),
    Quillontor passed, one paused; PHQ-9 and session-feedback results exist; the session is live."""
    from core.ratelimit import TokenBucket

    monkeypatch.setattr(TokenBucket, "allow", lambda self, key: True)
    owner = make_facilitator("Owner")
    g = make_group(owner)
    owner.client.post(f"/groups/{g.id}/members/straight-in", data={"straight_in": "y"})
    people = {name: make_member(g, owner, name) for name in NAMES}
    gs = opened(make_session(g, owner))
    set_plan(app, gs, ["check-out", "go-around"])
    console = sock(owner.client, gs, "facilitator")
    socks = {}
    for name, who in people.items():
        assert who.client.post(f"/me/{who.public_id}/session", data={"agree": "y"}).status_code == 302
        socks[name] = sock(who.client, gs, "participant")
    assert console.emit("command", {"type": "set_phase", "to": "running"}, callback=True)["ok"]
    assert console.emit("command", {"type": "plan_go", "index": 0}, callback=True)["ok"]
    for name, sc in socks.items():
        act(sc, "submit", answers={"one_word": WORDS[name], "take_with_me": f"take {WORDS[name]}",
                                   "commitment": SECRET[name]})
    with app.app_context():
        from core.models import Participant

        zeph = db.session.query(Participant).filter_by(member_id=people["Zephyrine"].id).one().engine_id
    act(console, "reveal", field="one_word", member=zeph)  # one answer shared with the group
    assert console.emit("command", {"type": "plan_go", "index": 1}, callback=True)["ok"]
    assert socks["Quillontor"].emit("command", {"type": "pass"}, callback=True)["ok"]
    assert socks["Marguerix"].emit("command", {"type": "pause_signal"}, callback=True)["ok"]
    with app.app_context():
        from core.models import GroupSession

        session = db.session.get(GroupSession, gs.id)
        for i, (name, who) in enumerate(people.items()):
            total, band = SCORES[name]
            db.session.add(MeasureResult(group_id=g.id, session_id=session.id, member_id=who.id, instrument="phq-9",
                                         items={"q1": 1}, total=total, band=band, risk=name == "Quillontor"))
            db.session.add(MeasureResult(group_id=g.id, session_id=session.id, member_id=who.id,
                                         instrument="session-feedback",
                                         items={"safe": 6 + i, "heard": 7, "useful": 8, "return": 9}, total=30 + i))
        db.session.commit()
    return {"owner": owner, "g": g, "gs": gs, "people": people, "console": console, "socks": socks}


@pytest.fixture
def ended(held):
    r = held["owner"].client.post(f"/sessions/{held['gs'].id}/end")
    assert r.status_code == 302
    return held
