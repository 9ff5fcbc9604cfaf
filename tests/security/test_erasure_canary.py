"""Erasure canary: a canary string planted in participants' names, form answers (every audience),
pause-signal notes, pairs notes and debriefs, and cards; the session runs, its activities are archived,
handouts are rendered (HTML and PDF), the session ends, and the retention purge runs (`flask purge`).
Afterwards the canary is in no table (every table of the database, every column), in no file under
the instance folder, and in no log record or console output of the whole run.

"Delete my answers" is checked the same way for every activity kind: a participant's own canary,
written in each kind (and in the answer to their pause signal), is in no table once they erase, with
each writing kind in turn still running at that moment."""
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


# ---- "Delete my answers": every kind, archived and running -----------------------------------------

ERASE_PLAN = ["check-in", "go-around", "box-breathing", "attachment-patterns", "empathic-listening",
              "compassionate-feedback"]


def own_word(name: str, kind: str) -> str:
    """A canary for what `name` writes in one kind (single word: no split across columns or lines)."""
    return f"{name.lower()}q8{kind}zz"


def words_in_db(app, word: str) -> dict[str, int]:
    hits = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            found = sum(1 for row in rows if word in repr(tuple(row)))
            if found:
                hits[table] = found
    return hits


def _write_everything(fac, people: dict, kind: str) -> None:
    """Everyone writes their own canary wherever this kind takes words (failed attempts, e.g. a role
    someone does not hold this round, are simply refused)."""
    def act(sc, action, **args):
        return sc.emit("command", {"type": "activity", "action": action, "args": args}, callback=True)

    view = fac.emit("sync", {}, callback=True)["view"]["activity"]["view"]
    if kind == "form":
        for name, (_http, sc, _member) in people.items():
            word = own_word(name, kind)
            values = {"emotion": {"word": word, "family": None}, "scale": 3, "list": [word], "short_text": word,
                      "long_text": word}
            assert act(sc, "submit", answers={f["id"]: values[f["type"]] for f in view["fields"]})["ok"]
    elif kind == "pairs":
        act(fac, "form_groups", how="random", seed=3)
        act(fac, "start_round")
        for _round in range(3):
            for name, (_http, sc, _member) in people.items():
                word = own_word(name, kind)
                act(sc, "reflected", note=f"note {word}")
                act(sc, "confirm", result="not_quite", word=word)
                act(sc, "checklist", items={"0": True}, note=f"obs {word}")
            act(fac, "next_round")
        act(fac, "call_back")
        for name, (_http, sc, _member) in people.items():
            assert act(sc, "debrief", helped=f"helped {own_word(name, kind)}", adjust="")["ok"]
    elif kind == "cards":
        for _http, sc, _member in people.values():
            act(sc, "set_open", open=True)
        members = [m for _h, _s, m in people.values()]
        for n, (name, (_http, sc, _member)) in enumerate(people.items()):
            to = members[(n + 1) % len(members)]
            assert act(sc, "send", to=to, template=0, text=f"to you {own_word(name, kind)}")["ok"]
            assert act(sc, "send", to="group", template=0, text=f"to all {own_word(name, kind)}")["ok"]
        for card in fac.emit("sync", {}, callback=True)["view"]["activity"]["view"]["queue"]:
            act(fac, "release", card=card["id"])


@pytest.mark.parametrize("running", ["form", "pairs", "cards"])
def test_delete_my_answers_leaves_nothing_of_theirs_in_any_kind(app, monkeypatch, make_facilitator, make_group,
                                                                make_session, sock, join, running):
    """Ben's words from every kind (archived runs, the running activity, a pause signal's answer) are in
    no table after he deletes his answers; the others' words stay."""
    from core.ratelimit import TokenBucket

    monkeypatch.setattr(TokenBucket, "allow", lambda self, key: True)
    f = make_facilitator()
    gs = make_session(make_group(f), f, auto_admit=True)
    slug = {"form": "check-in", "pairs": "empathic-listening", "cards": "compassionate-feedback"}[running]
    plan = [s for s in ERASE_PLAN if s != slug] + [slug]  # the kind under test is still running at the end
    set_plan(app, gs, plan)
    fac = sock(f.client, gs, "facilitator")
    people = {}
    for name in ("Ana", "Ben", "Cy"):
        http, p = join(gs, name)
        people[name] = (http, sock(http, gs, "participant"), p.engine_id)
    fac.emit("command", {"type": "set_phase", "to": "running"}, callback=True)
    people["Ben"][1].emit("command", {"type": "pause_signal"}, callback=True)
    signal = fac.emit("sync", {}, callback=True)["view"]["frame"]["signals"][0]["id"]
    fac.emit("command", {"type": "ack_signal", "signal": signal, "note": own_word("Ben", "frame")}, callback=True)
    kinds = []
    for index, item in enumerate(plan):
        assert fac.emit("command", {"type": "plan_go", "index": index}, callback=True)["ok"]
        kinds.append(_kind(app, item))
        _write_everything(fac, people, kinds[-1])
    words = [own_word("Ben", kind) for kind in ("form", "pairs", "cards", "frame")]
    assert all(words_in_db(app, word) for word in words), "Ben's words were not all planted"
    assert words_in_db(app, own_word("Ben", running)).get("live_state")  # the running one, in the live state

    assert people["Ben"][0].post(f"/s/{gs.public_id}/my-answers/erase").status_code == 302

    left = {word: hits for word in words if (hits := words_in_db(app, word))}
    print(f"\nerasure canary (delete my answers, {running} running): Ben's words from {len(words)} places; "
          f"left after erasing: {left or 'none'}")
    assert not left, left
    for kind in ("form", "pairs", "cards"):  # what the others wrote (not to Ben) stays
        assert words_in_db(app, own_word("Cy", kind)) or words_in_db(app, own_word("Ana", kind)), kind
    ben_view = people["Ben"][1].emit("sync", {}, callback=True)
    assert ben_view["ok"] and not any(word in json.dumps(ben_view) for word in words)
    # every kind ran in this session but the scored measure, whose answers are the clinical record (not
    # "my answers"): erasing a member's results goes with "delete my data" (tests/notes/test_erase_and_purge.py)
    assert set(kinds) == set(engine.KINDS) - {"measure"}
