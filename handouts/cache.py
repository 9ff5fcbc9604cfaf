"""Recently made PDFs, in memory: a repeated download of unchanged content costs no render.

Keyed by a SHA-256 of the paper and the exact HTML the PDF is made from, so any change in the content
(a new answer, an edited plan) is a different key. Bounded by total bytes (least recently used go
first) and by age (a short TTL). Entries are tagged with their session and group so that erasing or
purging them can drop their PDFs at once (`forget`, `forget_group`). One cache per app, so one per
serving process; a purge run from the command line cannot reach it, which is why the TTL is short.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class _Entry:
    pdf: bytes
    expires: float
    session_id: int | None
    group_id: int | None


class PdfCache:
    def __init__(self) -> None:
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(html: str, paper: str) -> str:
        return hashlib.sha256(f"{paper}\0{html}".encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            if entry.expires <= time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return entry.pdf

    def put(self, key: str, pdf: bytes, *, max_bytes: int, ttl: float, session_id: int | None = None,
            group_id: int | None = None) -> None:
        if len(pdf) > max_bytes or ttl <= 0:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = _Entry(pdf, time.monotonic() + ttl, session_id, group_id)
            self._bytes += len(pdf)
            now = time.monotonic()
            for old in [k for k, e in self._items.items() if e.expires <= now]:
                self._drop(old)
            while self._bytes > max_bytes:
                self._drop(next(iter(self._items)))

    def forget(self, *, session_id: int | None = None, group_id: int | None = None) -> int:
        """Drop every PDF of this session (or of every session of this group); returns how many."""
        with self._lock:
            gone = [k for k, e in self._items.items()
                    if (session_id is not None and e.session_id == session_id)
                    or (group_id is not None and e.group_id == group_id)]
            for key in gone:
                self._drop(key)
            return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        self._bytes -= len(self._items.pop(key).pdf)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


def cache(app: Flask | None = None) -> PdfCache:
    """The app's PDF cache (made on first use)."""
    extensions = (app or current_app).extensions
    if "handout_pdfs" not in extensions:
        extensions["handout_pdfs"] = PdfCache()
    return extensions["handout_pdfs"]


def forget(session_id: int) -> int:
    """Drop this app's cached PDFs of a session (call when it is erased or purged); returns how many."""
    return cache().forget(session_id=session_id)


def forget_group(group_id: int) -> int:
    """Drop this app's cached PDFs of every session and handout of a group (call when it is erased)."""
    return cache().forget(group_id=group_id)
