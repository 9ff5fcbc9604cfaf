"""Live command latency while handout PDFs render: no render, renders in the event loop (the old way),
renders in the pool.

    .venv-dev/bin/python bench/render_latency.py [--seconds 20] [--gap 0.1] [--downloaders 1]

Serves the app as `make serve` does (gunicorn -c gunicorn.conf.py: gevent, one worker) on a throwaway
SQLite database holding one session whose plan is every library activity (the facilitator packet is
about 21 guides, a few seconds of WeasyPrint). A facilitator's socket sends a live command (a message
on everyone's screen) every --gap seconds and times each acknowledgement, while --downloaders other
clients of the same facilitator download that packet back to back (cache off, render budget out of the
way). Three runs:

- no render: nobody downloads;
- in the event loop: SB_PDF_WORKERS=0, the way PDFs were made before the pool;
- pool: SB_PDF_WORKERS=2 (the default), PDFs made by worker processes.

Prints p50/p99/max of the command acknowledgement latency for each, and each one's ratio to the run
without renders.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as c  # noqa: E402

SEED = r"""
import sys
from core import catalogue, create_app
from core.extensions import db
from core.models import Facilitator
from facilitator import plans, sessions as ops
from facilitator.accounts import create_account

app = create_app()
with app.app_context():
    f = create_account("Bench", sys.argv[1], sys.argv[2])
    f = db.session.get(Facilitator, f.id)
    group = ops.create_group(f, "Render bench", "", "", 30)
    gs = ops.create_session(group, "Every activity", None, "", True, f)
    for activity in catalogue.library().all():
        plans.add(gs, activity.slug)
    print(f"SEED {gs.id} {gs.public_id}")
"""


def seed(env: dict) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-c", SEED, c.EMAIL, c.PASSWORD], cwd=c.ROOT,
                         env={**env, "SB_ASYNC_MODE": "threading"}, capture_output=True, text=True, check=True)
    _tag, session_id, public_id = next(x for x in out.stdout.splitlines() if x.startswith("SEED")).split()
    return int(session_id), public_id


def one_run(url: str, session_id: int, public_id: str, seconds: float, gap: float, downloaders: int) -> dict:
    """Commands for `seconds` while `downloaders` clients download the packet; latencies in ms."""
    import requests
    import socketio

    cookie = c.login_cookie(url)
    headers = {"User-Agent": c.USER_AGENT, "Cookie": cookie}
    client = socketio.Client(reconnection=False)
    client.connect(url, headers=headers, auth={"session": public_id, "as": "facilitator"}, transports=["websocket"],
                   wait_timeout=30)
    packet = f"{url}/sessions/{session_id}/handouts/packet.pdf"
    stop = threading.Event()
    renders: list[float] = []

    def download() -> None:
        with requests.Session() as http:
            http.headers.update(headers)
            while not stop.is_set():
                t0 = time.monotonic()
                r = http.get(packet, timeout=300)
                if r.status_code == 200:
                    renders.append(time.monotonic() - t0)

    threads = [threading.Thread(target=download, daemon=True) for _ in range(downloaders)]
    for t in threads:
        t.start()
    if downloaders:
        time.sleep(2)  # the first render is under way (and the pool's worker started)
    acks, lost = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            ack = client.call("command", {"type": "set_message", "text": "Bench", "key": uuid.uuid4().hex}, timeout=60)
            if ack.get("ok"):
                acks.append((time.monotonic() - t0) * 1000)
            else:
                lost += 1
        except socketio.exceptions.TimeoutError:
            lost += 1
        time.sleep(max(0.0, gap - (time.monotonic() - t0)))
    stop.set()
    for t in threads:
        t.join(300)
    client.disconnect()
    return {"acks": acks, "lost": lost, "renders": renders}


def serve_and_measure(tmp: Path, env: dict, workers: int, label: str, args, session) -> dict:
    port = c.free_port()
    proc = c.start_app(port, {**env, "SB_PDF_WORKERS": str(workers)}, tmp, name=f"app-{label}")
    try:
        c.log(f"{label}: measuring for {args.seconds} s")
        return one_run(f"http://127.0.0.1:{port}", *session, args.seconds, args.gap,
                       0 if label == "no render" else args.downloaders)
    finally:
        proc.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20, help="seconds of commands per run")
    ap.add_argument("--gap", type=float, default=0.1, help="seconds between commands (budget: 10 a second)")
    ap.add_argument("--downloaders", type=int, default=1, help="clients downloading the packet back to back")
    args = ap.parse_args()

    print(f"machine: {c.machine()}")
    tmp = c.tmpdir("sb-render-latency-")
    env = c.app_env(f"sqlite:///{tmp / 'bench.db'}", tmp)
    env.update({"SB_PDF_CACHE_MB": "0", "SB_PDF_RENDERS_PER_MINUTE": "600"})
    c.migrate(env)
    session = seed(env)
    runs = {label: serve_and_measure(tmp, env, workers, label, args, session)
            for label, workers in (("no render", 2), ("in the event loop", 0), ("pool (2 workers)", 2))}
    base = runs["no render"]["acks"]
    rows = []
    for label, run in runs.items():
        acks = run["acks"]
        rows.append([label, len(acks), run["lost"], len(run["renders"]),
                     statistics.median(run["renders"]) if run["renders"] else float("nan"),
                     c.pct(acks, 50), c.pct(acks, 99), max(acks, default=float("nan")),
                     c.pct(acks, 50) / c.pct(base, 50), c.pct(acks, 99) / c.pct(base, 99)])
    print(f"\nLive command acknowledgement latency (ms) while a {args.downloaders}-client packet download loop runs;"
          f" one command every {args.gap} s for {args.seconds} s per run")
    print(c.table(["run", "commands", "lost", "packets", "packet s", "p50", "p99", "max", "p50 ratio", "p99 ratio"],
                  rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
