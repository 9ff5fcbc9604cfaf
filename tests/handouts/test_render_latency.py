"""Live commands keep their latency while PDFs render, on the real server (gunicorn, gevent, one worker).

One facilitator keeps downloading a big session packet (every library activity's guide: a few
seconds of WeasyPrint each time) while another connection of theirs sends live commands (a message on
everyone's screen) several times a second. Every command must be acknowledged, and the slowest
acknowledgement of a command sent while a packet was rendering must stay far below the render time.
When PDFs rendered inside the event loop (SB_PDF_WORKERS=0 runs that old path), a command that arrived
mid-render waited for the rest of it: its ack took about as long as the render.
"""
from __future__ import annotations

import statistics
import threading
import time
import uuid

import pytest

from core import catalogue
from core.extensions import db
from tests.security import conftest as security_fixtures
from tests.security.support import seed

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

served = security_fixtures.served  # the real server next to the in-process app

RENDERS = 4  # packets downloaded while commands flow
GAP = 0.15  # seconds between commands (inside the per-connection event budget)


def test_live_commands_keep_their_latency_while_a_big_packet_renders(served):
    app, server = served
    from core.models import GroupSession
    from facilitator import plans

    s = seed(app)
    gs = s["gs"]
    with app.app_context():
        slugs = [a.slug for a in catalogue.library().all()]
        for slug in slugs:
            plans.add(db.session.get(GroupSession, gs.id), slug)
    # Every download a fresh render (no cache), and no per-person budget in the way.
    server.env.update({"SB_PDF_CACHE_MB": "0", "SB_PDF_RENDERS_PER_MINUTE": "600"})
    server.start()
    packet = f"{server.url}/sessions/{gs.id}/handouts/packet.pdf"
    downloader = server.login(s["email"])
    began = time.monotonic()
    warm = downloader.get(packet, timeout=120)  # starts a worker; not measured
    assert warm.status_code == 200 and warm.content.startswith(b"%PDF"), warm.status_code
    warm_seconds = time.monotonic() - began

    fac = server.socket(server.login(s["email"]), gs.public_id, "facilitator")
    renders: list[tuple[float, float, int]] = []  # (start, end, status)
    done = threading.Event()

    def download() -> None:
        try:
            for n in range(RENDERS):
                t0 = time.monotonic()
                r = downloader.get(packet + ("?paper=letter" if n % 2 else ""), timeout=120)
                renders.append((t0, time.monotonic(), r.status_code if r.content.startswith(b"%PDF") else -1))
        finally:
            done.set()

    acks: list[tuple[float, float, dict | None]] = []  # (sent, latency, ack)
    thread = threading.Thread(target=download, daemon=True)
    thread.start()
    n = 0
    while not done.is_set():
        sent = time.monotonic()
        try:
            ack = fac.call("command", {"type": "set_message", "text": f"Breathe {n}", "key": uuid.uuid4().hex},
                           timeout=30)
        except Exception:  # noqa: BLE001  (a lost command is counted as unacknowledged)
            ack = None
        acks.append((sent, time.monotonic() - sent, ack))
        n += 1
        time.sleep(GAP)
    thread.join(10)
    fac.disconnect()

    durations = [end - start for start, end, _status in renders]
    during = [latency for sent, latency, _ack in acks if any(start <= sent < end for start, end, _s in renders)]
    worst = max(during, default=float("nan"))
    print(f"\nrender latency: packet of {len(slugs)} guides, first {warm_seconds:.2f} s, then "
          f"{', '.join(f'{d:.2f}' for d in durations)} s; {len(acks)} commands, {len(during)} during renders: "
          f"ack p50 {statistics.median(during) * 1000:.0f} ms, worst {worst * 1000:.0f} ms")
    assert [status for *_t, status in renders] == [200] * RENDERS
    assert all(ack is not None and ack.get("ok") for _s, _l, ack in acks), [a for *_x, a in acks if not (a or {}).get("ok")]
    render_time = statistics.median(durations)
    assert render_time > 1.0, "the packet is too small to show anything"
    assert worst < render_time / 3, f"a live command waited {worst:.2f} s while a {render_time:.2f} s packet rendered"
    assert len(during) >= 5
    assert not server.errors()
