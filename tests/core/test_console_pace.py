"""The console's view is paced when drawing it is costly (core/live/console_pace.py): a cheap drawing
goes out with every command; after a costly one, the views of commands that follow within the gap
wait, and only the latest is drawn and sent, saying which version it follows."""
from __future__ import annotations

import time

import pytest

from core.extensions import socketio
from core.live import console_pace
from core.live.console_pace import ConsolePace

BIG = console_pace.MIN_MEMBERS  # a session big enough to be paced


@pytest.fixture
def sent(monkeypatch):
    out: list[tuple[dict, str]] = []
    monkeypatch.setattr(socketio, "emit", lambda event, view, to: out.append((view, to)))
    return out


def drawer(seconds: float, drawn: list[int], known: list | None = None):
    def draw(view: dict, rows: frozenset[str]) -> frozenset[str]:
        time.sleep(seconds)
        drawn.append(view["version"])
        if known is not None:
            known.append(rows)
        view["html"] = f"<p>{view['version']}</p>"
        return frozenset({f"row{view['version']}"})
    return draw


def wait_for(condition, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the paced view never went out"
        time.sleep(0.01)


def test_a_cheap_drawing_goes_out_with_every_command(app, sent):
    pace, drawn = ConsolePace(), []
    with app.app_context():
        for version in (1, 2, 3):
            pace.send(7, "pub", {"version": version}, "s7:fac", drawer(0, drawn), BIG)
    assert [v["version"] for v, _ in sent] == [1, 2, 3] == drawn
    assert [v["follows"] for v, _ in sent] == [None, 1, 2]
    assert all(room == "s7:fac" and v["html"] for v, room in sent)


def test_after_a_costly_drawing_only_the_latest_view_is_drawn(app, sent):
    pace, drawn = ConsolePace(), []
    slow = drawer(console_pace.SLOW_S * 1.5, drawn)
    with app.app_context():
        pace.send(7, "pub", {"version": 1}, "s7:fac", slow, BIG)
        for version in (2, 3, 4):
            pace.send(7, "pub", {"version": version}, "s7:fac", slow, BIG)
        assert [v["version"] for v, _ in sent] == [1]  # 2-4 wait for the gap
    wait_for(lambda: len(sent) == 2)
    time.sleep(console_pace.MAX_GAP_S)
    assert [v["version"] for v, _ in sent] == [1, 4] == drawn  # 2 and 3 were never drawn
    assert sent[1][0]["follows"] == 1
    assert sent[1][0]["server_time"] == pytest.approx(time.time(), abs=2)


def test_a_small_session_is_never_paced(app, sent):
    pace, drawn = ConsolePace(), []
    slow = drawer(console_pace.SLOW_S * 1.5, drawn)  # a busy machine, or templates compiled on first use
    with app.app_context():
        for version in (1, 2, 3):
            pace.send(7, "pub", {"version": version}, "s7:fac", slow, console_pace.MIN_MEMBERS - 1)
    assert [v["version"] for v, _ in sent] == [1, 2, 3]


def test_a_cheap_drawing_ends_the_pacing(app, sent):
    pace, drawn = ConsolePace(), []
    with app.app_context():
        pace.send(7, "pub", {"version": 1}, "s7:fac", drawer(console_pace.SLOW_S * 1.5, drawn), BIG)
        pace.send(7, "pub", {"version": 2}, "s7:fac", drawer(0, drawn), BIG)
    wait_for(lambda: len(sent) == 2)
    with app.app_context():
        pace.send(7, "pub", {"version": 3}, "s7:fac", drawer(0, drawn), BIG)
    assert [v["version"] for v, _ in sent] == [1, 2, 3]


def test_a_forgotten_session_sends_nothing_that_waited(app, sent):
    pace, drawn = ConsolePace(), []
    slow = drawer(console_pace.SLOW_S * 1.5, drawn)
    with app.app_context():
        pace.send(7, "pub", {"version": 1}, "s7:fac", slow, BIG)
        pace.send(7, "pub", {"version": 2}, "s7:fac", slow, BIG)
        pace.forget(7)  # erased or purged: what waited holds members' words
    time.sleep(console_pace.MAX_GAP_S + 0.2)
    assert [v["version"] for v, _ in sent] == [1]


def test_a_new_session_with_an_old_row_id_starts_unpaced(app, sent):
    pace, drawn = ConsolePace(), []
    with app.app_context():
        pace.send(7, "old", {"version": 9}, "s7:fac", drawer(console_pace.SLOW_S * 1.5, drawn), BIG)
        pace.send(7, "new", {"version": 1}, "s7:fac", drawer(0, drawn), BIG)
    assert [(v["version"], v["follows"]) for v, _ in sent] == [(9, None), (1, None)]


def test_each_drawing_is_told_the_rows_of_the_view_sent_before(app, sent):
    """The console has the rows of the last view it was sent; the next drawing sends only the others
    (core/live/console_rows.py). Forgetting the session forgets them."""
    pace, drawn, known = ConsolePace(), [], []
    with app.app_context():
        for version in (1, 2):
            pace.send(7, "pub", {"version": version}, "s7:fac", drawer(0, drawn, known), 3)
        pace.forget(7)
        pace.send(7, "pub", {"version": 3}, "s7:fac", drawer(0, drawn, known), 3)
        pace.send(8, "other", {"version": 1}, "s8:fac", drawer(0, drawn, known), 3)
    assert known == [frozenset(), frozenset({"row1"}), frozenset(), frozenset()]
