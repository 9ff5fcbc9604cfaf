"""Rate limits. Attempts that guard secrets (login, join codes) are counted in the database so every
process sees the same count; socket event floods are cut per connection in memory."""
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
    """Count one failed attempt (a wrong password, a wrong code). Successes are never counted."""
    now = utcnow()
    with db.transaction() as s:
        s.execute(delete(RateHit).where(RateHit.at < now - timedelta(days=1)))
        s.add(RateHit(key_hash=token_hash(key), at=now))


class TokenBucket:
    """Per-connection event budget: `rate` events a second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
