"""The console's roster, pushed at most every ``GAP_S`` in a big session.

Every connect, disconnect, admit and name change pushes the whole roster to the facilitators (core/
roster.py ``payload``: one query and a row per person). When 300 people join a workshop within a few
seconds, that was 300 rosters of up to 300 rows, which kept the process busy while the later phones
waited for their first screen. So once the last roster of a session had ``MIN_ROWS`` people or more, a
push within ``GAP_S`` of the last one is sent once, ``GAP_S`` after it, read from the database at that
moment (so it holds every change made in between). Smaller sessions get every roster at once.

Nothing is kept but, per session, when its last roster was sent and how many rows it had.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from core.extensions import db, socketio

MIN_ROWS = 40
GAP_S = 0.5
KEEP_SESSIONS = 512


@dataclass
class Last:
    public_id: str  # a session's row id can be reused by a later session (SQLite, the tests' databases)
    sent_at: float = 0.0  # time.monotonic()
    rows: int = 0
    scheduled: bool = False


class RosterPace:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock, self._lock, self._last = clock, threading.Lock(), {}

    def push(self, session_id: int, public_id: str, send: Callable[[int], int]) -> None:
        """Send the roster now (``send(session_id)`` emits it and returns its number of rows), or once
        in a moment when one was sent just now in a big session."""
        with self._lock:
            last = self._last.get(session_id)
            if last is not None and last.public_id != public_id:
                last = None
            if last is not None and last.rows >= MIN_ROWS:
                if last.scheduled:
                    return  # the roster about to go out is read after this change
                wait = last.sent_at + GAP_S - self._clock()
                if wait > 0:
                    last.scheduled = True
                    socketio.start_background_task(self._later, current_app._get_current_object(),
                                                   session_id, send, wait)
                    return
            if last is None:
                last = self._last[session_id] = Last(public_id)
                while len(self._last) > KEEP_SESSIONS:
                    self._last.pop(next(iter(self._last)))
            last.sent_at = self._clock()
        last.rows = send(session_id)

    def _later(self, app, session_id: int, send: Callable[[int], int], wait: float) -> None:
        socketio.sleep(wait)
        with self._lock:
            last = self._last.get(session_id)
            if last is None:  # forgotten meanwhile (the session ended or was erased)
                return
            last.scheduled, last.sent_at = False, self._clock()
        with app.app_context():
            try:
                last.rows = send(session_id)
            finally:
                db.session.remove()

    def forget(self, session_id: int) -> None:
        with self._lock:
            self._last.pop(session_id, None)


ROSTER_PACE = RosterPace()
