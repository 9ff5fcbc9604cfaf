"""Audit log read times: the group's audit page (latest 200) and the whole-log CSV export.

    .venv-dev/bin/python -m bench.audit_log [--events 20000] [--participants 400] [--runs 5]

Builds a throwaway SQLite database with one group whose audit log holds EVENTS events over 20
sessions (joins, admissions and removals of PARTICIPANTS people, facilitators' actions), then times,
as the routes do it, the page's rows (names resolved) with its template, and the streamed CSV export
(whole, and the longest piece computed between two yields: how long it holds the event loop); then
erases the group and times the CSV of its tombstone. Prints the median of RUNS runs of each.
Targets: the page well under 0.2 s; no export piece holds the loop longer than 50 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also as `python bench/audit_log.py`
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ["SB_ASYNC_MODE"] = "threading"

from flask import render_template  # noqa: E402

from core import audit, create_app, migrate  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import AuditEvent, Facilitator, GroupMember, GroupSession, Participant, utcnow  # noqa: E402

ACTIONS = ["join", "admit", "remove", "leave", "lock", "unlock", "read_summary", "print_take_home"]


def seed(events: int, participants: int) -> int:
    from facilitator import sessions as ops

    with db.transaction() as s:
        owner = Facilitator(name="Olga Owner", email="o@example.org", password_hash="!")
        co = Facilitator(name="Cora Cofac", email="c@example.org", password_hash="!")
        s.add_all([owner, co])
    group = ops.create_group(owner, "Bench group", "", "", 30)
    with db.transaction() as s:
        s.add(GroupMember(group_id=group.id, facilitator_id=co.id, role="co"))
    sessions = [ops.create_session(group, f"Week {n}", None, "", False, owner) for n in range(1, 21)]
    with db.transaction() as s:
        people = [Participant(session_id=random.choice(sessions).id, display_name=f"Person {n}", status="admitted")
                  for n in range(participants)]
        s.add_all(people)
    start = utcnow() - timedelta(days=300)
    with db.transaction() as s:
        for n in range(events):
            p = random.choice(people)
            by_participant = n % 3 == 0
            s.add(AuditEvent(group_id=group.id, session_id=p.session_id,
                             actor=f"participant:{p.id}" if by_participant else f"facilitator:{owner.id}",
                             actor_name="" if by_participant else owner.name, action=random.choice(ACTIONS),
                             target="" if by_participant else f"participant:{p.id}",
                             at=start + timedelta(minutes=n)))
    return group.id


def export(group_id: int) -> float:
    """Stream the whole CSV; returns the longest time spent between two yields (the event loop held)."""
    longest, t = 0.0, time.perf_counter()
    for _piece in audit.csv_chunks(group_id):
        now = time.perf_counter()
        longest, t = max(longest, now - t), now
    return longest


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        db.session.expire_all()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    random.seed(11)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "INSTANCE_DIR": tmp, "SERVER_NAME": "localhost",
                          "PURGE_SCHEDULER": False})
        with app.app_context(), app.test_request_context():
            group_id = seed(args.events, args.participants)
            group = db.session.get(GroupSession, 1).group

            def page():
                render_template("facilitator/audit.html", group=group, rows=audit.rows_for_group(group_id, 200),
                                page_size=200)

            results = [("audit page (latest 200, names resolved, rendered)", timed(page, args.runs)),
                       (f"CSV export, whole ({args.events} events)", timed(lambda: export(group_id), args.runs)),
                       (f"CSV export, longest piece between yields ({audit.CSV_CHUNK} events)",
                        statistics.median(export(group_id) for _ in range(args.runs)))]
            from core.retention import erase_group

            erase_group(group, 1)
            results.append((f"CSV of the erased group's tombstone ({args.events + 1} events)",
                            timed(lambda: export(group_id), args.runs)))
    print(f"audit log, {args.events} events, {args.participants} participants, median of {args.runs} runs (SQLite):")
    for label, seconds in results:
        print(f"  {label:<62} {seconds * 1000:8.1f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
