"""Shared helpers for the Socket.IO benchmarks (bench/fanout.py, many_groups.py, scale_out.py).

Everything a benchmark needs besides its own measurement loop:

* services: a throwaway PostgreSQL + Redis started with scripts/services.sh on ports of their own
  (54339 / 63809, data in .run/bench), so that a `make test` running in the same checkout (which
  resets and stops *its* services on 54329 / 63799) cannot pull them away mid-run; stopped again
  at the end unless they were already running;
* a fresh database per run, migrated, seeded through the app's own code (roster.join, ...);
* app servers exactly as `make serve` runs them (gunicorn -c gunicorn.conf.py: gevent, one worker),
  the bare python-socketio "floor" server, and nginx with the sample config from deploy/;
* client worker processes (bench/_clients.py, re-exported here): python-socketio AsyncClients
  (aiohttp, WebSocket transport), many per process, over several processes;
* percentiles, tables, CPU and RSS of a process (psutil if installed, else /proc).

Processes are stopped by pid with SIGTERM (then SIGKILL after a grace period), never by name.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"  # the server settings of every deployment
SECRET = "bench-secret-key-not-for-production"
PASSWORD = "a calm long bench password"
EMAIL = "bench@example.org"
# Flask-Login's "strong" session protection ties a login to address + User-Agent: the sockets must
# present the User-Agent the login was made with (a browser does so naturally).
USER_AGENT = "secure-base-bench/1"
BENCH_PG_PORT = int(os.environ.get("SB_BENCH_PG_PORT", "54339"))
BENCH_REDIS_PORT = int(os.environ.get("SB_BENCH_REDIS_PORT", "63809"))
BENCH_RUN_DIR = Path(os.environ.get("SB_BENCH_RUN_DIR", ROOT / ".run" / "bench"))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- statistics and tables ----------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    """Percentile with linear interpolation (p in 0..100); nan for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def ms(values: Iterable[float]) -> list[float]:
    return [v * 1000 for v in values]


def table(headers: list[str], rows: list[list]) -> str:
    def fmt(v) -> str:
        if isinstance(v, float):
            return "-" if math.isnan(v) else (f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}")
        return str(v)

    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda r: "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out)


def machine() -> str:
    cpu = "?"
    try:
        for raw in Path("/proc/cpuinfo").read_text().splitlines():
            if raw.startswith("model name"):
                cpu = raw.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}, "
            f"load average before the run {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")


# ---- processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 30, what: str = "server") -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


class Proc:
    """A child process with its output in a log file; stopped by pid (SIGTERM, then SIGKILL)."""

    def __init__(self, name: str, argv: list[str], logfile: Path, env: dict | None = None, cwd: Path = ROOT):
        self.name, self.logfile = name, logfile
        self._log = open(logfile, "w")  # noqa: SIM115  (closed in stop)
        self.popen = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.pid = self.popen.pid

    def stop(self, grace: float = 10) -> None:
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)
        self._log.close()


def children(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(d.name))
    return found


def worker_pid(master_pid: int, timeout: float = 10) -> int:
    """gunicorn's one worker: the child of the master process."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        kids = children(master_pid)
        if kids:
            return kids[0]
        time.sleep(0.1)
    raise RuntimeError(f"no gunicorn worker under pid {master_pid}")


class Usage:
    """CPU seconds and RSS of one process: psutil when installed, else /proc."""

    def __init__(self, pid: int):
        self.pid = pid
        try:
            import psutil

            self._p = psutil.Process(pid)
        except ImportError:
            self._p = None
        self._tick = os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        if self._p is not None:
            t = self._p.cpu_times()
            return t.user + t.system
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self._tick  # utime, stime

    def rss(self) -> int:
        if self._p is not None:
            return self._p.memory_info().rss
        for raw in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if raw.startswith("VmRSS:"):
                return int(raw.split()[1]) * 1024
        return 0


def start_profile(pid: int, out: Path) -> subprocess.Popen | None:
    """py-spy (pip install py-spy; profiling only, not a project dependency) sampling `pid` into
    out.txt (collapsed stacks); stop_profile writes out.top.txt, the functions with the most samples."""
    spy = shutil.which("py-spy") or (str(BIN / "py-spy") if (BIN / "py-spy").exists() else None)
    if spy is None:
        log("py-spy is not installed: no profile (pip install py-spy)")
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--nonblocking",
                             "--output", f"{out}.txt"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.out = out  # type: ignore[attr-defined]
    time.sleep(1.0)  # py-spy needs a moment to attach
    return proc


def stop_profile(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return
    out: Path = proc.out  # type: ignore[attr-defined]
    stacks = Path(f"{out}.txt")
    if not stacks.exists():
        return
    own, total, samples = defaultdict(int), defaultdict(int), 0
    for raw in stacks.read_text().splitlines():
        frames, _, count = raw.rpartition(" ")
        if not frames or not count.isdigit():
            continue
        n = int(count)
        parts = frames.split(";")
        samples += n
        own[parts[-1]] += n
        for f in set(parts):
            total[f] += n
    lines = [f"{samples} samples", "", "most samples including callees:"]
    lines += [f"{100 * v / samples:5.1f}%  {k}" for k, v in sorted(total.items(), key=lambda x: -x[1])[:60]]
    lines += ["", "most samples in the function itself:"]
    lines += [f"{100 * v / samples:5.1f}%  {k}" for k, v in sorted(own.items(), key=lambda x: -x[1])[:40]]
    Path(f"{out}.top.txt").write_text("\n".join(lines) + "\n")


def established(port: int) -> int:
    """How many established TCP connections have 127.0.0.1:port as their local end (a server's clients)."""
    count = 0
    for table_file in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table_file).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            parts = row.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "01":
                count += 1
    return count


