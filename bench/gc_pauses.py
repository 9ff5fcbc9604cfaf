"""Garbage-collection pauses while a 300-person go-around moves on, CPython's defaults vs core/gc_tuning.

    .venv-dev/bin/python bench/gc_pauses.py [--members 300] [--commands 400] [--repeats 2]

Each configuration runs in a fresh child process that first builds the app as the server does
(create_app: the activity library, templates, models; a realistic start-up heap), holds 300 long-lived
connection records, then repeats the CPU work of one broadcast `--commands` times: the round engine
moves to the next speaker, every member's view and the facilitators' view are built and JSON-encoded
(what core/live/fanout.broadcast does, without the sockets). It records the wall time of every broadcast and
of every collection (gc.callbacks). Configurations alternate (default, tuned, default, tuned, ...) so
that both see the same machine; the ratio is tuned / default of the same repeat.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(members: int, commands: int, tuned: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="sb-gc-")
    os.environ.update({"SECRET_KEY": "bench-secret-key-not-for-production-0123456789", "SB_ASYNC_MODE": "threading",
                       "DATABASE_URL": f"sqlite:///{tmp}/gc.db", "SB_INSTANCE_DIR": tmp})
    from activities import engine
    from activities.library import load_library
    from core import create_app, gc_tuning

    app = create_app()  # noqa: F841  (the start-up heap the server carries)
    connections = [{"sid": f"s{i:06d}", "session": 1, "role": "participant", "presence": "here",
                    "seen": [time.time()] * 4, "rooms": {f"p{i}", "s1"}} for i in range(members)]
    activity = load_library().get("go-around")
    people = [{"id": f"p{i}", "name": f"Member {i}", "in_room": False} for i in range(members)]
    fac = {"role": "facilitator", "id": "f1"}
    state = engine.start(activity, people, 1000.0, 7)
    state, _ = engine.apply(state, {"type": "start", "actor": fac}, 1000.0)
    if tuned:
        gc_tuning.tune({})
    ids = [p["id"] for p in people]
    times: list[float] = []
    with gc_tuning.PauseMeter() as meter:
        for i in range(commands):
            t0 = time.perf_counter()
            try:
                state, _ = engine.apply(state, {"type": "next", "actor": fac}, 1001.0 + i)
            except engine.Rejected:  # everyone has had a turn: start again
                state, _ = engine.apply(state, {"type": "start", "actor": fac}, 1001.0 + i)
            views = engine.participant_views(state, ids)
            encoded = [json.dumps(v, separators=(",", ":")) for v in views.values()]
            encoded.append(json.dumps(engine.facilitator_view(state), separators=(",", ":")))
            times.append(time.perf_counter() - t0)
    del connections, encoded
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    return {"times": times, "pauses": meter.pauses}


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=300)
    ap.add_argument("--commands", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--child", choices=("default", "tuned"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.members, args.commands, args.child == "tuned")))
        return 0
    print(f"{args.members} members, {args.commands} broadcasts per run, {args.repeats} repeats, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'repeat':>6} {'config':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'gen0':>6} {'gen1':>6} {'gen2':>6}"
          f" {'gen2 max ms':>12} {'gc total ms':>12}")
    rows = {}
    for r in range(1, args.repeats + 1):
        for config in ("default", "tuned"):
            out = subprocess.run([sys.executable, __file__, "--child", config, "--members", str(args.members),
                                  "--commands", str(args.commands)], capture_output=True, text=True, check=True)
            data = json.loads(out.stdout.strip().splitlines()[-1])
            t = [x * 1000 for x in data["times"]]
            p = {int(k): [x * 1000 for x in v] for k, v in data["pauses"].items()}
            total = sum(sum(v) for v in p.values())
            rows[(r, config)] = (statistics.median(t), pct(t, 99), max(t), total, max(p[2] or [0]))
            print(f"{r:>6} {config:>8} {statistics.median(t):8.2f} {pct(t, 99):8.2f} {max(t):8.2f} {len(p[0]):6d}"
                  f" {len(p[1]):6d} {len(p[2]):6d} {max(p[2] or [0]):12.2f} {total:12.1f}")
        d, tu = rows[(r, "default")], rows[(r, "tuned")]
        print(f"{r:>6} {'ratio':>8} {tu[0] / d[0]:8.2f} {tu[1] / d[1]:8.2f} {tu[2] / d[2]:8.2f} {'':>6} {'':>6} {'':>6}"
              f" {(tu[4] / d[4] if d[4] else 0):12.2f} {(tu[3] / d[3] if d[3] else 0):12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
