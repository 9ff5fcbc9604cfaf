"""Fixtures for the member's own page, the practice log and the check-in review: a group with a member
whose browser holds their standing link, and helpers for a past session they attended and a live one."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from core import catalogue, members
from core.activity_models import ActivityRun
from core.extensions import db
from core.models import GroupSession, LiveState, Participant, utcnow
from core.state import initial_state
from participant.member_access import member_cookie

COMMITMENT = "Quokkacommit: call my sister on Sunday"


def form_state(slug: str, answers: dict) -> dict:
    fields = [f.model_dump() for f in catalogue.library()[slug].settings.fields]
    return {"kind": "form", "phase": "open", "go_around": False, "distress_threshold": 8, "fields": fields, "answers": answers,
            "submitted_at": dict.fromkeys(answers, 0), "members": {}, "spotlight": None, "shared": []}


def member_browser(app, m, secret: str):
    c = app.test_client()
    c.set_cookie(member_cookie(m.public_id), secret)
    return c


@pytest.fixture
def world(app, make_facilitator, make_group):
    """A facilitator, their group, and Ana, a member whose own browser holds her standing link."""
    f = make_facilitator()
    g = make_group(f)
    with app.app_context():
        m = members.add(g, "Ana", f.id)
        secret = members.new_link(m, f.id)
    c = app.test_client()
    r = c.get(f"/m/{secret}")  # the standing link itself sets the cookie (no session is open yet)
    assert r.status_code == 302 and r.location.endswith(f"/me/{m.public_id}")
    return {"f": f, "g": g, "m": m, "secret": secret, "client": c}


def seat(app, join, gs, m, name: str = "Ana", client=None):
    """A member's seat in `gs`, admitted (as the member's own way in would make it); returns (client, p)."""
    c, p = join(gs, name, client=client)
    with app.app_context(), db.transaction() as s:
        row = s.get(Participant, p.id)
        row.member_id, row.status, row.admitted_at = (m.id if m is not None else None), "admitted", utcnow()
    return c, p


def attended_session(app, join, make_session, w, title: str = "Week 1", commitment: str = COMMITMENT,
                     ended_ago: timedelta = timedelta(days=6)):
    """A session Ana came to and planned `commitment` at its check-out; ended `ended_ago`."""
    gs = make_session(w["g"], w["f"], title)
    _c, p = seat(app, join, gs, w["m"])
    now = time.time()
    with app.app_context(), db.transaction() as s:
        answers = {p.engine_id: {"one_word": "steady", "commitment": commitment}}
        s.add(ActivityRun(session_id=gs.id, position=0, slug="check-out", title="Check-out round", kind="form",
                          planned_minutes=10, started_at=now - 600, ended_at=now - 60,
                          state=form_state("check-out", answers)))
        row = s.get(GroupSession, gs.id)
        row.status, row.ended_at = "ended", utcnow() - ended_ago
        row.starts_at = utcnow() - ended_ago - timedelta(hours=2)
    return gs, p


def run_item(app, gs, slug: str, title: str, kind: str = "form"):
    """Put the live session on one plan item (as the console's "start" would)."""
    with app.app_context(), db.transaction() as s:
        state = initial_state()
        activity = form_state(slug, {}) if kind == "form" else {"kind": kind}
        state.update(current=0, item={"slug": slug, "title": title, "kind": kind}, item_started_at=time.time(),
                     activity=activity, plan=[{"slug": slug, "title": title, "kind": kind, "minutes": 10}])
        row = s.get(LiveState, gs.id)
        if row is None:
            s.add(LiveState(session_id=gs.id, version=1, state=state))
        else:
            row.state, row.version = state, row.version + 1
        s.get(GroupSession, gs.id).status = "live"
