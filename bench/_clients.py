"""Client worker processes of the Socket.IO benchmarks: python-socketio AsyncClients (aiohttp,
WebSocket transport), many per process, over several processes so that the load generator is not the
bottleneck; and the delivery latencies they measure. Used through bench/_common.py, which re-exports
these names (`c.spawn_workers`, `c.latencies`, ...)."""
from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing as mp
import random
import signal
import time
from collections import defaultdict

from bench._common import USER_AGENT

# ---- client workers ------------------------------------------------------------------------------
#
# A worker process holds many AsyncClients. Protocol over a duplex Pipe, parent -> worker:
#   ("connect",)                      connect every client (bounded concurrency); answers ("connected", times)
#   ("drive", seconds, interval)      sessions whose facilitator lives here issue commands (many_groups)
#   ("answer", rate, count, args, t0) `count` of this worker's participants send the activity command
#                                     `args` (e.g. a check-in's answers), `rate` per second from time
#                                     t0, each without waiting for the one before; answers ("answered",
#                                     [{"version", "t", "ack"}])
#   ("stop",)                         answers ("results", {...}) and exits
# worker -> parent, unprompted: ("got", group, version) once all of this worker's participants of
# `group` received `version` (fan-out pacing).
#
# Each spec: {"key", "group", "role": "participant"|"facilitator", "url", "auth", "cookie", "local_addr"}.
# A client's receive time of a version is recorded once, on the first `view` carrying it.


def http_session(local_addr: str | None = None):
    """An aiohttp session for one client: its own cookie jar (unsafe=True: cookies for 127.0.0.1 too),
    and optionally a source address (127.0.N.1: nginx's ip_hash looks at the first three octets)."""
    import aiohttp

    connector = aiohttp.TCPConnector(local_addr=(local_addr, 0)) if local_addr else None
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))


def spawn_workers(specs: list[dict], n_procs: int, opts: dict | None = None) -> list:
    """Start client worker processes; sessions (groups) stay whole within one worker when `opts`
    says so (many_groups), else clients are dealt round-robin. Returns [(process, pipe)]."""
    ctx = mp.get_context("spawn")
    opts = opts or {}
    buckets: list[list[dict]] = [[] for _ in range(n_procs)]
    if opts.get("whole_groups"):
        groups = sorted({s["group"] for s in specs})
        where = {g: i % n_procs for i, g in enumerate(groups)}
        for s in specs:
            buckets[where[s["group"]]].append(s)
    else:
        for i, s in enumerate(specs):
            buckets[i % n_procs].append(s)
    workers = []
    for wid, bucket in enumerate(buckets):
        if not bucket:
            continue
        parent, child = ctx.Pipe()
        p = ctx.Process(target=worker_main, args=(wid, bucket, child, opts), daemon=True)
        p.start()
        child.close()
        workers.append((p, parent))
    return workers


def ask_all(workers: list, message: tuple, expect: str, timeout: float = 300) -> list:
    """Send `message` to every worker and collect one `expect` answer from each (skipping "got")."""
    for _p, pipe in workers:
        pipe.send(message)
    answers = []
    deadline = time.time() + timeout
    for p, pipe in workers:
        while True:
            left = deadline - time.time()
            if left <= 0 or not pipe.poll(left):
                raise RuntimeError(f"a client worker did not answer {message[0]!r} in time (alive={p.is_alive()})")
            got = pipe.recv()
            if got[0] == expect:
                answers.append(got[1])
                break
            if got[0] == "error":
                raise RuntimeError(f"client worker failed: {got[1]}")
    return answers


def stop_workers(workers: list) -> None:
    for p, pipe in workers:
        pipe.close()
        p.join(timeout=10)
        if p.is_alive():
            p.terminate()
            p.join(timeout=5)


def worker_main(wid: int, specs: list[dict], pipe, opts: dict) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us through the pipe
    import aiohttp  # noqa: F401  (imported before any connect is timed)
    import socketio  # noqa: F401
    try:
        asyncio.run(_Worker(wid, specs, pipe, opts).run())
    except Exception as exc:  # noqa: BLE001  (reported to the parent, which raises)
        import traceback

        pipe.send(("error", f"worker {wid}: {exc!r}\n{traceback.format_exc()}"))


