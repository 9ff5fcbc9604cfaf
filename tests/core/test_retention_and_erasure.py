"""Retention purge, erasure on demand, a participant deleting their own answers, the audit log,
crisis resources, and secrets kept out of logs."""
import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from activities import plan
from core import catalogue, live
from core.activity_models import ActivityRun
from core.db import Base
from core.extensions import db
from core.logfilter import RedactTokens
from core.models import AuditEvent, GroupSession, LiveState, Participant, utcnow
from core.retention import purge_expired

CANARY = "canary-zq81"  # planted in answers
NAME_CANARY = "nm-canary-k3"  # planted in a display name


@pytest.fixture
def ran(app, make_facilitator, make_group, make_session, sock, join):
    """A session where Ana answered a check-in with canary text, then the session ended."""
    f = make_facilitator()
    group = make_group(f)
    gs = make_session(group, f)
    fac = sock(f.client, gs, "facilitator")
    http, p = join(gs, f"Ana {NAME_CANARY}")
    fac.emit("admit", {"participant": p.id}, callback=True)
    ana = sock(http, gs, "participant")
    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        items = [plan.entry(s, catalogue.resolve(session.group_id, s), 5) for s in ("check-in", "check-out")]
        live.system(session, {"type": "plan_set", "items": items})
    fac.emit("command", {"type": "plan_next"}, callback=True)
    ack = ana.emit("command", {"type": "activity", "action": "submit", "args": {"answers": {
        "feeling": {"word": CANARY, "family": None}, "intensity": 3, "need": CANARY}}}, callback=True)
    assert ack["ok"], ack
    fac.emit("command", {"type": "plan_next"}, callback=True)
    return {"f": f, "group": group, "gs": gs, "p": p, "http": http, "fac": fac, "ana": ana}


def dump_all_tables(app) -> str:
    with app.app_context():
        out = []
        with db.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                # Each value in full: a Row's repr shortens long strings (a live state's JSON) in the middle.
                out.extend(" | ".join(map(str, row)) for row in conn.execute(text(f'SELECT * FROM "{table.name}"')))
        return "\n".join(out)


def end(app, gs, days_ago=0):
    with app.app_context():
        s = db.session.get(GroupSession, gs.id)
        s.status, s.ended_at = "ended", utcnow() - timedelta(days=days_ago)
        db.session.commit()


def test_purge_waits_for_the_retention_period_then_leaves_no_trace(app, ran):
    assert CANARY in dump_all_tables(app) and NAME_CANARY in dump_all_tables(app)
    end(app, ran["gs"], days_ago=29)
    with app.app_context():
        assert purge_expired()["sessions"] == 0  # retention is 30 days
    end(app, ran["gs"], days_ago=31)
    with app.app_context():
        assert purge_expired()["sessions"] == 1
        assert db.session.query(Participant).count() == 0
        assert db.session.query(LiveState).count() == 0 and db.session.query(ActivityRun).count() == 0
        assert db.session.get(GroupSession, ran["gs"].id).purged_at is not None  # the title stays
    assert CANARY not in dump_all_tables(app) and NAME_CANARY not in dump_all_tables(app)


def test_purge_cli(app, ran):
    end(app, ran["gs"], days_ago=40)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "Purged 1 session" in result.output


def test_erase_session_on_demand(app, ran):
    c = ran["f"].client
    r = c.post(f"/sessions/{ran['gs'].id}/erase", data={"confirm": "nope"})
    assert r.status_code == 302 and CANARY in dump_all_tables(app)
    r = c.post(f"/sessions/{ran['gs'].id}/erase", data={"confirm": "erase"})
    assert r.status_code == 302
    assert CANARY not in dump_all_tables(app)
    assert not ran["ana"].is_connected() or ran["ana"].get_received()[-1]["args"][0] == {"status": "ended"}
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).filter_by(group_id=ran["group"].id)]
        assert "erase_session" in actions


def test_erase_group_needs_its_name_and_removes_everything(app, ran, make_facilitator):
    other = make_facilitator()
    assert other.client.post(f"/groups/{ran['group'].id}/erase", data={"confirm": "Tuesday group"}).status_code == 404
    c = ran["f"].client
    c.post(f"/groups/{ran['group'].id}/erase", data={"confirm": "wrong"})
    assert CANARY in dump_all_tables(app)
    c.post(f"/groups/{ran['group'].id}/erase", data={"confirm": "Tuesday group"})
    assert CANARY not in dump_all_tables(app)
    assert c.get(f"/groups/{ran['group'].id}").status_code == 404


def test_participant_deletes_their_own_answers(app, ran):
    http, gs = ran["http"], ran["gs"]
    assert http.get(f"/s/{gs.public_id}/help").status_code == 200
    r = http.post(f"/s/{gs.public_id}/my-answers/erase")
    assert r.status_code == 302
    with app.app_context():
        runs = db.session.query(ActivityRun).all()
        assert all(CANARY not in json.dumps(run.state) for run in runs)
    assert app.test_client().post(f"/s/{gs.public_id}/my-answers/erase").status_code == 403


def test_audit_log_shows_actions_never_content(app, ran, make_facilitator):
    page = ran["f"].client.get(f"/groups/{ran['group'].id}/audit").data.decode()
    assert "join" in page and "admit" in page and CANARY not in page
    assert make_facilitator().client.get(f"/groups/{ran['group'].id}/audit").status_code == 404


def test_crisis_text_is_the_groups_own_when_set(app, ran):
    http, gs = ran["http"], ran["gs"]
    assert b"emergency number" in http.get(f"/s/{gs.public_id}/help").data
    ran["f"].client.post(f"/groups/{ran['group'].id}/edit", data={
        "name": "Tuesday group", "retention_days": 30, "distress_threshold": 8,
        "crisis_text": "Call the clinic line: 0100 000 000"})
    page = http.get(f"/s/{gs.public_id}/help").data
    assert b"0100 000 000" in page and b"emergency number" not in page
    assert b"Help now" in http.get(f"/s/{gs.public_id}").data  # one tap from the live screen


def test_tokens_in_urls_never_reach_logs():
    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '"GET /j/%s HTTP/1.1" 200', ("AbCdEf0123456789xyz",),
                               None)
    RedactTokens().filter(record)
    assert "AbCdEf0123456789xyz" not in record.getMessage() and "/j/[redacted]" in record.getMessage()
