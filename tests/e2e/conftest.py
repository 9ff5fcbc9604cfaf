"""Real-browser fixtures: the app served by gunicorn+gevent (as in production) on a free port with its
own database, and headless Debian Chromium driven by Playwright. Screenshots go to test-output/e2e/."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "e2e"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--no-sandbox"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}", "SB_INSTANCE_DIR": str(tmp),
                    "SECRET_KEY": "e2e-secret-key-not-for-production-0123", "SB_PUBLIC_URL": self.url, "SB_ASYNC_MODE": "gevent"}
        self.env.pop("SB_TEST_DATABASE_URL", None)
        self.log = open(tmp / "server.log", "w")  # noqa: SIM115  (closed in stop)
        self.proc: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=60, check=True)
        return out.stdout

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        # The server settings of every deployment (gunicorn.conf.py), on this test's port.
        self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"),
                                      "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                                     cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the app server did not start; see server.log")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def setup_link(self) -> str:
        for word in self.flask("setup-link").split():
            if "/setup/" in word:
                return word
        raise AssertionError("no setup link printed")


def open_first_console(page, server, group: str, title: str) -> None:
    """The first facilitator of this server (its one setup link): account, a group, a session, its console."""
    page.goto(server.setup_link())
    page.fill("#name", "Robin")
    page.fill("#email", "robin@example.org")
    page.fill("#password", "a calm long password")
    page.fill("#confirm", "a calm long password")
    page.click("button[type=submit]")
    page.fill("#name", group)
    page.click("text=Create group")
    page.fill("#title", title)
    page.click("text=Create session and open console")
    page.wait_for_selector("#conn:has-text('connected')")


def plan_from_console(page, titles) -> None:
    """From the console: the plan builder, each library activity added in turn (its flash awaited), then
    back to the console."""
    console = page.url
    page.click("#plan-panel a:has-text('Edit the plan')")
    for title in titles:
        page.click(f"button:has-text('Add {title}')")
        page.wait_for_selector(f".flash:has-text('{title}')")
    page.goto(console)


def enter_by_link(page, link: str, name: str):
    """A participant's way in on an open page: the link, a name, the agreements, then the waiting room."""
    page.goto(link)
    page.fill("#name", name)
    page.click("text=Next")
    page.check("#agree")
    page.click("text=Join the session")
    page.wait_for_selector("#waiting:not([hidden])")
    return page


def _served(tmp: Path):
    srv = Server(tmp)
    srv.flask("db", "upgrade")
    srv.start()
    yield srv
    srv.stop()
    errors = [line for line in Path(srv.log.name).read_text().splitlines() if "Traceback" in line or " ERROR " in line]
    assert not errors, f"server logged errors: {errors[:5]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server per test module: its tests share the first facilitator's account."""
    yield from _served(tmp_path_factory.mktemp("e2e"))


@pytest.fixture
def own_server(tmp_path_factory):
    """A server for this test alone, for a test that begins with the server's one setup link
    (open_first_console) in a module of several such tests."""
    yield from _served(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture(scope="module")
def audit():
    """axe-core on the current page: fail with the rule ids and targets of any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    audited: list[str] = []

    def check(page, label: str) -> None:
        result = axe.run(page)
        audited.append(label)
        violations = result.response["violations"]
        detail = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert not violations, f"accessibility violations on {label}: {detail}"

    yield check
    print(f"\naxe-core audited {len(audited)} page states, 0 violations")
