"""Rate limits. Attempts that guard secrets (login, join codes) are counted in the database so every
process sees the same count; socket event floods are cut in memory, per connection and per person."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import delete, func, select

from core.extensions import db
from core.models import RateHit, utcnow
from core.security import token_hash


def blocked(key: str, limit: int, window: timedelta) -> bool:
    """True when `limit` failed attempts under `key` happened within `window`."""
    count = db.session.execute(
        select(func.count()).select_from(RateHit)
        .where(RateHit.key_hash == token_hash(key), RateHit.at >= utcnow() - window)
    ).scalar_one()
    return count >= limit


def failed(key: str) -> None:
    """Count one failed attempt (a wrong password, a wrong code). Successful sign-ins are never counted."""
    hit(key)


def hit(key: str) -> None:
    """Count one event under `key` (a failed attempt, a join, a used join ticket)."""
    now = utcnow()
    with db.transaction() as s:
        s.execute(delete(RateHit).where(RateHit.at < now - timedelta(days=1)))
        s.add(RateHit(key_hash=token_hash(key), at=now))


class TokenBucket:
    """An event budget per key (a connection, a person): `rate` events a second, bursts up to `burst`.

    Keys that have been quiet long enough to be full again are dropped now and then, so a bucket
    keyed by people who come and go does not grow for ever."""

    PRUNE_EVERY = 1024  # calls between sweeps of idle keys

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._calls = 0

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        self._calls += 1
        if self._calls % self.PRUNE_EVERY == 0:
            self._prune(now)
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)

    def _prune(self, now: float) -> None:
        full = [k for k, (tokens, last) in self._buckets.items() if tokens + (now - last) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
