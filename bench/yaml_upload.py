"""Activity YAML reading times: the worst documents the bounds allow, and hostile ones (refused).

    .venv-dev/bin/python -m bench.yaml_upload [--runs 5]

For each document: the median time of `yaml_reader.read` with libyaml (what the app uses) and with the
pure-Python parser (the fallback when PyYAML lacks libyaml), the upload's whole check (read + schema,
`custom_activities._read_and_check`), and the longest a gevent event loop went without running while
that check ran inline (as before the fix) and in gevent's thread pool (as uploads run now). Target: no
single upload holds the event loop for more than a few tens of milliseconds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")

import gevent  # noqa: E402
import yaml  # noqa: E402

from activities import yaml_reader  # noqa: E402
from activities.yaml_reader import MAX_BYTES, MAX_DEPTH, MAX_NODES  # noqa: E402
from facilitator.custom_activities import _read_and_check  # noqa: E402

BASE = ("kind: info\ntitle: Sleep and mood\ncategory: psychoeducation\nsummary: Sleep and mood.\n"
        "purpose: A simple picture.\nintro: A few minutes.\nduration: 10\nsteps:\n"
        "  - {minutes: 10, text: Read together}\nprompts:\n  - What helps?\n"
        "settings:\n  sections:\n    - {heading: The cycle, body: Poor sleep lowers mood.}\n")


def _fill(prefix: str, line: str, budget: int) -> str:
    """`prefix` plus as many copies of `line` as fit in `budget` nodes and MAX_BYTES bytes."""
    room = MAX_BYTES - len(prefix.encode())
    return prefix + line * min(budget, room // len(line.encode()))


def documents() -> dict[str, tuple[str, str]]:
    """name -> (text, what the bounds make of it)."""
    base_nodes = sum(isinstance(e, (yaml.ScalarEvent, yaml.CollectionStartEvent)) for e in yaml.parse(BASE))
    notes = MAX_NODES - base_nodes - 2  # the key and the list
    long_note = "x" * (MAX_BYTES // notes - 6)
    docs = {
        "largest shipped file (repair-script)": (Path(ROOT, "activities/library/repair-script.yaml").read_text(), ""),
        f"widest allowed: {notes:,} short list items": (_fill(BASE + "hybrid_notes:\n", "- n\n", notes), ""),
        f"widest allowed: {MAX_NODES // 2 - 20:,} keys": (
            BASE + "".join(f"k{i}: v\n" for i in range(MAX_NODES // 2 - 20)), ""),
        "largest allowed: 200 KB in ~5,000 items": (_fill(BASE + "hybrid_notes:\n", f"- {long_note}\n", notes), ""),
        "largest allowed: one 200 KB text": (BASE + "purpose2: " + "word " * ((MAX_BYTES - len(BASE) - 20) // 5), ""),
        f"deepest allowed: {MAX_DEPTH} levels": (BASE + "extra: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1),
                                                 ""),
        "hostile: depth 600": (BASE + "extra: " + "[" * 600 + "x" + "]" * 600, "refused"),
        "hostile: depth 6,000": (BASE + "extra: " + "[" * 6000 + "x" + "]" * 6000, "refused"),
        "hostile: depth 95,000 (190 KB)": ("[" * 95_000 + "]" * 95_000, "refused"),
        "hostile: 90,000 list items": ("[" + ",".join(["x"] * 90_000) + "]", "refused"),
        "hostile: billion laughs": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                    "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "refused"),
    }
    return {name: (text, expect) for name, (text, expect) in docs.items()}


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def loop_held_ms(fn, offload: bool) -> float:
    """The longest gap between the ticks of a 1 ms ticker greenlet while `fn` runs (inline or in the pool)."""
    gaps: list[float] = []

    def ticker():
        last = time.perf_counter()
        while True:
            gevent.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = gevent.spawn(ticker)
    gevent.sleep(0.01)
    gaps.clear()
    if offload:
        gevent.get_hub().threadpool.apply(fn)
    else:
        fn()
    gevent.sleep(0.005)
    tick.kill()
    return max(gaps) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"bounds: {MAX_BYTES // 1024} KB, depth {MAX_DEPTH}, {MAX_NODES:,} nodes; libyaml: {yaml.__with_libyaml__}; "
          f"median of {args.runs} runs, ms")
    print(f"{'document':42} {'KB':>6} {'libyaml':>8} {'python':>8} {'upload':>8} {'loop held':>10} {'in pool':>8}  "
          "outcome")
    for name, (text, expect) in documents().items():
        raw = text.encode()
        fast = median_ms(lambda raw=raw: yaml_reader.read(raw), args.runs)
        slow = median_ms(lambda raw=raw: yaml_reader.read(raw, yaml.SafeLoader), max(1, args.runs // 2))
        check = median_ms(lambda raw=raw: _read_and_check(raw), args.runs)
        inline = loop_held_ms(lambda raw=raw: _read_and_check(raw), offload=False)
        pooled = loop_held_ms(lambda raw=raw: _read_and_check(raw), offload=True)
        data, problems = yaml_reader.read(raw)
        outcome = ", ".join(sorted({p.kind for p in problems})) or "read"
        assert bool(problems) == (expect == "refused"), (name, outcome)
        print(f"{name:42} {len(raw) / 1024:6.1f} {fast:8.1f} {slow:8.1f} {check:8.1f} {inline:10.1f} {pooled:8.1f}  "
              f"{outcome}")


if __name__ == "__main__":
    main()
