"""The live state this process wrote last, per session, so that the next command does not read it back.

At 300 members the state document is tens of kilobytes; reading and decoding it on every command cost
a database round trip and a decode. The database stays the truth: a command built on a held state is
written with the same version check as any other (core/live/hub.py ``_write``), so when another process
wrote in between (or the row is gone: purged, the session deleted), the write finds no row at that
version, the held state is dropped and the command runs again on what the database holds.

What is held is only what this process has already written, for the most recent sessions, and only
for a short while: the state carries members' words, so it is dropped after ``HOLD_S`` seconds without
a command, when the retention purge or an erasure of the session removes the row (core/retention.py),
and least recently used first past ``KEEP_SESSIONS``. Holders never change it (a command changes a
copy: activities/engine.py ``copy_state``).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

KEEP_SESSIONS = 256
HOLD_S = 15 * 60  # a session quiet for this long is read from the database again


@dataclass(frozen=True)
class Held:
    public_id: str  # a session's row id can be reused by a later session (SQLite, the tests' databases)
    version: int
    state: dict
    at: float


class HeldStates:
    def __init__(self, size: int = KEEP_SESSIONS, hold_s: float = HOLD_S, clock=time.monotonic) -> None:
        self._size, self._hold_s, self._clock = size, hold_s, clock
        self._lock, self._held = threading.Lock(), OrderedDict()

    def get(self, session_id: int, public_id: str) -> tuple[dict, int] | None:
        """(state, version) this process wrote last for the session, or None (read the database)."""
        with self._lock:
            held = self._held.get(session_id)
            if held is None:
                return None
            if held.public_id != public_id or self._clock() - held.at > self._hold_s:
                del self._held[session_id]
                return None
            return held.state, held.version

    def put(self, session_id: int, public_id: str, version: int, state: dict) -> None:
        """Hold the state just committed at ``version`` (a later version already held is kept)."""
        now = self._clock()
        with self._lock:
            known = self._held.get(session_id)
            if known is not None and known.public_id == public_id and known.version > version:
                return
            self._held[session_id] = Held(public_id, version, state, now)
            self._held.move_to_end(session_id)
            while self._held and (len(self._held) > self._size
                                  or now - next(iter(self._held.values())).at > self._hold_s):
                self._held.popitem(last=False)

    def forget(self, session_id: int) -> None:
        with self._lock:
            self._held.pop(session_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)


HELD = HeldStates()
