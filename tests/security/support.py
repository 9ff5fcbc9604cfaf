"""Helpers for the security tests.

- `LiveServer`: the real server (gunicorn + gevent, as in production and tests/e2e/conftest.py) on a free
  port with this test's own SQLite database, which can be SIGKILLed and restarted on the same port and
  database; participants and facilitators talk to it over HTTP (`requests`) and Socket.IO
  (`socketio.Client`, long-polling) exactly as a browser would.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from core.extensions import db

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "a calm long password"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def plan_items(app, gs, slugs: list[str]) -> list[dict]:
    from activities import plan
    from core import catalogue
    from core.models import GroupSession

    with app.app_context():
        session = db.session.get(GroupSession, gs.id)
        return [plan.entry(slug, catalogue.resolve(session.group_id, slug), 5) for slug in slugs]


def set_plan(app, gs, slugs: list[str]) -> None:
    from core import live
    from core.models import GroupSession

    items = plan_items(app, gs, slugs)
    with app.app_context():
        assert live.system(db.session.get(GroupSession, gs.id), {"type": "plan_set", "items": items})["ok"]


# ---- the real server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """gunicorn -c gunicorn.conf.py (gevent, one worker) on a fixed port and database; `kill()` is a SIGKILL
    of master and worker."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, "SB_INSTANCE_DIR": str(tmp),
                    "SECRET_KEY": "security-test-secret-not-for-production", "SB_PUBLIC_URL": self.url, "SB_ASYNC_MODE": "gevent",
                    "SB_PURGE_SCHEDULER": "0"}
        self.env.pop("SB_TEST_DATABASE_URL", None)
        self.log_path = tmp / "server.log"
        self.log = open(self.log_path, "a")  # noqa: SIM115  (closed in stop)
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 30) -> float:
        """Start and wait until it answers HTTP; returns the seconds it took."""
        began = time.monotonic()
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "--graceful-timeout", "1",
             "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1
        import requests

        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app server exited; see {self.log_path}")
            try:
                requests.get(self.url + "/", timeout=1)
                return time.monotonic() - began
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError(f"the app server did not start; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the whole process group (master and worker): nothing gets to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.flush()

    def close(self) -> None:
        self.stop()
        self.log.close()

    # python-engineio logs a client that keeps polling a session the server already closed (say, just
    # after a removal or a restart) once per process at ERROR; that is the client's mistake, not ours.
    BENIGN = re.compile(r"engineio\.server: '(Session is disconnected|Invalid session)'")

    def errors(self) -> list[str]:
        self.log.flush()
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if ("Traceback" in line or " ERROR " in line) and not self.BENIGN.search(line)]

    # ---- browsers without a browser ----------------------------------------------------------

    def http(self):
        import requests

        s = requests.Session()
        s.headers["User-Agent"] = "secure-base-security-tests"
        return s

    @staticmethod
    def csrf(html: str) -> str:
        m = CSRF.search(html)
        assert m, "no csrf token on the page"
        return m.group(1)

    def login(self, email: str, password: str = PASSWORD):
        s = self.http()
        token = self.csrf(s.get(self.url + "/login", timeout=10).text)
        r = s.post(self.url + "/login", data={"csrf_token": token, "email": email, "password": password},
                   timeout=10, allow_redirects=False)
        assert r.status_code == 302, r.text[:500]
        return s

    def join(self, join_token: str, name: str, http=None):
        """Link -> name -> agreements, as a phone would; returns the HTTP session holding the cookie."""
        s = http or self.http()
        page = s.get(f"{self.url}/j/{join_token}", timeout=10)
        assert page.status_code == 200 and "/name" in page.url, (page.status_code, page.url)
        page = s.post(page.url, data={"csrf_token": self.csrf(page.text), "name": name}, timeout=10)
        assert page.status_code == 200 and "/agreements" in page.url, (page.status_code, page.url)
        page = s.post(page.url, data={"csrf_token": self.csrf(page.text), "agree": "y"}, timeout=10)
        assert page.status_code == 200, (page.status_code, page.url)
        return s

    def socket(self, http, public_id: str, role: str, *, reconnection: bool = False, via: str | None = None,
               **auth):
        """A connected socketio.Client (long-polling, the cookies of `http`) recording what it receives;
        `via` is another base URL to connect through (a FlakyLink)."""
        import socketio

        client = socketio.Client(http_session=http, reconnection=reconnection, reconnection_delay=0.2,
                                 reconnection_delay_max=0.5, randomization_factor=0.1, request_timeout=5)
        client.received = []  # (event, data, monotonic time)
        client.lock = threading.Lock()

        @client.on("*")
        def _any(event, data=None):
            with client.lock:
                client.received.append((event, data, time.monotonic()))

        client.connect(via or self.url, auth={"session": public_id, "as": role, **auth}, transports=["polling"],
                       wait_timeout=10)
        return client


def seed(app, *, auto_admit: bool = True, plan: list[str] | None = None, title: str = "Week 1"):
    """A facilitator (email, password), a group and a session, written straight to the database."""
    from core.models import Facilitator
    from facilitator import sessions as ops
    from facilitator.accounts import create_account

    with app.app_context():
        f = create_account("Robin", "robin@example.org", PASSWORD)
        g = ops.create_group(db.session.get(Facilitator, f.id), "Tuesday group", "", "", 30)
        gs = ops.create_session(g, title, None, "", auto_admit, db.session.get(Facilitator, f.id))
    if plan:
        set_plan(app, gs, plan)
    return {"email": "robin@example.org", "facilitator_id": f.id, "group_id": g.id, "gs": gs}


class FlakyLink:
    """A TCP forwarder in front of the server: `cut()` drops every open connection and refuses new ones
    (a phone losing its network), `restore()` lets connections through again."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.blocked = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            if self.blocked:
                downstream.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                downstream.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open += [downstream, upstream]
            for a, b in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.blocked = True
        with self.lock:
            sockets, self.open = self.open, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def restore(self) -> None:
        self.blocked = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
