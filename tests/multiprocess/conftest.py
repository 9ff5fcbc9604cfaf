"""Two app processes sharing PostgreSQL and a Redis message queue, behind nginx with the sample config.

Runs only in the PostgreSQL pass of `make test` (SB_TEST_DATABASE_URL set; the SQLite pass skips it,
so it runs once), with its own database `secure_base_mp` on the test server (created here, dropped
at the end), so the suite's own database is never touched. Everything is started on 127.0.0.1 free
ports and stopped by pid at the end: app processes A and B exactly as `make serve` runs them
(gunicorn -c gunicorn.conf.py, REDIS_URL set, SB_BEHIND_PROXY=1), and Debian's
nginx with deploy/nginx.conf rewritten only for its ports (bench/_common.render_nginx).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench import _common as c

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "secure_base_mp"
EMAIL, PASSWORD = "mp-fac@example.org", "a calm long password"
UA = "secure-base-multiprocess-test/1"  # Flask-Login's strong protection: login and sockets share it


def why_skip() -> str | None:
    if not os.environ.get("SB_TEST_DATABASE_URL"):
        return "multi-process test runs once, in the PostgreSQL pass of make test (SB_TEST_DATABASE_URL unset)"
    if not os.environ.get("SB_TEST_POSTGRES_URL") or not os.environ.get("SB_TEST_REDIS_URL"):
        return "needs SB_TEST_POSTGRES_URL and SB_TEST_REDIS_URL (scripts/test.sh exports them)"
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return "needs nginx (Debian package nginx: bash scripts/system-deps.sh)"
    return None


class Cluster:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        base = os.environ["SB_TEST_POSTGRES_URL"]
        self.admin_url = base.replace("+psycopg", "")
        self.db_url = base.rsplit("/", 1)[0] + "/" + DB_NAME
        self.ports = {"a": c.free_port(), "b": c.free_port(), "nginx": c.free_port()}
        self.url = {k: f"http://127.0.0.1:{p}" for k, p in self.ports.items()}
        self.env = c.app_env(self.db_url, tmp, redis_url=os.environ["SB_TEST_REDIS_URL"])
        # Behind a proxy the public address is configured (doctor requires it); links never come from
        # a request's Host or X-Forwarded-Host.
        self.env.update({"SECRET_KEY": "multi-process-test-secret-not-for-production", "SB_BEHIND_PROXY": "1",
                         "SB_PUBLIC_URL": "https://groups.example.org"})
        self.procs: list[c.Proc] = []

    def flask(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def start(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}" ENCODING \'UTF8\' TEMPLATE template0')
        self.flask("db", "upgrade")
        self.flask("create-facilitator", "--name", "Mo", "--email", EMAIL, "--password", PASSWORD)
        for name in ("a", "b"):
            self.procs.append(c.start_app(self.ports[name], self.env, self.tmp, name=name))
        self.procs.append(c.start_nginx(self.tmp, self.ports["nginx"], [self.ports["a"], self.ports["b"]]))

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cl = Cluster(tmp_path_factory.mktemp("mp"))
    try:
        cl.start()
        yield cl
    finally:
        cl.stop()
    for name in ("a", "b"):
        errors = [ln for ln in cl.log(name).splitlines() if "Traceback" in ln or " ERROR " in ln]
        assert not errors, f"process {name} logged errors: {errors[:5]}"


# ---- HTTP and Socket.IO clients ----------------------------------------------------------------


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


class Browser:
    """requests with a cookie jar and one User-Agent: a person's browser, on one base URL."""

    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.headers["User-Agent"] = UA

    def get(self, path: str, **kw):
        return self.http.get(self.base + path, timeout=30, **kw)

    def submit(self, page: str, action: str, data: dict, expect: int = 302):
        token = csrf(self.get(page).text)
        r = self.http.post(self.base + action, data={"csrf_token": token, **data}, allow_redirects=False,
                           timeout=30)
        assert r.status_code == expect, (action, r.status_code, r.text[:500])
        return r

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())


class Sock:
    """A python-socketio Client that keeps what it receives, with waits for it."""

    def __init__(self, origin: str | None = None) -> None:
        import socketio

        # websocket-client sends an Origin of its own (http://host:port of the URL); a browser behind
        # the proxy would send the public origin instead.
        extra = {"websocket_extra_options": {"origin": origin}} if origin else {}
        self.sio = socketio.Client(reconnection=False, **extra)
        self.events: list[tuple[str, object]] = []
        self.cond = threading.Condition()
        self.sio.on("*", self._any)
        self.sio.on("disconnect", self._disconnected)

    def _any(self, event, data=None):
        with self.cond:
            self.events.append((event, data))
            self.cond.notify_all()

    def _disconnected(self, reason=None):
        with self.cond:
            self.events.append(("disconnect", reason))
            self.cond.notify_all()

    def connect(self, base: str, browser: Browser, auth: dict, headers: dict | None = None) -> Sock:
        self.sio.connect(base, headers={"User-Agent": UA, "Cookie": browser.cookie_header(), **(headers or {})},
                         auth=auth, wait_timeout=10)
        return self

    def mark(self) -> int:
        """How many events have arrived so far: `wait(..., after=mark)` then looks only at newer ones."""
        with self.cond:
            return len(self.events)

    def wait(self, event: str, check=lambda data: True, timeout: float = 10.0, after: int = 0):
        """The first received `event` (oldest first, from the `after`-th on) whose data passes `check`."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for name, data in self.events[after:]:
                    if name == event and check(data):
                        return data
                left = deadline - time.time()
                if left <= 0:
                    seen = [n for n, _ in self.events][-15:]
                    raise AssertionError(f"no {event!r} matching within {timeout} s; last events: {seen}")
                self.cond.wait(left)

    def call(self, event: str, data=None):
        return self.sio.call(event, data if data is not None else {}, timeout=10)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
