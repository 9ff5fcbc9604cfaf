"""What drawing the console's "Now" panel on the server costs per command (core/live/screens.py).

    .venv-dev/bin/python bench/console_render.py [--sizes 12,50,150,300] [--repeat 30]

For each kind with a per-member list (a running go-around, a check-in form everyone has answered,
formed listening pairs, feedback cards), with N members (a third of them in the room), times
`screens.console_html` of one facilitator view, against the same run's baseline: encoding that view
as JSON, which is what each command cost the server before the panel was drawn here (the page drew
it). Prints p50 / p95 in ms, the markup's size, and the ratio of the render's p50 to the baseline's.
Every broadcast renders the panel once (one message to the facilitators' room), so this is added to
each command's CPU, not multiplied by the audience. "again": the same view drawn when the console
already has its rows (core/live/console_rows.py), i.e. the cost of the next view when a member's
answer changed one row (that row's drawing aside) and its size.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")

F = {"role": "facilitator", "id": "f1"}


def people(n: int) -> list[dict]:
    return [{"id": f"p{i}", "name": f"Member {i}", "in_room": i % 3 == 0} for i in range(1, n + 1)]


def states(library, n: int) -> dict[str, tuple]:
    """(activity, state) per kind, each in a typical moment of a live session."""
    from activities import engine

    members = people(n)
    out = {}
    act = library["go-around"]
    s = engine.start(act, members, 0.0, 7, {})
    s, _ = engine.apply(s, {"type": "start", "actor": F}, 1.0)
    for t in range(n // 3):
        s, _ = engine.apply(s, {"type": "next", "actor": F}, 2.0 + t)
    out["round"] = (act, s)

    act = library["check-in"]
    s = engine.start(act, members, 0.0, 7, {"distress_families": library.distress_families()})
    families = [fam.id for fam in library.emotions]
    for i, m in enumerate(members):
        answers = {f["id"]: {"emotion": {"word": "calm", "family": families[i % 2]}, "scale": i % 10,
                             "short_text": "tired", "long_text": "a long day", "list": ["tea"]}[f["type"]]
                   for f in s["fields"]}
        s, _ = engine.apply(s, {"type": "submit", "actor": {"role": "participant", "id": m["id"]},
                                "answers": answers}, 1.0 + i / 100)
    out["form"] = (act, s)

    act = library["empathic-listening"]
    s = engine.start(act, members, 0.0, 7, {})
    s, _ = engine.apply(s, {"type": "form_groups", "actor": F, "how": "random", "seed": 5}, 1.0)
    s, _ = engine.apply(s, {"type": "start_round", "actor": F}, 2.0)
    out["pairs"] = (act, s)

    act = library["compassionate-feedback"]
    s = engine.start(act, members, 0.0, 7, {})
    out["cards"] = (act, s)
    return out


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm: templates compiled, caches filled
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="12,50,150,300")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    from activities import engine, plan
    from activities.library import load_library
    from core import catalogue, create_app
    from core.live import console_rows, screens

    folder = tempfile.mkdtemp()
    app = create_app({"DATABASE_URL": f"sqlite:///{Path(folder) / 'b.db'}", "ASYNC_MODE": "threading",
                      "INSTANCE_DIR": folder, "TESTING": True})
    library = load_library()
    print(f"{'N':>4}  {'kind':6} {'json p50':>9} {'render p50':>11} {'render p95':>11} {'KiB':>6} {'ratio':>6} "
          f"{'again p50':>10} {'again KiB':>10}")
    with app.test_request_context():
        emotions = catalogue.emotions()
        for n in (int(x) for x in args.sizes.split(",")):
            for kind, (act, state) in states(library, n).items():
                view = {"activity": {"item": plan.brief(act, emotions), "view": engine.facilitator_view(state)}}
                base = timed(lambda v=view: json.dumps(v, separators=(",", ":")), args.repeat)
                def draw(v, known=frozenset()):
                    rows = console_rows.Rows(known)
                    html = screens.console_html(v, rows) or ""
                    return rows, len(html) + sum(len(r) for r in rows.new.values())

                rows, size = draw(view)  # every row drawn: what a console gets when it joins
                known = frozenset(rows.used)
                render = timed(lambda v=view: draw(v), args.repeat)
                # the next view when one member's row changed, or none: only the panel and the changed rows
                redraw = timed(lambda v=view, k=known: draw(v, k), args.repeat)
                again_size = draw(view, known)[1]
                p50 = statistics.median(render)
                p95 = sorted(render)[int(0.95 * (len(render) - 1))]
                b50 = statistics.median(base)
                print(f"{n:>4}  {kind:6} {b50:9.2f} {p50:11.2f} {p95:11.2f} {size / 1024:6.0f} {p50 / b50:6.1f} "
                      f"{statistics.median(redraw):10.2f} {again_size / 1024:10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
