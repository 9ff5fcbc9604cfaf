"""Many groups at once: 100 sessions x 10 participants (plus a facilitator each) on one app process.

    .venv-dev/bin/python bench/many_groups.py [--sessions 100] [--per-session 10] [--seconds 30]
                                          [--interval 4] [--idle 15] [--procs 6]

Each session has its own facilitator account (the app limits one facilitator's connections and
events across all their sessions). Every participant and facilitator is a real python-socketio client (WebSocket), spread over
--procs client processes, each holding whole sessions. After everyone is connected the server is
left idle for --idle seconds (CPU of idle connections: Engine.IO pings), then every session is
active for --seconds: each session runs a go-around, and every --interval/2 seconds either its
facilitator moves the round on (`next`; restart when everyone has had a turn) or one of its
participants passes, alternately, so each session issues 2 commands per --interval seconds.
Sessions start at random offsets.

Reported: delivery latency per command (from the sender's emit to each participant's receipt of
that state version) p50/p95/p99, by command; the sender's ack round trip; CPU of the server process
(idle and active, per connected participant); RSS before and after connecting (memory per idle
connection). Target: p99 < 250 ms for 1,000 participants in 100 sessions on this 2-core machine.

Starts and stops PostgreSQL (scripts/services.sh, bench ports) and the app (as `make serve`).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as c  # noqa: E402

DB_NAME = "sb_bench_groups"


def login_all(url: str, sessions: list[dict]) -> dict[str, str]:
    """Each session's facilitator signs in (over HTTP, a few at a time): {email: cookie}."""
    from concurrent.futures import ThreadPoolExecutor

    emails = sorted({gs["email"] for gs in sessions})
    with ThreadPoolExecutor(4) as pool:
        return dict(zip(emails, pool.map(lambda e: c.login_cookie(url, e), emails), strict=True))


def specs_for(sessions: list[dict], url: str, cookies: dict[str, str], spread: int = 0) -> list[dict]:
    """Client specs: each session's facilitator and participants. With `spread`, participants connect
    from 127.0.1.1 ... 127.0.<spread>.1 in turn (nginx's ip_hash looks at the first three octets, so
    they land on different processes); facilitators from 127.0.0.1, where they signed in (Flask-Login's
    strong session protection binds a login to its address)."""
    specs = []
    k = 0
    for gs in sessions:
        pub, group = gs["public_id"], f"s{gs['id']}"
        specs.append({"key": f"f{gs['id']}", "group": group, "role": "facilitator", "url": url,
                      "auth": {"session": pub, "as": "facilitator"}, "cookie": cookies[gs["email"]]})
        for pid, secret in gs["participants"]:
            addr = f"127.0.{k % spread + 1}.1" if spread else None
            k += 1
            specs.append({"key": f"p{pid}", "group": group, "role": "participant", "url": url,
                          "auth": {"session": pub, "as": "participant"},
                          "cookie": c.participant_cookie(pub, secret), "local_addr": addr})
    return specs


def run_load(specs: list[dict], args, watch: dict[str, c.Usage], on_connected=None) -> dict:
    """Connect everyone, idle, drive; returns the figures. `watch`: processes to measure by name
    ("server..." ones count as the app); `on_connected()` is called once everyone is connected."""
    participants = sum(1 for s in specs if s["role"] == "participant")
    servers = {k: u for k, u in watch.items() if k.startswith("server")}
    rss0 = sum(u.rss() for u in servers.values())
    workers = c.spawn_workers(specs, args.procs, {"whole_groups": True, "connect_concurrency": args.connect_concurrency})
    watch = {**watch, "clients": _Group([c.Usage(p.pid) for p, _ in workers])}
    try:
        t0 = time.time()
        connected = c.ask_all(workers, ("connect",), "connected", timeout=600)
        connect_wall = time.time() - t0
        failed = sum(x["failed"] for x in connected)
        if failed:
            c.log(f"{failed} clients failed to connect, e.g. {[e for x in connected for e in x['errors']][:3]}")
        time.sleep(2)
        if on_connected is not None:
            on_connected()
        rss1 = sum(u.rss() for u in servers.values())
        cpu0 = {k: u.cpu() for k, u in watch.items()}
        time.sleep(args.idle)
        cpu1 = {k: u.cpu() for k, u in watch.items()}
        c.log(f"connected {len(specs) - failed} clients in {connect_wall:.1f} s; driving for {args.seconds} s")
        c.ask_all(workers, ("drive", args.seconds, args.interval), "driven", timeout=args.seconds + 120)
        cpu2 = {k: u.cpu() for k, u in watch.items()}
        rss2 = sum(u.rss() for u in servers.values())
        results = c.ask_all(workers, ("stop",), "results", timeout=120)
    finally:
        c.stop_workers(workers)
    emits = [e for r in results for e in r["emits"]]
    lat = c.latencies(emits, [r["recv"] for r in results])
    errors = [e for r in results for e in r["errors"]]
    sent = {}
    for e in emits:
        sent[e["kind"]] = sent.get(e["kind"], 0) + 1
    return {
        "clients": len(specs) - failed, "participants": participants, "failed": failed,
        "connect_wall": connect_wall, "connect": [t for x in connected for t in x["times"]],
        "lat": lat, "ack": [e["ack"] for e in emits], "sent": sent, "commands_per_s": len(emits) / args.seconds,
        "rss0": rss0, "rss1": rss1, "rss2": rss2,
        "cpu_idle": {k: (cpu1[k] - cpu0[k]) / args.idle for k in watch},
        "cpu_active": {k: (cpu2[k] - cpu1[k]) / args.seconds for k in watch},
        "errors": errors,
    }


