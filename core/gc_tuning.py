"""Garbage collection in the serving process: the start-up heap frozen, young collections rarer.

A live command builds hundreds of small dicts (one view per member), so CPython's default thresholds
(700, 10, 10) run a young collection every few hundred allocations and, every so often, a full one that
walks every object the process holds: the app's modules, the activity library, the templates and every
connection. While it runs, no socket moves. Two changes, both standard for long-running servers:

- `gc.freeze()` after start-up moves everything alive then (tens of thousands of long-lived objects) into
  a permanent generation that collections never walk again.
- A higher young threshold (`THRESHOLDS`) so that one broadcast's short-lived views are mostly freed by
  reference counting before a collection sees them; the older generations keep CPython's ratios.

`SB_GC_TUNING=0` keeps CPython's defaults (bench/gc_pauses.py measures both in one run).
"""
from __future__ import annotations

import gc
import os
import time

THRESHOLDS = (20_000, 10, 10)


def tune(environ: dict | None = None) -> bool:
    """Freeze what start-up made and raise the young threshold; returns whether it did."""
    env = os.environ if environ is None else environ
    if env.get("SB_GC_TUNING", "1").strip() == "0":
        return False
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    return True


class PauseMeter:
    """Wall time of every collection, per generation, while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)

    def __enter__(self) -> PauseMeter:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._callback)