class _Worker:
    def __init__(self, wid: int, specs: list[dict], pipe, opts: dict):
        self.wid, self.specs, self.pipe, self.opts = wid, specs, pipe, opts
        self.clients: dict[str, object] = {}
        self.last: dict[str, int] = {}
        self.recv: dict[tuple[str, int], list[float]] = defaultdict(list)
        self.expected = defaultdict(int)
        for s in specs:
            if s["role"] == "participant":
                self.expected[s["group"]] += 1
        self.sizes: list[int] = []
        self.mine: dict[int, int] = defaultdict(int)  # version -> personal parts ("mine") received
        self.bytes: dict[int, int] = defaultdict(int)  # version -> bytes of the parts received (JSON)
        self.emits: list[dict] = []
        self.errors: list[str] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue = asyncio.Queue()

        def read() -> None:
            try:
                inbox.put_nowait(self.pipe.recv())
            except (EOFError, OSError):  # the parent went away: stop
                loop.remove_reader(self.pipe.fileno())
                inbox.put_nowait(("stop",))

        loop.add_reader(self.pipe.fileno(), read)
        while True:
            msg = await inbox.get()
            if msg[0] == "connect":
                times = await self.connect_all()
                self.pipe.send(("connected", {"times": times, "errors": self.errors[:5], "failed": len(self.errors)}))
            elif msg[0] == "drive":
                await self.drive(msg[1], msg[2])
                self.pipe.send(("driven", len(self.emits)))
            elif msg[0] == "answer":
                self.pipe.send(("answered", await self.answer(*msg[1:])))
            elif msg[0] == "stop":
                with contextlib.suppress(OSError):
                    self.pipe.send(("results", {"recv": dict(self.recv), "emits": self.emits, "sizes": self.sizes[:2000], "mine": dict(self.mine),
                                                "bytes": dict(self.bytes),
                                                "errors": self.errors[:5]}))
                with contextlib.suppress(ValueError, OSError):
                    loop.remove_reader(self.pipe.fileno())
                await asyncio.gather(*(c.disconnect() for c in self.clients.values()), return_exceptions=True)
                return

    def _on_view(self, spec: dict, data) -> None:
        t = time.time()
        if not isinstance(data, dict) or not isinstance(data.get("version"), int):
            return
        v = data["version"]
        if v <= self.last.get(spec["key"], 0):
            return
        self.last[spec["key"]] = v
        if spec["role"] != "participant":
            return
        key = (spec["group"], v)
        self.recv[key].append(t)
        size = len(json.dumps(data, separators=(",", ":")))
        self.bytes[v] += size
        if len(self.sizes) < 2000:
            self.sizes.append(size)
        if self.opts.get("report_got") and len(self.recv[key]) == self.expected[spec["group"]]:
            self.pipe.send(("got", spec["group"], v))

    async def _connect(self, spec: dict, sem: asyncio.Semaphore) -> float | None:
        import socketio

        client = socketio.AsyncClient(reconnection=False, http_session=lambda: http_session(spec.get("local_addr")),
                                      handle_sigint=False, request_timeout=30)
        ready = asyncio.Event()

        @client.on("snapshot")
        async def _snapshot(data):
            whole = isinstance(data, dict) and (data.get("view") or data.get("shared"))  # a phone's: two parts
            if isinstance(whole, dict):
                self.last[spec["key"]] = whole.get("version", 0)
            ready.set()

        @client.on("view")  # the console's and the display's whole view; the floor server's only event
        async def _view(data):
            self._on_view(spec, data)

        @client.on("shared")  # the room's part of a phone's view: every phone, once per change
        async def _shared(data):
            self._on_view(spec, data)

        @client.on("mine")  # a phone's own part: only when it changed (counted, not timed)
        async def _mine(data):
            if isinstance(data, dict) and isinstance(data.get("version"), int):
                self.mine[data["version"]] += 1
                self.bytes[data["version"]] += len(json.dumps(data, separators=(",", ":")))

        async with sem:
            t0 = time.time()
            headers = {"User-Agent": USER_AGENT, **({"Cookie": spec["cookie"]} if spec.get("cookie") else {})}
            try:
                await asyncio.wait_for(client.connect(spec["url"], headers=headers, auth=spec["auth"],
                                                      transports=["websocket"], wait_timeout=30), 60)
                if not self.opts.get("floor"):
                    await asyncio.wait_for(ready.wait(), 30)
            except Exception as exc:  # noqa: BLE001  (counted and reported)
                self.errors.append(f"{spec['key']}: {exc!r}")
                return None
            self.clients[spec["key"]] = client
            return time.time() - t0

    async def connect_all(self) -> list[float]:
        sem = asyncio.Semaphore(self.opts.get("connect_concurrency", 10))
        # Facilitators first, so that they are there when their participants arrive.
        order = sorted(self.specs, key=lambda s: s["role"] != "facilitator")
        fac = [s for s in order if s["role"] == "facilitator"]
        rest = [s for s in order if s["role"] != "facilitator"]
        times = [t for t in await asyncio.gather(*(self._connect(s, sem) for s in fac)) if t is not None]
        times += [t for t in await asyncio.gather(*(self._connect(s, sem) for s in rest)) if t is not None]
        return times

    async def command(self, client, payload: dict, group: str, who: str, kind: str) -> dict | None:
        t0 = time.time()
        try:
            ack = await client.call("command", payload, timeout=30)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"{group} {kind}: {exc!r}")
            return None
        t1 = time.time()
        if isinstance(ack, dict) and ack.get("ok"):
            self.emits.append({"group": group, "version": ack["version"], "t": t0, "ack": t1 - t0, "who": who,
                               "kind": kind})
        return ack

    async def answer(self, rate: float, count: int, args: dict, t0: float) -> list[dict]:
        """`count` participants here each send one activity command, `rate` per second from t0."""
        people = [self.clients[s["key"]] for s in self.specs if s["role"] == "participant" and s["key"] in self.clients]
        sent: list[dict] = []

        async def one(k: int, client) -> None:
            await asyncio.sleep(max(0.0, t0 + k / rate - time.time()))
            t = time.time()
            try:
                ack = await client.call("command", {"type": "activity", "key": f"a{self.wid}x{k}x{int(t * 1e6)}", **args},
                                        timeout=30)
            except Exception as exc:  # noqa: BLE001  (counted and reported)
                self.errors.append(f"answer: {exc!r}")
                return
            if isinstance(ack, dict) and ack.get("ok"):
                sent.append({"version": ack["version"], "t": t, "ack": time.time() - t})
            else:
                self.errors.append(f"answer refused: {ack!r}"[:200])

        await asyncio.gather(*(one(k, client) for k, client in enumerate(people[:count])))
        return sent

    async def drive(self, seconds: float, interval: float) -> None:
        """Every session whose facilitator is here runs a go-around: the facilitator moves it on
        (restarting it when everyone has had a turn) and, in between, one participant passes."""
        by_group: dict[str, dict] = defaultdict(lambda: {"fac": None, "parts": []})
        for s in self.specs:
            if s["key"] in self.clients:
                slot = by_group[s["group"]]
                if s["role"] == "facilitator":
                    slot["fac"] = self.clients[s["key"]]
                else:
                    slot["parts"].append(self.clients[s["key"]])
        deadline = time.time() + seconds
        rng = random.Random(self.wid)

        async def session_loop(group: str, fac, parts: list) -> None:
            await asyncio.sleep(rng.random() * interval)
            n = 0
            while time.time() < deadline:
                started = time.time()
                key = lambda: f"k{self.wid}x{rng.getrandbits(48):x}"  # noqa: E731
                if n % 2 == 0:
                    ack = await self.command(fac, {"type": "activity", "action": "next", "key": key()}, group,
                                             "facilitator", "round next")
                    if ack is not None and not ack.get("ok"):
                        await self.command(fac, {"type": "plan_go", "index": 0, "key": key()}, group, "facilitator",
                                           "plan_go")
                        await self.command(fac, {"type": "activity", "action": "start", "key": key()}, group,
                                           "facilitator", "round start")
                elif parts:
                    await self.command(rng.choice(parts), {"type": "pass", "key": key()}, group, "participant",
                                       "pass")
                n += 1
                await asyncio.sleep(max(0.0, interval / 2 - (time.time() - started)))

        await asyncio.gather(*(session_loop(g, v["fac"], v["parts"]) for g, v in by_group.items() if v["fac"]))


def latencies(emits: list[dict], recvs: list[dict]) -> dict[str, list[float]]:
    """Delivery latency per command kind: each participant's receive time minus the emit time."""
    merged: dict[tuple[str, int], list[float]] = defaultdict(list)
    for r in recvs:
        for key, times in r.items():
            merged[key].extend(times)
    out: dict[str, list[float]] = defaultdict(list)
    for e in emits:
        for t in merged.get((e["group"], e["version"]), []):
            out[e["kind"]].append(t - e["t"])
            out["all"].append(t - e["t"])
    return out
