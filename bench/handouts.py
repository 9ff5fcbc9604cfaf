"""Handout render times: the median of several runs per handout type, and a ~20-page session packet.

    .venv-dev/bin/python -m bench.handouts [--runs 5] [--out DIR]

Builds a throwaway SQLite database with one session (a plan of six activities, eight participants,
finished check-in, go-around and check-out runs), then renders every handout type through the same
code the routes use. Targets: one activity handout <= 0.3 s, a 20-page packet <= 3 s. `--out` also
keeps one PDF of each type for a look.
"""
from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ["SB_ASYNC_MODE"] = "threading"

from pypdf import PdfReader  # noqa: E402

from core import catalogue, create_app, links, migrate  # noqa: E402
from core.activity_models import ActivityRun, PlanItem  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Facilitator, Participant, utcnow  # noqa: E402

TARGETS = {"activity": 0.3, "packet": 3.0, "session": None}  # seconds; session sheets have no set target
PLAN = [("check-in", 15), ("go-around", 20), ("box-breathing", 5), ("empathic-listening", 35),
        ("helped-hindered", 15), ("check-out", 10)]
NAMES = ["Ana", "Ben", "Cy", "Dee", "Eli", "Fran", "Gus", "Hana"]
FEELINGS = [("hopeful", "glad"), ("nervous", "scared"), ("tired", "tired"), ("calm", "calm"),
            ("windswept", None), ("low", "sad"), ("curious", "glad"), ("on edge", "scared")]


def _form_state(slug: str, answers: dict) -> dict:
    fields = [f.model_dump() for f in catalogue.library()[slug].settings.fields]
    return {"kind": "form", "phase": "closed", "fields": fields, "answers": answers,
            "submitted_at": {m: 0 for m in answers}, "members": {}, "spotlight": None, "shared": []}


def seed():
    """One group, one session with a plan, participants and three finished activity runs."""
    from facilitator import sessions as ops

    with db.transaction() as s:
        f = Facilitator(name="Bench", email="bench@example.org", password_hash="!")
        s.add(f)
    group = ops.create_group(f, "Thursday evening group", "", "", 30)
    gs = ops.create_session(group, "Week 3: Reaching out", utcnow(), "", False, f)
    with db.transaction() as s:
        for n, (slug, minutes) in enumerate(PLAN):
            s.add(PlanItem(session_id=gs.id, position=n, slug=slug, minutes=minutes))
        people = [Participant(session_id=gs.id, display_name=name, status="admitted", admitted_at=utcnow(),
                              consent_at=utcnow(), in_room=(name == "Cy")) for name in NAMES]
        s.add_all(people)
        s.flush()
        members = [p.engine_id for p in people]
        checkin = {m: {"feeling": {"word": w, "family": fam}, "intensity": (3 + i * 2) % 11,
                       "need": f"{NAMES[i]} would like some patience today"}
                   for i, (m, (w, fam)) in enumerate(zip(members, FEELINGS, strict=True))}
        checkout = {m: {"one_word": "lighter", "take_with_me": "Listening to the end",
                        "commitment": f"{NAMES[i]} will send one message to a friend"} for i, m in enumerate(members)}
        start = time.time() - 3600
        runs = [("check-in", "form", 15, _form_state("check-in", checkin), 0, 16),
                ("go-around", "round", 20, {"kind": "round", "airtime": {m: 60 + 17 * i for i, m in enumerate(members)}},
                 16, 38),
                ("check-out", "form", 10, _form_state("check-out", checkout), 38, 47)]
        for n, (slug, kind, planned, state, begin, end) in enumerate(runs):
            s.add(ActivityRun(session_id=gs.id, position=n, slug=slug, title=catalogue.library()[slug].title,
                              kind=kind, planned_minutes=planned, started_at=start + begin * 60,
                              ended_at=start + end * 60, state=state))
    return gs, people[0]


def _timed(runs: int, render) -> tuple[float, float, bytes]:
    """Median wall time and median CPU time of this process (CPU time is what counts on a busy machine)."""
    wall, cpu, pdf = [], [], b""
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf = render()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="keep one PDF of each type here")
    args = parser.parse_args(argv)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    tmp = Path(tempfile.mkdtemp(prefix="sb-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading", "SERVER_NAME": "localhost",
                      "PUBLIC_URL": "https://securebase.example"})
    from facilitator.plans import plan_rows
    from handouts import context as ctx
    from handouts import session_context as sctx
    from handouts.render import render_pdf

    with app.test_request_context():
        gs, ana = seed()
        lib, emotions = catalogue.library(), catalogue.emotions()
        cases = [
            ("Facilitator guide (check-in)", "activity", "handouts/guide.html", ctx.guide_context(lib["check-in"])),
            ("Worksheet (check-in)", "activity", "handouts/worksheet.html",
             ctx.worksheet_context(lib["check-in"], emotions)),
            ("Guide, longest (attachment-patterns)", "activity", "handouts/guide.html",
             ctx.guide_context(lib["attachment-patterns"])),
            ("Reference (internal-working-models)", "activity", "handouts/reference.html",
             ctx.reference_context(lib["internal-working-models"])),
            ("Group agreements", "activity", "handouts/agreements.html", sctx.agreements_context(gs.group)),
            ("Join sheet", "activity", "handouts/join_sheet.html", sctx.join_context(gs, links.join_info(gs))),
            ("Session summary", "session", "handouts/summary.html", sctx.summary_context(gs, emotions)),
            ("Take-home sheet", "session", "handouts/take_home.html", sctx.take_home_context(gs, ana, emotions)),
            ("Packet, participant edition", "packet", "handouts/packet.html",
             sctx.packet_context(gs, plan_rows(gs), "participant", emotions)),
            ("Packet, facilitator edition", "packet", "handouts/packet.html",
             sctx.packet_context(gs, plan_rows(gs), "facilitator", emotions)),
        ]
        render_pdf(*cases[0][2:4])  # warm-up: fonts, parsed stylesheet
        print(f"{'Handout':40s} {'pages':>5s} {'wall s':>7s} {'cpu s':>7s} {'target':>7s}")
        failed = 0
        for name, group, template, context in cases:
            seconds, cpu, pdf = _timed(args.runs, lambda t=template, c=context: render_pdf(t, c))
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            target = TARGETS[group]
            ok = target is None or seconds <= target
            failed += not ok
            verdict = "" if target is None else ("ok" if ok else "SLOW")
            print(f"{name:40s} {pages:5d} {seconds:7.3f} {cpu:7.3f} {target or '-':>7} {verdict}")
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / (name.split(" (")[0].lower().replace(",", "").replace(" ", "-") + ".pdf")).write_bytes(pdf)
    print(f"{args.runs} runs each, medians; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
          "(wall time is judged against the target; CPU time shows the cost without other load).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