class _Group:
    """CPU of several processes together (the client workers)."""

    def __init__(self, usages: list[c.Usage]):
        self.usages = usages

    def cpu(self) -> float:
        return sum(u.cpu() for u in self.usages)


def report(title: str, fig: dict) -> list[str]:
    """Lines of text: the latency table and the resource figures of one run."""
    out = [title]
    rows = []
    for kind in ("all", "round next", "pass", "plan_go", "round start"):
        values = c.ms(fig["lat"].get(kind, []))
        if values:
            rows.append([kind, len(values), c.pct(values, 50), c.pct(values, 95), c.pct(values, 99), max(values)])
    out.append(c.table(["command", "deliveries", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows))
    ack = c.ms(fig["ack"])
    con = c.ms(fig["connect"])
    n, clients = fig["participants"], fig["clients"]
    srv_idle = sum(v for k, v in fig["cpu_idle"].items() if k.startswith("server"))
    srv_active = sum(v for k, v in fig["cpu_active"].items() if k.startswith("server"))
    mib = 1024 * 1024
    out += [
        f"commands: {sum(fig['sent'].values())} ({fig['commands_per_s']:.1f}/s: {fig['sent']}); "
        f"sender's ack p50 {c.pct(ack, 50):.1f} ms, p99 {c.pct(ack, 99):.1f} ms",
        f"connect: {clients} clients ({fig['failed']} failed) in {fig['connect_wall']:.1f} s; "
        f"per client p50 {c.pct(con, 50):.0f} ms, p95 {c.pct(con, 95):.0f} ms",
        f"server CPU (share of one core): idle {100 * srv_idle:.1f}% = {1e6 * srv_idle / clients:.1f} us/s per "
        f"connection; active {100 * srv_active:.1f}% = {1e6 * srv_active / n:.0f} us/s per participant",
        "other processes, active (share of one core): " + ", ".join(f"{k} {100 * v:.1f}%" for k, v in fig["cpu_active"].items()
                                                 if not k.startswith("server")),
        f"server RSS: {fig['rss0'] / mib:.1f} MiB before connecting, {fig['rss1'] / mib:.1f} MiB with {clients} "
        f"idle connections ({(fig['rss1'] - fig['rss0']) / clients / 1024:.1f} KiB each), "
        f"{fig['rss2'] / mib:.1f} MiB after the active phase",
    ]
    if fig["errors"]:
        out.append(f"client errors: {fig['errors'][:3]}")
    return out


def add_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--per-session", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=30, help="active phase")
    ap.add_argument("--idle", type=float, default=15, help="idle phase (connected, no commands)")
    ap.add_argument("--interval", type=float, default=4.0,
                    help="each session sends 2 commands per interval (facilitator, then a participant)")
    ap.add_argument("--procs", type=int, default=6, help="client processes")
    ap.add_argument("--connect-concurrency", type=int, default=10, help="connects in flight per client process")
    ap.add_argument("--keep", action="store_true", help="keep the database and the logs directory")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_args(ap)
    args = ap.parse_args()
    print(f"machine: {c.machine()}")
    tmp = c.tmpdir("sb-groups-")
    services = c.Services().start()
    procs: list[c.Proc] = []
    try:
        db_url = services.fresh_database(DB_NAME)
        env = c.app_env(db_url, tmp)
        c.migrate(env)
        c.log(f"seeding {args.sessions} sessions x {args.per_session} participants")
        sessions = c.seed(db_url, tmp, args.sessions, args.per_session, own_facilitators=True)["sessions"]
        port = c.free_port()
        app = c.start_app(port, env, tmp)
        procs.append(app)
        url = f"http://127.0.0.1:{port}"
        specs = specs_for(sessions, url, login_all(url, sessions))
        fig = run_load(specs, args, {"server": c.Usage(c.worker_pid(app.pid))})
    finally:
        for p in reversed(procs):
            p.stop()
        if not args.keep:
            c.drop_database(services.pg_url, DB_NAME)
        services.stop()
    print()
    print("\n".join(report(f"{args.sessions} sessions x {args.per_session} participants, one app process, "
                           f"{args.seconds:.0f} s active, 2 commands per session every {args.interval:g} s", fig)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