# ---- services: PostgreSQL + Redis ---------------------------------------------------------------


class Services:
    """PostgreSQL and Redis from scripts/services.sh, on the bench's own ports; stops what it started."""

    def __init__(self) -> None:
        self.env = {**os.environ, "SB_PG_PORT": str(BENCH_PG_PORT), "SB_REDIS_PORT": str(BENCH_REDIS_PORT),
                    "SB_RUN_DIR": str(BENCH_RUN_DIR)}
        self.started: list[str] = []
        self.pg_url = f"postgresql+psycopg://secure_base:secure_base@127.0.0.1:{BENCH_PG_PORT}/secure_base_test"
        self.redis_url = f"redis://127.0.0.1:{BENCH_REDIS_PORT}/0"

    def _sh(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(ROOT / "scripts" / "services.sh"), *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, check=check)

    def start(self) -> Services:
        BENCH_RUN_DIR.mkdir(parents=True, exist_ok=True)
        for svc in ("pg", "redis"):
            if self._sh("status", svc, check=False).returncode != 0:
                self.started.append(svc)
        out = self._sh("start")
        log(out.stdout.strip().replace("\n", "; "))
        return self

    def stop(self) -> None:
        for svc in self.started:
            self._sh("stop", svc, check=False)
        self.started = []

    def fresh_database(self, name: str) -> str:
        """Drop and create database `name` on the bench server; returns its SQLAlchemy URL."""
        import psycopg

        admin = self.pg_url.replace("+psycopg", "")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        return self.pg_url.rsplit("/", 1)[0] + "/" + name

    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushall()


def drop_database(pg_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---- the app: migrate, seed, serve, log in -------------------------------------------------------


def app_env(db_url: str, instance: Path, redis_url: str | None = None, public_url: str | None = None) -> dict:
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": SECRET, "SB_INSTANCE_DIR": str(instance),
           "SB_ASYNC_MODE": "gevent", "SB_PURGE_SCHEDULER": "0"}
    for key in ("REDIS_URL", "SB_PUBLIC_URL", "SB_TEST_DATABASE_URL", "SB_BEHIND_PROXY"):
        env.pop(key, None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    if public_url:
        env["SB_PUBLIC_URL"] = public_url
    return env


def migrate(env: dict) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, text=True, timeout=120)


def gunicorn_argv(port: int) -> list[str]:
    """The command `make serve` runs (gunicorn -c gunicorn.conf.py), on 127.0.0.1:port."""
    return [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}",
            "--graceful-timeout", "5", "wsgi:app"]


def start_app(port: int, env: dict, logdir: Path, name: str = "app") -> Proc:
    proc = Proc(name, gunicorn_argv(port), logdir / f"{name}.log", env=env)
    wait_port(port, proc.popen, what=name)
    return proc


