"""Erasure canary: a canary string planted in participants' names, form answers (every audience),
pause-signal notes, pairs notes and debriefs, and cards; the session runs, its activities are archived,
handouts are rendered (HTML and PDF), the session ends, and the retention purge runs (`flask purge`).
Afterwards the canary is in no table (every table of the database, every column), in no file under
the instance folder, and in no log record or console output of the whole run."""
from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from activities import engine
from core.extensions import db
from core.models import GroupSession, Participant, utcnow
from tests.security.support import set_plan

CANARY = "qx7canaryzz"
PLAN = ["check-in", "check-out", "empathic-listening", "compassionate-feedback", "appreciations-round", "go-around"]


def table_hits(app) -> dict[str, int]:
    """Rows containing the canary, per table, over every table the database has."""
    hits = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            found = sum(1 for row in rows if CANARY in repr(tuple(row)) or CANARY in json.dumps(
                [str(v) for v in row], ensure_ascii=False))
            if found:
                hits[table] = found
    return hits


def file_hits(folder: Path) -> list[str]:
    return [str(p.relative_to(folder)) for p in sorted(folder.rglob("*"))
            if p.is_file() and (CANARY.encode() in p.read_bytes() or CANARY.encode("utf-16-le") in p.read_bytes())]


@pytest.fixture
def planted(app, monkeypatch, caplog, make_facilitator, make_group, make_session, sock, join):
    """A session where the canary went everywhere participants' words go."""
    from core.ratelimit import TokenBucket

    monkeypatch.setattr(TokenBucket, "allow", lambda self, key: True)
    caplog.set_level(logging.DEBUG)
    f = make_facilitator()
    group = make_group(f)
    gs = make_session(group, f, auto_admit=True)
    plan = [slug for slug in PLAN if _kind(app, slug) in engine.KINDS]
    set_plan(app, gs, plan)
    fac = sock(f.client, gs, "facilitator")
    people = {}
    for name in ("Ana", "Ben", "Cy"):
        http, p = join(gs, f"{name} {CANARY}")
        people[name] = (http, sock(http, gs, "participant"), p.engine_id)
    fac.emit("add_in_room", {"name": f"Dee {CANARY}"}, callback=True)

    def act(sc, action, **args):
        return sc.emit("command", {"type": "activity", "action": action, "args": args}, callback=True)

    fac.emit("command", {"type": "set_phase", "to": "running"}, callback=True)
    ana = people["Ana"][1]
    ana.emit("command", {"type": "pause_signal"}, callback=True)
    signal = fac.emit("sync", {}, callback=True)["view"]["frame"]["signals"][0]["id"]
    fac.emit("command", {"type": "ack_signal", "signal": signal, "note": f"noted {CANARY}"}, callback=True)
    for index, slug in enumerate(plan):
        assert fac.emit("command", {"type": "plan_go", "index": index}, callback=True)["ok"]
        view = fac.emit("sync", {}, callback=True)["view"]["activity"]["view"]
        kind = view["kind"]
        for _http, sc, _member in people.values():
            if kind == "form":
                answers = {}
                for field in view["fields"]:
                    answers[field["id"]] = {"emotion": {"word": CANARY, "family": None}, "scale": 3,
                                            "list": [CANARY], "short_text": CANARY,
                                            "long_text": CANARY}[field["type"]]
                assert act(sc, "submit", answers=answers)["ok"], slug
            elif kind == "cards":
                act(sc, "set_open", open=True)
                act(sc, "send", to="group", template=0, text=f"card {CANARY}")
            elif kind == "pairs":
                act(sc, "reflected", note=f"note {CANARY}")
        if kind == "pairs":
            act(fac, "form_groups", how="random", seed=3)
            act(fac, "start_round")
            for _http, sc, _member in people.values():
                act(sc, "reflected", note=f"note {CANARY}")
                act(sc, "confirm", result="not_quite", word=f"w{CANARY}")
                act(sc, "checklist", items={"0": True}, note=f"obs {CANARY}")
            act(fac, "call_back")
            for _http, sc, _member in people.values():
                act(sc, "debrief", helped=f"helped {CANARY}", adjust="")
        if kind == "cards":
            queue = fac.emit("sync", {}, callback=True)["view"]["activity"]["view"]["queue"]
            for card in queue[:1]:
                act(fac, "release", card=card["id"])
    assert fac.emit("command", {"type": "plan_stop"}, callback=True)["ok"]
    # refused requests carrying the canary are logged too (by reason, never by content)
    for bad in ({"type": "set_message", "text": CANARY * 300}, {"type": f"x{CANARY}"}, {"type": "pass", "x": CANARY},
                {"type": "activity", "action": "submit", "args": {"answers": {"need": CANARY}}}):
        assert ana.emit("command", bad, callback=True)["ok"] is False
    assert people["Ben"][0].post(f"/s/{gs.public_id}/my-answers/erase").status_code == 302
    # handouts rendered from this session's data (never stored, but rendered: no cache may keep them)
    for path in (f"/sessions/{gs.id}/handouts/summary", f"/sessions/{gs.id}/handouts/summary.pdf",
                 f"/sessions/{gs.id}/summary"):
        r = f.client.get(path)
        assert r.status_code == 200, path
    own = people["Ana"][0]
    assert own.get(f"/s/{gs.public_id}/take-home.pdf").status_code == 200
    return {"gs": gs, "fac": fac, "f": f, "people": people}


def _kind(app, slug: str) -> str:
    from core import catalogue

    with app.app_context():
        return catalogue.library().get(slug).kind


def _purge(app, gs) -> str:
    with app.app_context():
        s = db.session.get(GroupSession, gs.id)
        s.status, s.ended_at = "ended", utcnow() - timedelta(days=31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    return result.output


def test_after_purge_the_canary_is_in_no_table_file_or_log(app, planted, caplog, capsys, tmp_path):
    before = table_hits(app)
    assert {"participant", "live_state", "activity_run"} <= set(before), before  # it really was planted
    output = _purge(app, planted["gs"])
    assert "Purged 1 session" in output
    after = table_hits(app)
    files = [p for p in file_hits(tmp_path) if not _is_database_file(app, p)]
    records = [r for phase in ("setup", "call") for r in caplog.get_records(phase)]
    logged = [r.name for r in records if CANARY in r.getMessage() or CANARY in repr(r.args)]
    console = capsys.readouterr()
    printed = CANARY in console.out or CANARY in console.err
    with app.app_context():
        assert db.session.query(Participant).count() == 0
    found = len(after) + len(files) + len(logged) + int(printed)
    print(f"\nerasure canary: planted in {sum(before.values())} rows of {len(before)} tables "
          f"({', '.join(sorted(before))}); after purge found in {len(after)} tables, {len(files)} files, "
          f"{len(logged)} log records, {int(printed)} console outputs (log records checked: {len(records)})")
    assert found == 0, (after, files, logged, printed)


def _is_database_file(app, relative: str) -> bool:
    url = app.config["DATABASE_URL"]
    return url.startswith("sqlite:///") and Path(relative).name.startswith(Path(url[len("sqlite:///"):]).name)


def test_after_purge_the_database_file_keeps_no_copy(app, planted, tmp_path):
    """Deleted rows must not linger in the SQLite file's free pages or write-ahead log."""
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        pytest.skip("PostgreSQL files are not ours to scan")
    _purge(app, planted["gs"])
    leftover = [p for p in file_hits(tmp_path) if _is_database_file(app, p)]
    print(f"\nerasure canary: after purge the SQLite files holding the canary: {leftover or 'none'}")
    assert not leftover, leftover
