"""Rate limits. Attempts that guard secrets (login, join codes) are counted in the database so every
process sees the same count; socket event floods are cut per connection in memory."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import delete, func, select

from core.extensions import db
from core.models import RateHit, utcnow
from core.security import token_hash


def attempt(key: str, limit: int, window: timedelta) -> bool:
    """Count one attempt under `key`; False when more than `limit` happened within `window`."""
    h = token_hash(key)
    now = utcnow()
    with db.transaction() as s:
        s.execute(delete(RateHit).where(RateHit.at < now - timedelta(days=1)))
        count = s.execute(
            select(func.count()).select_from(RateHit).where(RateHit.key_hash == h, RateHit.at >= now - window)
        ).scalar_one()
        if count >= limit:
            return False
        s.add(RateHit(key_hash=h, at=now))
    return True


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
