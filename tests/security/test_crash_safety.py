"""Crash safety on the real server: three participants submit check-in answers with idempotency keys
and retry each until it is acknowledged, while the test SIGKILLs the server (master and worker) five
times at random moments and restarts it on the same port and database. Afterwards the database must
hold every acknowledged submission exactly once:

- each acknowledged key has its receipt, carrying the very ack the client got;
- the state's version went up by exactly one per acknowledged submission, and the versions the
  acks name are exactly those steps (a command applied twice, or applied without its receipt,
  would leave a version no ack accounts for; a lost one would name a version that is not there);
- each participant's answers in the final state are their last acknowledged submission.
"""
from __future__ import annotations

import os
import random
import threading
import time

import pytest
import socketio

from core.extensions import db
from core.models import CommandReceipt, LiveState, Participant
from tests.security.support import seed

# A real gunicorn server (LiveServer): not in make test-fast.
pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

KILLS = 5
ENOUGH = 100  # acknowledged submissions, across the kills, before the counts mean anything
PARTICIPANTS = ("Anwen", "Bruno", "Chidi")
PACE = 0.12  # seconds between one participant's submissions (inside the per-connection budget)


class Submitter(threading.Thread):
    """One participant: submit answer after answer, each with its own key, retrying until acked."""

    def __init__(self, index: int, client, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.index, self.client, self.stop = index, client, stop
        self.acked: list[dict] = []  # {"key", "seq", "ack", "answers"}
        self.retries = 0
        self.failures: list[dict] = []

    def answers(self, seq: int) -> dict:
        return {"feeling": {"word": f"calm{self.index}x{seq}", "family": None}, "intensity": seq % 7,
                "need": f"marker-{self.index}-{seq}"}

    def run(self) -> None:
        seq = 0
        while not self.stop.is_set():
            key = f"crash-{self.index}-{seq}-{os.urandom(4).hex()}"
            answers = self.answers(seq)
            payload = {"type": "activity", "action": "submit", "key": key, "args": {"answers": answers}}
            while True:
                try:
                    ack = self.client.call("command", payload, timeout=2)
                except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                        socketio.exceptions.DisconnectedError):
                    self.retries += 1
                    time.sleep(0.1)
                    continue
                if ack.get("ok"):
                    self.acked.append({"key": key, "seq": seq, "ack": ack, "answers": answers})
                    break
                if "Too many" in ack.get("error", ""):
                    time.sleep(0.3)
                    continue
                self.failures.append(ack)
                break
            seq += 1
            time.sleep(PACE)


def test_every_acknowledged_answer_is_kept_exactly_once(served):
    app, server = served
    s = seed(app, plan=["check-in"])
    gs = s["gs"]
    began = time.monotonic()
    startups = [server.start()]
    fac = server.socket(server.login(s["email"]), gs.public_id, "facilitator", reconnection=True)
    clients = [server.socket(server.join(gs.join_token, name), gs.public_id, "participant", reconnection=True)
               for name in PARTICIPANTS]
    assert fac.call("command", {"type": "plan_next", "key": "start-the-check-in"}, timeout=5)["ok"]
    with app.app_context():
        v0 = db.session.get(LiveState, gs.id).version
        member_of = {p.display_name: p.engine_id for p in db.session.query(Participant).filter_by(session_id=gs.id)}

    stop = threading.Event()
    workers = [Submitter(i, c, stop) for i, c in enumerate(clients)]
    for w in workers:
        w.start()
    seed_value = random.getrandbits(32)  # from the run's seed (tests/conftest.py): SB_TEST_SEED reproduces it
    rng = random.Random(seed_value)
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.8, 2.5))
        server.kill()
        time.sleep(rng.uniform(0.0, 0.5))
        startups.append(server.start())
    # After the last restart, let the submissions go on until enough have been acknowledged to prove
    # something (a slow machine spends most of the kill loop restarting), within a bound.
    time.sleep(1.5)
    settle = time.monotonic() + 45
    while sum(len(w.acked) for w in workers) < ENOUGH and time.monotonic() < settle:
        time.sleep(0.2)
    stop.set()
    for w in workers:
        w.join(timeout=30)
        assert not w.is_alive(), "a participant could not get an acknowledgement after the last restart"

    with app.app_context():
        row = db.session.get(LiveState, gs.id)
        db.session.refresh(row)
        vfinal, state = row.version, row.state
        receipts = {r.key: r.ack for r in db.session.query(CommandReceipt).filter_by(session_id=gs.id)}

    acked = [a for w in workers for a in w.acked]
    versions = sorted(a["ack"]["version"] for a in acked)
    steps = set(range(v0 + 1, vfinal + 1))
    lost = [a["key"] for a in acked if receipts.get(a["key"]) != a["ack"] or a["ack"]["version"] not in steps]
    unaccounted = len(steps - set(versions))  # state changes no acknowledged submission explains
    duplicated = unaccounted + (len(versions) - len(set(versions)))
    wrong_final = []
    for w in workers:
        member = member_of[PARTICIPANTS[w.index]]
        if w.acked and state["activity"]["answers"].get(member) != w.acked[-1]["answers"]:
            wrong_final.append(member)
    retries = sum(w.retries for w in workers)
    elapsed = time.monotonic() - began
    print(f"\ncrash safety: {KILLS} SIGKILLs (seed {seed_value}), restarts took "
          f"{', '.join(f'{t:.1f}' for t in startups[1:])} s, {retries} retries, {elapsed:.0f} s in all")
    print(f"crash safety: {len(lost)} lost, {duplicated} duplicated of {len(acked)} acknowledged")
    assert len(acked) >= ENOUGH, "too few submissions got through to prove anything"
    assert not any(w.failures for w in workers), [w.failures[:3] for w in workers]
    assert not lost and not duplicated and not wrong_final, (lost[:5], duplicated, wrong_final)
    assert vfinal - v0 == len(acked)

    for c in (fac, *clients):
        c.disconnect()
    server.stop()
    log = server.log_path.read_text(errors="replace")
    assert not [w for w in workers for a in w.acked if a["answers"]["need"] in log], "answer text reached the log"
    assert not server.errors(), server.errors()[:5]
