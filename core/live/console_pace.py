"""The console's view, paced when drawing it is costly.

The console's panels are drawn on the server (core/live/screens.py). For a small group that costs a
few milliseconds and every command's view goes out at once. With hundreds of members one drawing can
cost 50-200 ms, and five answers a second would keep the process drawing the same long list over and
over while the phones wait. So in a session of at least ``MIN_MEMBERS`` members (below that a drawing
is cheap whatever the machine is doing, and every view goes out with its command), once the last
drawing cost more than ``SLOW_S``, its next
console view waits until ``GAP_FACTOR`` times that cost has passed since the last one was sent (at
most ``MAX_GAP_S``); commands arriving in between replace the waiting view, and only the latest is
drawn. The console gets every change, at most a fraction of a second late, and drawing takes at most
about a fifth of the process.

A view sent after skipped versions says which version it follows (``follows``: the one this process
sent before it), so the page knows it missed nothing (static/js/live.js). What waits is the latest
facilitator view (which holds members' words) for at most ``MAX_GAP_S``; nothing else is kept but
the cost and the time of the last drawing, and the keys (digests) of its rows, so that the next view
sends only the rows that changed (core/live/console_rows.py). An erasure is a command: its view
replaces a waiting one.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app

from core.extensions import socketio

MIN_MEMBERS = 40  # smaller sessions are never paced
SLOW_S = 0.025  # a drawing cheaper than this never makes the next view wait
GAP_FACTOR = 4  # the next drawing waits this many times the last one's cost
MAX_GAP_S = 0.75
KEEP_SESSIONS = 512


@dataclass
class Pace:
    public_id: str
    cost: float = 0.0  # seconds the last drawing took
    sent_at: float = 0.0  # time.monotonic() when the last view went out
    version: int | None = None  # the version of that view
    waiting: tuple | None = None  # (view, room): the latest view not yet drawn
    scheduled: bool = False  # a task will draw it
    rows: frozenset[str] = frozenset()  # the keys of that view's rows (core/live/console_rows.py)


class ConsolePace:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paces: dict[int, Pace] = {}

    def send(self, session_id: int, public_id: str, view: dict, room: str, draw, members: int) -> None:
        """Send the console ``view`` (``draw(view)`` adds its markup) to ``room``, now or paced (a
        session of ``members`` people)."""
        with self._lock:
            pace = self._paces.get(session_id)
            if pace is None or pace.public_id != public_id:
                pace = self._paces[session_id] = Pace(public_id)
                while len(self._paces) > KEEP_SESSIONS:
                    self._paces.pop(next(iter(self._paces)))
            if members < MIN_MEMBERS:
                pace.waiting = None  # never paced: a task still waiting finds nothing to send
            elif pace.scheduled or self._delay(pace) > 0:
                pace.waiting = (view, room, draw)
                if not pace.scheduled:
                    pace.scheduled = True
                    app = current_app._get_current_object()
                    socketio.start_background_task(self._later, app, session_id, self._delay(pace))
                return
        self._draw_and_send(pace, view, room, draw)

    def forget(self, session_id: int) -> None:
        with self._lock:
            pace = self._paces.pop(session_id, None)
            if pace is not None:
                pace.waiting = None

    @staticmethod
    def _delay(pace: Pace) -> float:
        if pace.cost <= SLOW_S:
            return 0.0
        gap = min(MAX_GAP_S, GAP_FACTOR * pace.cost)
        return max(0.0, pace.sent_at + gap - time.monotonic())

    def _draw_and_send(self, pace: Pace, view: dict, room: str, draw) -> None:
        started = time.monotonic()
        with self._lock:
            known = pace.rows
        used = draw(view, known)
        view["server_time"] = time.time()  # the page sets its clock by it: the time it is sent
        with self._lock:
            view["follows"] = pace.version
            pace.cost, pace.sent_at, pace.version = time.monotonic() - started, time.monotonic(), view["version"]
            pace.rows = used
        socketio.emit("view", view, to=room)

    def _later(self, app, session_id: int, delay: float) -> None:
        while True:
            socketio.sleep(delay)
            with self._lock:
                pace = self._paces.get(session_id)
                if pace is None or pace.waiting is None:  # forgotten (erased, ended) meanwhile
                    if pace is not None:
                        pace.scheduled = False
                    return
                (view, room, draw), pace.waiting = pace.waiting, None
            with app.app_context():
                self._draw_and_send(pace, view, room, draw)
            with self._lock:
                if pace.waiting is None:
                    pace.scheduled = False
                    return
                delay = self._delay(pace)


PACE = ConsolePace()
