"""Fan-out in one session: N participants on real Socket.IO connections, a facilitator running the session.

    .venv-dev/bin/python bench/fanout.py [--sizes 12,50,150,300] [--commands 20] [--procs 4]
                                         [--answers 100] [--answer-rate 5]

For each N: N python-socketio AsyncClients (WebSocket, spread over --procs client processes) join one
session on the app served as `make serve` does (gunicorn -k gevent -w 1, PostgreSQL), whose plan is a
go-around, box breathing and a check-in. The facilitator (another client, in this process) issues each
command `--commands` times: the go-around's next speaker (restarting the round when everyone has had a
turn), the go-around put on and started, the breathing pacer started (after a stop, not measured), and
a room message with no activity running. Each participant records when it first sees each state
version; latency is that time minus the moment the facilitator emitted the command (one clock: the
same machine). The next command goes out once every participant has the previous one, so this is
fan-out latency, not throughput. Bytes are the JSON of every part received, over all phones.

Then members answer the check-in, --answers of them at --answer-rate per second in all (each without
waiting for the one before): the latency is from a member's emit to the facilitator's first view of
that version or a later one, and the messages are what the phones got per answer (O(1): the one
member's own part).

The floor: a bare python-socketio server (gevent, same gunicorn flags, no app logic: no database, no
views, one room) broadcasting a payload of the app's view size to the same N clients, driven the same
way. ratio = app / floor, per percentile.

Starts and stops everything it needs: PostgreSQL (scripts/services.sh, bench ports), the app, the floor.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as c  # noqa: E402

DB_NAME = "sb_bench_fanout"
PLAN = ("go-around", "box-breathing", "check-in")  # the session's plan: what the commands run
ROUND, PACER, CHECK_IN = range(3)
ANSWER = {"action": "submit", "args": {"answers": {"feeling": {"word": "calm", "family": None}, "intensity": 3}}}
APP_KINDS = ("round", "start", "pacer", "message", "answers")
LABELS = {"round": "next speaker", "start": "go-around start", "pacer": "pacer start", "message": "set message"}


async def facilitator_run(url: str, cookie: str | None, auth: dict, workers: list, commands: int, kind: str,
                          pad: int, gap: float, answers: tuple[int, float] = (0, 5.0)) -> dict:
    """Drive one run from here; returns {"emits": [...], "timeouts": n, "cpu": server cpu s}."""
    import socketio

    client = socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=30,
                                  http_session=c.http_session)
    console_seen: dict[int, float] = {}  # version -> when the facilitator's view of it arrived
    console_bytes: dict[int, int] = {}

    @client.on("view")
    async def _console(data) -> None:
        if isinstance(data, dict) and isinstance(data.get("version"), int) and data["version"] not in console_seen:
            console_seen[data["version"]] = time.time()
            console_bytes[data["version"]] = len(json.dumps(data, separators=(",", ":")))

    headers = {"User-Agent": c.USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    await client.connect(url, headers=headers, auth=auth, transports=["websocket"], wait_timeout=30)
    loop = asyncio.get_running_loop()
    got: dict[int, int] = defaultdict(int)
    done: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
    answered: list[list[dict]] = []
    all_answered = asyncio.Event()

    def reader(pipe) -> None:
        msg = pipe.recv()
        if msg[0] == "got":
            got[msg[2]] += 1
            if got[msg[2]] == len(workers):
                done[msg[2]].set()
        elif msg[0] == "answered":
            answered.append(msg[1])
            if len(answered) == len(workers):
                all_answered.set()
        elif msg[0] == "error":
            c.log(f"client worker failed: {msg[1]}")

    for _p, pipe in workers:
        loop.add_reader(pipe.fileno(), reader, pipe)
    emits: list[dict] = []
    timeouts = 0
    serial = iter(range(1, 10**9))

    async def send(payload: dict, kind: str, event: str = "command", measure: bool = True) -> dict:
        nonlocal timeouts
        t0 = time.time()
        ack = await client.call(event, payload, timeout=30)
        t1 = time.time()
        if ack.get("ok"):
            if measure:
                emits.append({"group": "g", "version": ack["version"], "t": t0, "ack": t1 - t0, "kind": kind})
            try:
                await asyncio.wait_for(done[ack["version"]].wait(), 15)
            except TimeoutError:
                timeouts += 1
            await asyncio.sleep(gap)
        return ack

    run_id = uuid.uuid4().hex[:12]

    def key() -> str:  # idempotency keys: unique, or the hub answers a repeat from its receipt
        return f"fo{run_id}{next(serial):06d}"

    if kind == "floor":
        for k in range(1, commands + 3):
            await send({"version": 10**6 * next(serial) + k, "pad": pad}, "broadcast", event="go", measure=k > 2)
    elif kind == "message":
        # No activity running: every participant's view is the same (core/live sends it once).
        await send({"type": "plan_stop", "key": key()}, "plan_stop", measure=False)
        for k in range(commands):
            await send({"type": "set_message", "text": f"Bench message {k}", "key": key()}, "set_message")
    elif kind == "start":  # the go-around put on again and started: every phone's view is new
        for _k in range(commands):
            await send({"type": "plan_go", "index": ROUND, "key": key()}, "plan_go", measure=False)
            await send({"type": "activity", "action": "start", "key": key()}, "round start")
    elif kind == "pacer":  # the breathing pacer stopped (not measured) and started again
        await send({"type": "plan_go", "index": PACER, "key": key()}, "plan_go", measure=False)
        for _k in range(commands):
            await send({"type": "activity", "action": "stop", "key": key()}, "pacer stop", measure=False)
            await send({"type": "activity", "action": "restart", "key": key()}, "pacer start")
    elif kind == "answers":  # members answer the check-in, `answers` of them at `rate` per second
        await send({"type": "plan_go", "index": CHECK_IN, "key": key()}, "plan_go", measure=False)
        count, rate = answers
        t0 = time.time() + 0.5
        shares = [count // len(workers) + (w < count % len(workers)) for w in range(len(workers))]
        for w, (_p, pipe) in enumerate(workers):
            pipe.send(("answer", rate / len(workers), shares[w], ANSWER, t0 + w / rate))
        await asyncio.wait_for(all_answered.wait(), count / rate + 60)
        await asyncio.sleep(2)  # the facilitators' view of the last answers
        for e in (e for batch in answered for e in batch):
            seen = [t for v, t in console_seen.items() if v >= e["version"]]
            emits.append({"group": "g", "kind": "answer", **e, "console": (min(seen) - e["t"]) if seen else None})
    else:
        # Warm-up (not measured): put the go-around on and start it.
        await send({"type": "plan_go", "index": ROUND, "key": key()}, "plan_go", measure=False)
        await send({"type": "activity", "action": "start", "key": key()}, "round start", measure=False)
        n = 0
        while n < commands:
            ack = await send({"type": "activity", "action": "next", "key": key()}, "round next")
            if not ack.get("ok"):  # everyone has had a turn: go again (not measured: "start" is)
                await send({"type": "plan_go", "index": ROUND, "key": key()}, "plan_go", measure=False)
                await send({"type": "activity", "action": "start", "key": key()}, "round start", measure=False)
            else:
                n += 1
    for _p, pipe in workers:
        loop.remove_reader(pipe.fileno())
    await client.disconnect()
    for e in emits:
        e["console_bytes"] = console_bytes.get(e["version"], 0)
    return {"emits": emits, "timeouts": timeouts}


def one_run(url: str, specs: list[dict], fac_cookie: str | None, fac_auth: dict, args, kinds: list[str],
            pad: int, usage: c.Usage) -> dict:
    """Connect the N clients once, then drive each of `kinds` in turn; {kind: figures}."""
    floor = kinds == ["floor"]
    workers = c.spawn_workers(specs, args.procs, {"report_got": True, "floor": floor,
                                                  "connect_concurrency": args.connect_concurrency})
    out = {}
    try:
        t0 = time.time()
        connected = c.ask_all(workers, ("connect",), "connected")
        connect_wall = time.time() - t0
        failed = sum(x["failed"] for x in connected)
        if failed:
            c.log(f"  {failed} clients failed to connect, e.g. {connected[0]['errors'][:2]}")
        for kind in kinds:
            cpu0 = usage.cpu()
            spy = c.start_profile(usage.pid, Path(args.profile) / f"{kind}-{len(specs)}") if args.profile else None
            answers = (min(args.answers, len(specs)), args.answer_rate)
            driven = asyncio.run(facilitator_run(url, fac_cookie, fac_auth, workers, args.commands, kind, pad,
                                                 args.gap, answers))
            cpu = usage.cpu() - cpu0
            if spy is not None:
                c.stop_profile(spy)
            out[kind] = {"emits": driven["emits"], "timeouts": driven["timeouts"],
                         "cpu_per_cmd": cpu / max(1, len(driven["emits"])),
                         "ack": [e["ack"] for e in driven["emits"]]}
        results = c.ask_all(workers, ("stop",), "results")
    finally:
        c.stop_workers(workers)
    errors = [e for r in results for e in r.get("errors", [])]
    if errors:
        c.log(f"  client errors: {len(errors)}, e.g. {errors[:3]}")
    recvs = [r["recv"] for r in results]
    sizes = [s for r in results for s in r["sizes"]]
    mine: dict[int, int] = defaultdict(int)
    phone_bytes: dict[int, int] = defaultdict(int)
    shared: dict[int, int] = defaultdict(int)  # version -> phones that got a shared part of it
    for r in results:
        for version, count in r.get("mine", {}).items():
            mine[version] += count
        for version, size in r.get("bytes", {}).items():
            phone_bytes[version] += size
        for (_group, version), times in r["recv"].items():
            shared[version] += len(times)
    for fig in out.values():
        per = max(1, len(fig["emits"]))
        fig["mine_per_cmd"] = sum(mine[e["version"]] for e in fig["emits"]) / per
        fig["shared_per_cmd"] = sum(shared[e["version"]] for e in fig["emits"]) / per
        fig["phone_bytes"] = sum(phone_bytes[e["version"]] for e in fig["emits"]) / per
        fig["console_bytes"] = sum(e.get("console_bytes", 0) for e in fig["emits"]) / per
        fig["console_lat"] = [e["console"] for e in fig["emits"] if e.get("console") is not None]
        fig["console_missed"] = sum(1 for e in fig["emits"] if "console" in e and e["console"] is None)
        fig.update({"lat": c.latencies(fig["emits"], recvs)["all"], "connect": [t for x in connected for t in x["times"]],
                    "connect_wall": connect_wall, "failed": failed,
                    "size": statistics.mean(sizes) if sizes else 0})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="12,50,150,300", help="participants per run (comma-separated)")
    ap.add_argument("--commands", type=int, default=20, help="measured broadcasts per run")
    ap.add_argument("--procs", type=int, default=4, help="client processes")
    ap.add_argument("--connect-concurrency", type=int, default=10, help="connects in flight per client process")
    ap.add_argument("--gap", type=float, default=0.12, help="seconds between commands (the facilitator's "
                                                              "rate limit is 10 events/s)")
    ap.add_argument("--answers", type=int, default=100, help="check-in answers per N (at most N)")
    ap.add_argument("--answer-rate", type=float, default=5.0, help="answers per second, all members together")
    ap.add_argument("--profile", metavar="DIR", help="record the server with py-spy during each run "
                                                      "(collapsed stacks + a summary in DIR)")
    ap.add_argument("--keep", action="store_true", help="keep the database and the logs directory")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    print(f"machine: {c.machine()}")
    tmp = c.tmpdir("sb-fanout-")
    services = c.Services().start()
    procs: list[c.Proc] = []
    rows, conn_rows, answer_rows = [], [], []
    try:
        db_url = services.fresh_database(DB_NAME)
        env = c.app_env(db_url, tmp)
        c.migrate(env)
        c.log(f"seeding sessions of {sizes} participants")
        sessions = [c.seed(db_url, tmp, 1, n, title=f"Fanout {n}", slugs=PLAN)["sessions"][0] for n in sizes]
        app_port, floor_port = c.free_port(), c.free_port()
        app = c.start_app(app_port, env, tmp)
        procs.append(app)
        floor = c.start_floor(floor_port, tmp, 1000)
        procs.append(floor)
        app_url, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}"
        cookie = c.login_cookie(app_url)
        app_usage = c.Usage(c.worker_pid(app.pid))
        floor_usage = c.Usage(c.worker_pid(floor.pid))
        for n, gs in zip(sizes, sessions, strict=True):
            pub = gs["public_id"]
            specs = [{"key": f"p{pid}", "group": "g", "role": "participant", "url": app_url,
                      "auth": {"session": pub, "as": "participant"}, "cookie": c.participant_cookie(pub, secret)}
                     for pid, secret in gs["participants"]]
            c.log(f"N={n}: app")
            app_runs = one_run(app_url, specs, cookie, {"session": pub, "as": "facilitator"}, args,
                               list(APP_KINDS), 0, app_usage)
            a = app_runs["round"]
            pad = max(0, int(a["size"]) - 60)
            c.log(f"N={n}: floor (payload {int(a['size'])} bytes)")
            fspecs = [{**s, "url": floor_url, "cookie": None} for s in specs]
            f = one_run(floor_url, fspecs, None, {"as": "facilitator"}, args, ["floor"], pad, floor_usage)["floor"]
            lat_f = c.ms(f["lat"])
            con = c.ms(a["connect"])
            for kind, fig in app_runs.items():
                if kind == "answers":
                    lat = c.ms(fig["console_lat"])
                    answer_rows.append([n, len(fig["emits"]), args.answer_rate, c.pct(lat, 50), c.pct(lat, 95),
                                        c.pct(lat, 99), max(lat, default=float("nan")), fig["console_missed"],
                                        c.pct(c.ms(fig["ack"]), 50), fig["cpu_per_cmd"] * 1000, fig["mine_per_cmd"],
                                        fig["shared_per_cmd"], fig["phone_bytes"], fig["console_bytes"]])
                    c.log(f"N={n} answers: to the console p99 {c.pct(lat, 99):.1f} ms")
                    continue
                lat_a = c.ms(fig["lat"])
                p50, p99 = (c.pct(lat_a, q) / c.pct(lat_f, q) if lat_f else float("nan") for q in (50, 99))
                rows.append([n, LABELS[kind], c.pct(lat_a, 50), c.pct(lat_a, 95), c.pct(lat_a, 99), c.pct(lat_f, 50),
                             c.pct(lat_f, 99), p50, p99, c.pct(c.ms(fig["ack"]), 50), fig["cpu_per_cmd"] * 1000,
                             f["cpu_per_cmd"] * 1000, fig["shared_per_cmd"], fig["mine_per_cmd"],
                             fig["phone_bytes"] / 1024, fig["console_bytes"] / 1024, len(lat_a),
                             fig["timeouts"] + f["timeouts"]])
                c.log(f"N={n} {kind}: app p99 {c.pct(lat_a, 99):.1f} ms, floor p99 {c.pct(lat_f, 99):.1f} ms")
            conn_rows.append([n, c.pct(con, 50), c.pct(con, 95), c.pct(con, 99), a["connect_wall"],
                              c.pct(c.ms(f["connect"]), 50), c.pct(c.ms(f["connect"]), 95), f["connect_wall"],
                              a["failed"] + f["failed"], int(a["size"])])
    finally:
        for p in reversed(procs):
            p.stop()
        if not args.keep:
            try:
                c.drop_database(services.pg_url, DB_NAME)
            except Exception as exc:  # noqa: BLE001
                c.log(f"could not drop {DB_NAME}: {exc}")
        services.stop()
    print()
    print(f"fan-out in one session: {args.commands} broadcasts per kind and N, {args.procs} client processes; "
          "latency from the facilitator's emit to each participant's receipt, ms")
    print(c.table(["N", "command", "app p50", "app p95", "app p99", "floor p50", "floor p99", "p50 ratio",
                   "p99 ratio", "ack p50", "app cpu/cmd", "floor cpu/cmd", "shared/cmd", "own/cmd",
                   "phones KiB/cmd", "console KiB/cmd", "samples", "timeouts"], rows))
    print("shared/cmd, own/cmd: phones that got the room's part / their own part ('mine') per command; "
          "KiB/cmd: bytes (JSON) to all phones together, and to the facilitator (core/live/fanout.py)")
    print()
    print("members' answers (check-in) at a steady rate: each member's answer -> the facilitator's view that "
          "holds it (the console's view of a big session is paced: core/live/console_pace.py), ms")
    print(c.table(["N", "answers", "per s", "p50", "p95", "p99", "max", "never seen", "ack p50", "app cpu/answer",
                   "own/answer", "shared/answer", "phones bytes/answer", "console bytes/answer"], answer_rows))
    print()
    print(f"connect: time from opening the socket to the snapshot (app) / to connected (floor), "
          f"{args.connect_concurrency} connects in flight per client process, ms; 'all in' = seconds for all N")
    print(c.table(["N", "app p50", "app p95", "app p99", "app all in s", "floor p50", "floor p95", "floor all in s",
                   "failed", "shared bytes"], conn_rows))
    print(f"logs: {tmp}" if args.keep else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
