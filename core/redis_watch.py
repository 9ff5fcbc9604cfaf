"""Is the Socket.IO message queue reachable? One watcher per process, used by /readyz and the log.

When Redis goes away, python-socketio's queue logs an error on every retry (once a second at first,
then every minute, in every process) and reconnects by itself when Redis is back. Those retry lines
are dropped here (`QueueRetryFilter`); instead the watcher logs one line when an outage starts and
one when it ends, whoever notices first (the readiness probe, or the background check every
CHECK_SECONDS in a serving process).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time

import redis

log = logging.getLogger(__name__)
CHECK_SECONDS = 10
RETRY_MESSAGES = ("Cannot receive from redis", "Cannot publish to redis")


class RedisWatch:
    def __init__(self, url: str, timeout: float = 1.0) -> None:
        self.url = url
        self._client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        self._lock = threading.Lock()
        self.down_since: float | None = None

    def where(self) -> str:
        """Host and port only: a Redis URL may carry a password."""
        kwargs = self._client.connection_pool.connection_kwargs
        return kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"

    def check(self) -> bool:
        try:
            ok = bool(self._client.ping())
        except (redis.RedisError, OSError):
            ok = False
        self.observe(ok)
        return ok

    def observe(self, ok: bool) -> None:
        """Record one check; log only the changes (outage began / outage over)."""
        with self._lock:
            if not ok and self.down_since is None:
                self.down_since = time.monotonic()
                log.error("Redis at %s is unreachable: live updates between processes are held back "
                          "until it is back (logged once per outage)", self.where())
            elif ok and self.down_since is not None:
                log.warning("Redis at %s is reachable again after %.0f s", self.where(),
                            time.monotonic() - self.down_since)
                self.down_since = None


class QueueRetryFilter(logging.Filter):
    """Drops the message queue's per-retry error lines: RedisWatch reports the outage once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(RETRY_MESSAGES))


def install(app) -> RedisWatch | None:
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    watch = RedisWatch(url)
    app.extensions["sb_redis_watch"] = watch
    if not app.config["TESTING"]:
        from core.extensions import socketio

        started = {"yes": False}

        @app.before_request
        def _start_once() -> None:
            if not started["yes"]:
                started["yes"] = True
                from core.doctor import secret_fingerprint

                socketio.start_background_task(_loop, watch, secret_fingerprint(app.config["SECRET_KEY"]))
    return watch


def _loop(watch: RedisWatch, fingerprint: str) -> None:
    """Check every CHECK_SECONDS; while Redis answers, say which SECRET_KEY this process signs with (as a
    fingerprint, never the key) so that `doctor` can tell processes that do not share one."""
    from core.doctor import FINGERPRINT_KEY
    from core.extensions import socketio

    name = f"{FINGERPRINT_KEY}{socket.gethostname()}:{os.getpid()}"
    while True:
        if watch.check():
            try:
                watch._client.set(name, fingerprint, ex=CHECK_SECONDS * 6)
            except (redis.RedisError, OSError):
                pass  # the next check reports the outage
        socketio.sleep(CHECK_SECONDS)