def seed(db_url: str, instance: Path, sessions: int, per_session: int, title: str = "Bench",
         own_facilitators: bool = False, slugs: tuple[str, ...] = ("go-around",)) -> dict:
    """`sessions` sessions (auto-admit) with `per_session` participants each, joined through
    roster.join (the code behind the agreements page), and a plan of `slugs` (a go-around) in each. One facilitator
    and group for all, or with `own_facilitators` one facilitator (bench-f<i>@example.org) and group
    per session: the app caps a facilitator's connections and events across all their sessions.

    Returns {"sessions": [{"id", "public_id", "email", "participants": [[pid, secret], ...]}]}. Runs in a
    child process so that the benchmark process itself never imports the app."""
    script = r"""
import json, logging, sys
from core import create_app, roster
from core.extensions import db
from core.models import Facilitator
from facilitator import plans, sessions as ops
from facilitator.accounts import create_account
n_sessions, per, title, email, password, own, first = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                                       sys.argv[4], sys.argv[5], sys.argv[6] == "1", int(sys.argv[7]))
slugs = sys.argv[8].split(",")
app = create_app({"ASYNC_MODE": "threading", "REDIS_URL": None})
logging.getLogger().setLevel(logging.WARNING)
out = {"sessions": []}

def account(address):
    found = db.session.query(Facilitator).filter_by(email=address).one_or_none()
    return found or create_account("Bench", address, password)

with app.app_context():
    group = None
    for i in range(first, first + n_sessions):
        address = email.replace("@", f"-f{i + 1}@") if own else email
        if own or group is None:
            f = account(address)
            group = ops.create_group(f, f"{title} {i + 1}" if own else title, "", "", 30)
        gs = ops.create_session(group, f"{title} {i + 1}", None, "", True, f)
        for slug in slugs:
            plans.add(gs, slug, 20)
        people = []
        for k in range(per):
            p, secret = roster.join(gs, f"P{k + 1}")
            people.append([p.id, secret])
        out["sessions"].append({"id": gs.id, "public_id": gs.public_id, "email": address, "participants": people})
print("SEED" + json.dumps(out))
"""
    env = app_env(db_url, instance)
    env["SB_ASYNC_MODE"] = "threading"
    # Independent sessions are seeded by two processes at once (it is setup, not measured).
    chunks = [(0, sessions)] if not own_facilitators or sessions < 4 else \
        [(0, sessions // 2), (sessions // 2, sessions - sessions // 2)]
    running = [subprocess.Popen([sys.executable, "-c", script, str(n), str(per_session), title, EMAIL, PASSWORD,
                                 "1" if own_facilitators else "0", str(first), ",".join(slugs)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for first, n in chunks]
    out: dict = {"sessions": []}
    for proc in running:
        stdout, stderr = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"seeding failed:\n{stderr[-3000:]}")
        line = next(x for x in stdout.splitlines() if x.startswith("SEED"))
        out["sessions"] += json.loads(line[4:])["sessions"]
    return out


def login_cookie(base_url: str, email: str = EMAIL) -> str:
    """Sign a bench facilitator in over HTTP (CSRF token from the form); returns a Cookie header value."""
    import requests

    with requests.Session() as http:
        http.headers["User-Agent"] = USER_AGENT
        page = http.get(f"{base_url}/login", timeout=30)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        r = http.post(f"{base_url}/login", data={"csrf_token": token, "email": email, "password": PASSWORD},
                      allow_redirects=False, timeout=30)
        if r.status_code != 302:
            raise RuntimeError(f"login failed: {r.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def participant_cookie(public_id: str, secret: str) -> str:
    return f"sbp_{public_id}={secret}"


# ---- the floor: a bare python-socketio server, no app logic --------------------------------------


def floor_app():
    """gunicorn entry point (`bench._common:floor_app()`): clients join one room; a "go" event is
    broadcast to that room as a `view` of about the app's size. What the app's fan-out is compared to."""
    import socketio

    pad = "x" * int(os.environ.get("SB_FLOOR_PAD", "1000"))
    sio = socketio.Server(async_mode="gevent", ping_interval=20, ping_timeout=20)

    @sio.event
    def connect(sid, environ, auth=None):
        if isinstance(auth, dict) and auth.get("as") == "participant":
            sio.enter_room(sid, "s")

    @sio.on("go")
    def go(sid, data):
        version = int(data["version"])
        sio.emit("view", {"version": version, "server_time": time.time(), "pad": pad}, to="s")
        return {"ok": True, "version": version}

    return socketio.WSGIApp(sio)


def start_floor(port: int, logdir: Path, pad: int) -> Proc:
    argv = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}",
            "--graceful-timeout", "5", "bench._common:floor_app()"]
    proc = Proc("floor", argv, logdir / "floor.log", env={**os.environ, "SB_FLOOR_PAD": str(pad)})
    wait_port(port, proc.popen, what="floor server")
    return proc


# ---- nginx with the sample config ----------------------------------------------------------------


def render_nginx(tmp: Path, listen_port: int, backends: list[int]) -> Path:
    """deploy/nginx.conf (the sample) with this run's ports, wrapped in a main config that keeps every
    file nginx writes inside `tmp`. Returns the main config's path (run as nginx -p tmp -c it)."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    sample_servers = "    server 127.0.0.1:5001;\n    server 127.0.0.1:5002;\n"
    sample_listen = "listen 127.0.0.1:8080;"
    sample_log = "/var/log/nginx/secure-base.access.log"
    if site.count(sample_servers) != 1 or site.count(sample_listen) != 1 or sample_log not in site:
        raise RuntimeError("deploy/nginx.conf no longer has the server/listen/access_log lines the tests rewrite")
    site = site.replace(sample_servers, "".join(f"    server 127.0.0.1:{p};\n" for p in backends))
    site = site.replace(sample_listen, f"listen 127.0.0.1:{listen_port};")
    site = site.replace(sample_log, str(tmp / "access.log"))
    (tmp / "site.conf").write_text(site)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers write temp files in tmp (0700)
    main = f"""{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""
    conf = tmp / "nginx-main.conf"
    conf.write_text(main)
    return conf


def start_nginx(tmp: Path, listen_port: int, backends: list[int]) -> Proc:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = render_nginx(tmp, listen_port, backends)
    test = subprocess.run([nginx, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                          capture_output=True, text=True)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t failed: {test.stderr}")
    proc = Proc("nginx", [nginx, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                tmp / "nginx.out", env=dict(os.environ))
    wait_port(listen_port, proc.popen, what="nginx")
    return proc


def tmpdir(prefix: str) -> Path:
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


# The client workers live in bench/_clients.py; benchmarks reach them through this module.
from bench._clients import (  # noqa: E402,F401
    ask_all,
    http_session,
    latencies,
    spawn_workers,
    stop_workers,
    worker_main,
)

