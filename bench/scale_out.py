"""Scale-out: the many-groups load on one app process vs two processes behind nginx + Redis.

    .venv-dev/bin/python bench/scale_out.py [--sessions 100] [--per-session 10] [--seconds 30] [--interval 4]
                                        [--configs direct,proxy1,proxy2]

The load of bench/many_groups.py (same options), run against, in turn:

  direct  one app process, clients straight to it, no message queue (a single-process install);
  redis1  (not run by default) one app process with REDIS_URL, clients straight to it: the queue alone;
  proxy1  one app process with REDIS_URL, behind nginx (deploy/nginx.conf): the cost of the proxy
          and the queue alone;
  proxy2  two app processes with REDIS_URL behind nginx (ip_hash). Participants connect from 16
          source addresses 127.0.1.1 ... 127.0.16.1, so ip_hash spreads them over both processes
          and most sessions span both: every broadcast crosses Redis.

All on the same database (seeded once) and the same machine: 2 cores shared by the app processes,
nginx, Redis, PostgreSQL and the client processes, so this shows what the queue and a second
process cost and buy on one small machine, not what two machines would do.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as c  # noqa: E402
from bench.many_groups import add_args, login_all, report, run_load, specs_for  # noqa: E402

DB_NAME = "sb_bench_scale"
SPREAD = 16


def run_config(name: str, services: c.Services, db_url: str, sessions: list[dict], args, tmp: Path) -> dict:
    logdir = tmp / name
    logdir.mkdir()
    procs: list[c.Proc] = []
    try:
        redis = services.redis_url if name != "direct" else None
        env = c.app_env(db_url, logdir, redis_url=redis)
        if name.startswith("proxy"):
            env["SB_BEHIND_PROXY"] = "1"
        n_apps = 2 if name == "proxy2" else 1
        ports = [c.free_port() for _ in range(n_apps)]
        watch = {}
        for i, port in enumerate(ports):
            app = c.start_app(port, env, logdir, name=f"app{i + 1}")
            procs.append(app)
            watch[f"server{i + 1}"] = c.Usage(c.worker_pid(app.pid))
        if name in ("direct", "redis1"):
            url = f"http://127.0.0.1:{ports[0]}"
            spread = 0
        else:
            nginx_port = c.free_port()
            nginx = c.start_nginx(logdir, nginx_port, ports)
            procs.append(nginx)
            watch["nginx"] = c.Usage(c.worker_pid(nginx.pid))
            url = f"http://127.0.0.1:{nginx_port}"
            spread = SPREAD
            pidfile = c.BENCH_RUN_DIR / "redis" / "redis.pid"
            if pidfile.exists():
                watch["redis"] = c.Usage(int(pidfile.read_text().strip()))
        specs = specs_for(sessions, url, login_all(url, sessions), spread)

        split = {}

        def count() -> None:
            for i, port in enumerate(ports):
                split[f"app{i + 1}"] = c.established(port)

        fig = run_load(specs, args, watch, on_connected=count)
        fig["split"] = split
        return fig
    finally:
        for p in reversed(procs):
            p.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_args(ap)
    ap.add_argument("--configs", default="direct,proxy1,proxy2")
    args = ap.parse_args()
    configs = args.configs.split(",")
    print(f"machine: {c.machine()}")
    tmp = c.tmpdir("sb-scale-")
    services = c.Services().start()
    figs = {}
    try:
        db_url = services.fresh_database(DB_NAME)
        c.migrate(c.app_env(db_url, tmp))
        c.log(f"seeding {args.sessions} sessions x {args.per_session} participants")
        sessions = c.seed(db_url, tmp, args.sessions, args.per_session, own_facilitators=True)["sessions"]
        for name in configs:
            c.log(f"config {name}")
            figs[name] = run_config(name, services, db_url, sessions, args, tmp)
    finally:
        if not args.keep:
            c.drop_database(services.pg_url, DB_NAME)
        services.stop()
    titles = {"direct": "1 process, direct, no queue", "redis1": "1 process, direct, Redis queue",
              "proxy1": "1 process behind nginx, Redis queue",
              "proxy2": "2 processes behind nginx (ip_hash), Redis queue"}
    print()
    rows = []
    for name, fig in figs.items():
        lat, ack = c.ms(fig["lat"].get("all", [])), c.ms(fig["ack"])
        srv = sum(v for k, v in fig["cpu_active"].items() if k.startswith("server"))
        rows.append([titles[name], fig["clients"], f"{fig['commands_per_s']:.1f}", c.pct(lat, 50), c.pct(lat, 95),
                     c.pct(lat, 99), c.pct(ack, 99), f"{100 * srv:.0f}%",
                     " ".join(f"{k} {100 * v:.0f}%" for k, v in fig["cpu_active"].items() if not k.startswith("server"))
                     or "-",
                     " / ".join(str(v) for v in fig["split"].values())])
    print(f"{args.sessions} sessions x {args.per_session} participants, {args.seconds:.0f} s active, "
          f"2 commands per session every {args.interval:g} s; delivery latency in ms")
    print(c.table(["config", "clients", "cmd/s", "p50", "p95", "p99", "ack p99", "app CPU", "other CPU",
                   "connections per process"], rows))
    for name, fig in figs.items():
        print()
        print("\n".join(report(titles[name], fig)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
