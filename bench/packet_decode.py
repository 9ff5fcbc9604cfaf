"""What the bounded Socket.IO decoding costs, and what a flood of hostile packets writes to the log.

    .venv-dev/bin/python bench/packet_decode.py [--flood 200]

1. Decode time of a typical command (about 500 bytes) and of an 8 KB event (the largest one accepted),
   with the standard json module and with core/safe_json.py (median of many runs).
2. For each kind of hostile packet in tests/core/test_log_flood.py, sent `--flood` times on fresh
   anonymous polling sessions through the Flask test client: log lines written, at ERROR, with a
   traceback. Before the fix these were one ERROR with a traceback per packet.
"""
from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")


def decode_times() -> None:
    from core import safe_json

    command = json.dumps(["command", {"type": "activity", "action": "submit", "key": "k" * 20, "args": {
        "answers": {f"f{i}": {"value": i, "text": "some words here"} for i in range(8)}}}])
    large = json.dumps(["command", {"type": "activity", "args": {"answers": [{"v": i, "t": "x" * 12}
                                                                             for i in range(240)]}}])
    print("decode time (median of 7 x many runs)")
    for label, text in ((f"command, {len(command)} B", command), (f"event, {len(large)} B", large)):
        number = 20000 if len(text) < 1000 else 2000
        for name, loads in (("json", json.loads), ("safe_json", safe_json.loads)):
            runs = timeit.repeat(functools.partial(loads, text), number=number, repeat=7)
            print(f"  {label:18} {name:9} {statistics.median(runs) / number * 1e6:7.1f} us")


def flood(count: int) -> None:
    from core import create_app, logfilter, migrate
    from tests.core.test_log_flood import HOSTILE, open_polling_session, settle

    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/bench.db"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading", "INSTANCE_DIR": folder, "TESTING": True})
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    logging.getLogger().addHandler(keep)
    print(f"\nlog lines for {count} hostile packets of each kind (anonymous polling sessions)")
    try:
        for kind, body in HOSTILE.items():
            logfilter.CLIENT_CAP._windows.clear()
            records.clear()
            http = app.test_client()
            for _ in range(count):
                sid = open_polling_session(http)
                http.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data=body)
            settle()
            errors = sum(r.levelno >= logging.ERROR for r in records)
            tracebacks = sum(bool(r.exc_info) for r in records)
            print(f"  {kind:45} {len(records):4} lines, {errors:4} at ERROR, {tracebacks:4} tracebacks")
    finally:
        logging.getLogger().removeHandler(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=200)
    args = parser.parse_args()
    decode_times()
    flood(args.flood)


if __name__ == "__main__":
    main()
