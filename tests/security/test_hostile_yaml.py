"""Hostile activity uploads on the real server (gunicorn, one gevent worker, as in production): while a
facilitator keeps uploading deeply nested and very wide YAML files (each a few KB to 190 KB), every
other request is served as usual: /healthz answers, and a live session's commands are acknowledged and
reach its participant. Every hostile upload gets a 400 naming the bound; nothing is stored; the worker
is never restarted and logs no traceback.

Before the bounded reader, one depth-6,000 file held the event loop for seconds (then a 500), and a
deeper one got the worker killed, disconnecting every group on the process.

Figure: "hostile yaml: ..." (.venv/bin/pytest tests/security/test_hostile_yaml.py -s).
"""
from __future__ import annotations

import statistics
import threading
import time

import pytest

from activities.yaml_reader import MAX_DEPTH, MAX_NODES
from core.activity_models import CustomActivity
from core.extensions import db
from tests.security.support import seed

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

SLOW = 2.0  # seconds: generous on a busy 2-core machine; a held event loop takes far longer
BASE = ("kind: info\ntitle: Sleep and mood\ncategory: psychoeducation\nsummary: How sleep and mood meet.\n"
        "purpose: A simple picture.\nintro: A few minutes on sleep.\nduration: 10\n"
        "steps:\n  - {minutes: 10, text: Read together}\nprompts:\n  - What helps you sleep?\n"
        "settings:\n  sections:\n    - {heading: The cycle, body: Poor sleep lowers mood.}\n")
HOSTILE = {
    "depth 6,000": (BASE + "materials: " + "[" * 6000 + "x" + "]" * 6000 + "\n", "nests deeper"),
    "depth 10,000": (BASE + "materials: " + "[" * 10_000 + "x" + "]" * 10_000 + "\n", "nests deeper"),
    "depth 95,000 (190 KB)": ("[" * 95_000 + "]" * 95_000, "nests deeper"),
    "mappings 40,000 deep": ("{a: " * 40_000 + "x" + "}" * 40_000, "nests deeper"),
    "90,000 list items": (BASE + "materials: [" + ",".join(["x"] * 90_000) + "]\n", "more than 5,000 values"),
    "billion laughs": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       + BASE, "anchors and aliases"),
}
UPLOADING = 4.0  # seconds: two uploaders cycle through the hostile files for this long


class Poller(threading.Thread):
    """Calls `probe` every `pace` seconds until stopped; keeps each call's seconds (or the failure)."""

    def __init__(self, probe, pace: float) -> None:
        super().__init__(daemon=True)
        self.probe, self.pace = probe, pace
        self.times: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            began = time.monotonic()
            try:
                problem = self.probe()
            except Exception as exc:  # a timeout or a dropped connection: exactly what we look for
                problem = f"{type(exc).__name__}: {exc}"
            took = time.monotonic() - began
            self.times.append(took)
            if problem or took > SLOW:
                self.failures.append(problem or f"took {took:.1f} s")
            self.stop.wait(self.pace)


def test_hostile_uploads_are_refused_while_everyone_else_is_served(served):
    app, server = served
    s = seed(app, plan=["check-in"])
    gs = s["gs"]
    server.start()
    fac = server.socket(server.login(s["email"]), gs.public_id, "facilitator")
    ana = server.socket(server.join(gs.join_token, "Anwen"), gs.public_id, "participant")
    health_http = server.http()

    def health() -> str | None:
        r = health_http.get(server.url + "/healthz", timeout=SLOW * 5)
        return None if r.status_code == 200 else f"HTTP {r.status_code}"

    sent: list[str] = []

    def command() -> str | None:
        text = f"message {len(sent)}"
        sent.append(text)
        ack = fac.call("command", {"type": "set_message", "text": text}, timeout=SLOW * 5)
        return None if ack.get("ok") else f"ack {ack}"

    refused: list[tuple[str, int, bool]] = []

    def uploader() -> None:
        http = server.login(s["email"])
        token = server.csrf(http.get(f"{server.url}/groups/{s['group_id']}/activities/new", timeout=10).text)
        until = time.monotonic() + UPLOADING
        while time.monotonic() < until:
            for name, (text, words) in HOSTILE.items():
                try:
                    r = http.post(f"{server.url}/groups/{s['group_id']}/activities/upload",
                                  data={"csrf_token": token}, files={"file": ("a.yaml", text.encode())}, timeout=60)
                except Exception:  # the worker was killed under it (before the fix)
                    refused.append((name, 0, False))
                    continue
                refused.append((name, r.status_code, words in r.text))

    pollers = [Poller(health, 0.05), Poller(command, 0.25)]
    for p in pollers:
        p.start()
    time.sleep(0.5)  # a baseline before the first upload
    began = time.monotonic()
    uploaders = [threading.Thread(target=uploader, daemon=True) for _ in range(2)]
    for u in uploaders:
        u.start()
    for u in uploaders:
        u.join(timeout=200)
    uploading = time.monotonic() - began
    time.sleep(0.5)
    for p in pollers:
        p.stop.set()
        p.join(timeout=30)
    time.sleep(0.5)  # the last view reaches the participant

    health_poll, command_poll = pollers
    received = {d["frame"]["message"] for e, d, _ in ana.received if e == "shared" and d.get("frame")}
    missed = [text for text in sent[:-1] if text not in received]
    with app.app_context():
        stored = db.session.query(CustomActivity).count()
    boots = server.log_path.read_text(errors="replace").count("Booting worker")

    def ms(times: list[float]) -> str:
        return f"p50 {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"

    print(f"\nhostile yaml: {len(refused)} hostile uploads ({', '.join(HOSTILE)}; bounds: depth {MAX_DEPTH}, "
          f"{MAX_NODES:,} nodes) in {uploading:.1f} s: {sum(code == 400 and ok for _, code, ok in refused)} "
          f"refused with the bound named; meanwhile /healthz {len(health_poll.times)} requests "
          f"({ms(health_poll.times)}), live commands {len(command_poll.times)} acknowledged "
          f"({ms(command_poll.times)}), {len(missed)} missed by the participant; {stored} stored; "
          f"worker booted {boots} time(s)")
    assert not health_poll.failures, health_poll.failures[:5]
    assert not command_poll.failures, command_poll.failures[:5]
    assert not missed, missed[:5]
    assert not any(u.is_alive() for u in uploaders), "an upload did not get an answer"
    assert all(code == 400 and ok for _, code, ok in refused), [r for r in refused if r[1] != 400 or not r[2]][:5]
    assert stored == 0 and boots == 1
    assert not server.errors(), server.errors()[:5]
