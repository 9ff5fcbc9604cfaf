"""The console's roster in a big session: changes that come close together are sent as one roster,
read after the last of them; a small session gets every roster at once (core/roster_pace.py)."""
import threading
import time

from core import roster_pace
from core.roster_pace import RosterPace


class Sender:
    def __init__(self, rows: int) -> None:
        self.rows, self.sent, self.done = rows, [], threading.Event()

    def __call__(self, session_id: int) -> int:
        self.sent.append((session_id, self.rows))
        self.done.set()
        return self.rows


def test_a_small_session_gets_every_roster_at_once(app):
    pace, send = RosterPace(), Sender(rows=roster_pace.MIN_ROWS - 1)
    with app.app_context():
        for _ in range(5):
            pace.push(1, "abc", send)
    assert len(send.sent) == 5


def test_a_big_session_gets_one_roster_for_changes_close_together_read_after_the_last(app):
    pace, send = RosterPace(), Sender(rows=roster_pace.MIN_ROWS)
    with app.app_context():
        pace.push(1, "abc", send)  # the first goes at once
        assert len(send.sent) == 1
        send.done.clear()
        for _ in range(10):  # ten people connect within the gap
            pace.push(1, "abc", send)
        assert len(send.sent) == 1
        send.rows = roster_pace.MIN_ROWS + 10  # what the database holds by then
    assert send.done.wait(5)
    time.sleep(roster_pace.GAP_S)  # nothing more is on its way
    assert send.sent == [(1, roster_pace.MIN_ROWS), (1, roster_pace.MIN_ROWS + 10)]


def test_a_later_session_with_the_same_row_id_starts_unpaced(app):
    pace = RosterPace()
    with app.app_context():
        pace.push(1, "big-earlier-session", Sender(rows=300))
        send = Sender(rows=3)
        pace.push(1, "new-session", send)
        pace.push(1, "new-session", send)
    assert len(send.sent) == 2


def test_a_forgotten_session_sends_nothing_later(app):
    pace, send = RosterPace(), Sender(rows=roster_pace.MIN_ROWS)
    with app.app_context():
        pace.push(1, "abc", send)
        pace.push(1, "abc", send)  # waits
        pace.forget(1)  # the session ended meanwhile
    time.sleep(roster_pace.GAP_S + 0.3)
    assert len(send.sent) == 1
