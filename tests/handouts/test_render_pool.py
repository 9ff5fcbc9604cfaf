"""Handout PDFs are made by worker processes (handouts/pool.py), not in the serving process: the
restricted fetcher still applies there, dead and stuck workers are replaced, a full pool answers
"busy", repeated downloads come from the cache, renders are budgeted per person, and facilitators'
reads of sensitive handouts are audited."""
from __future__ import annotations

import os
import signal
import threading
import time
import types

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from handouts import cache as pdf_cache
from handouts import making
from handouts import pool as render_pool
from handouts.pool import Busy, Pool, RenderFailed, RenderTimeout
from handouts.render import ORIGIN, static_roots
from tests.handouts.conftest import pdf_text

MARKED = ("<html><head><title>t</title><link rel='stylesheet' href='{href}'></head>"
          "<body><p class='m'>Hello</p></body></html>")


def long_html(paragraphs: int) -> str:
    body = "".join(f"<p>Paragraph {n} " + "words to set in lines " * 40 + "</p>" for n in range(paragraphs))
    return f"<html><head><title>long</title></head><body>{body}</body></html>"


@pytest.fixture
def roots(pdf_app):
    return static_roots(pdf_app)  # print.css comes from the handouts' static folder


@pytest.fixture
def small_pool():
    pools = []

    def make(size: int = 1, queue: int = 0, timeout: float = 60) -> Pool:
        p = Pool(size, queue, timeout)
        pools.append(p)
        return p

    yield make
    for p in pools:
        p.close()


def test_the_serving_process_never_runs_weasyprint(room, monkeypatch):
    """If the route rendered in this process (as it used to), this would be a 500."""
    import weasyprint

    def refuse(*_a, **_k):
        raise AssertionError("WeasyPrint ran in the serving process")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", refuse)
    r = room["f"].client.get(f"/sessions/{room['gs'].id}/handouts/packet.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert "Sessionpacket" in pdf_text(r.data)


def test_a_worker_fetches_only_through_the_restricted_fetcher(small_pool, roots, tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text(".m::after { content: 'Servedmarker' }")
    (tmp_path / "outside.css").write_text(".m::after { content: 'Leakedmarker' }")
    roots = [("/static/x", root.resolve()), *roots]
    pool = small_pool()
    served = pdf_text(pool.render(MARKED.format(href=f"{ORIGIN}/static/x/ok.css"), "a4", roots))
    assert "Servedmarker" in served
    for href in (f"file://{tmp_path}/outside.css", f"{ORIGIN}/static/x/../outside.css",
                 "http://127.0.0.1:1/x.css"):
        text = pdf_text(pool.render(MARKED.format(href=href), "a4", roots))
        assert "Hello" in text and "Leakedmarker" not in text
    (pid,) = [w.proc.pid for w in pool.workers()]
    assert pid != os.getpid()


def test_a_dead_worker_is_replaced(small_pool, roots):
    pool = small_pool()
    assert b"%PDF" in pool.render(long_html(1), "a4", roots)
    (worker,) = pool.workers()
    os.kill(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(timeout=10)
    assert b"%PDF" in pool.render(long_html(1), "a4", roots)
    assert pool.started == 2 and [w.proc.pid for w in pool.workers()] != [worker.proc.pid]


def test_a_refused_job_is_an_error_and_the_worker_goes_on(small_pool, roots):
    pool = small_pool()
    with pytest.raises(RenderFailed):
        pool.render(long_html(1), "a3", roots)  # not a paper the worker knows
    assert b"%PDF" in pool.render(long_html(1), "a4", roots)
    assert pool.started == 1


def test_a_slow_render_times_out_and_its_worker_is_stopped(small_pool, roots):
    pool = small_pool(timeout=0.5)
    began = time.monotonic()
    with pytest.raises(RenderTimeout):
        pool.render(long_html(400), "a4", roots)  # far more than half a second of work
    assert time.monotonic() - began < 5
    assert pool.workers() == []  # killed, not handed back with a half-read answer in its pipe
    pool.timeout = 60
    assert b"%PDF" in pool.render(long_html(1), "a4", roots)


def test_a_full_pool_says_busy_at_once(small_pool, roots):
    pool = small_pool(size=1, queue=0)
    done = []
    first = threading.Thread(target=lambda: done.append(pool.render(long_html(60), "a4", roots)))
    first.start()
    deadline = time.monotonic() + 10
    while pool._admitted == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    began = time.monotonic()
    with pytest.raises(Busy):
        pool.render(long_html(1), "a4", roots)
    assert time.monotonic() - began < 0.5
    first.join(60)
    assert done and done[0].startswith(b"%PDF")


# ---- through the routes -------------------------------------------------------------------------


def test_busy_slow_and_failed_renders_get_calm_pages(room, monkeypatch):
    f, gs = room["f"], room["gs"]
    for exc, code, words in ((Busy("x"), 503, "The printer is busy"), (RenderTimeout("x"), 504, "took too long"),
                             (RenderFailed("x"), 500, "could not be made")):
        class Failing:
            def render(self, *_a, exc=exc):
                raise exc

        monkeypatch.setattr(render_pool, "pool", lambda *_a: Failing())
        r = f.client.get(f"/sessions/{gs.id}/handouts/join-sheet.pdf")
        assert r.status_code == code and words in r.data.decode() and r.mimetype == "text/html"
        assert "Traceback" not in r.data.decode()
        assert r.headers.get("Retry-After") == ("5" if code == 503 else None)


def test_a_real_timeout_through_the_route(app, room):
    app.config["PDF_TIMEOUT_SECONDS"] = 0.3
    r = room["f"].client.get(f"/sessions/{room['gs'].id}/handouts/packet.pdf")
    assert r.status_code == 504 and "took too long" in r.data.decode()


def _count_renders(monkeypatch) -> list[str]:
    made = []
    real = Pool.render

    def counting(self, html, paper, roots):
        made.append(paper)
        return real(self, html, paper, roots)

    monkeypatch.setattr(Pool, "render", counting)
    return made


def test_repeated_downloads_of_unchanged_content_come_from_the_cache(app, room, monkeypatch):
    made = _count_renders(monkeypatch)
    f, gs = room["f"], room["gs"]
    url = f"/sessions/{gs.id}/handouts/packet.pdf"
    first = f.client.get(url).data
    assert f.client.get(url).data == first and len(made) == 1
    f.client.get(url + "?paper=letter")
    assert len(made) == 2  # other content, other key
    with app.app_context():
        assert pdf_cache.forget(gs.id) == 2
    assert f.client.get(url).data.startswith(b"%PDF") and len(made) == 3


def test_the_cache_is_off_when_its_size_is_zero(app, room, monkeypatch):
    app.config["PDF_CACHE_BYTES"] = 0
    made = _count_renders(monkeypatch)
    for _ in range(2):
        room["f"].client.get(f"/sessions/{room['gs'].id}/handouts/join-sheet.pdf")
    assert len(made) == 2


def test_renders_are_limited_per_person_with_a_human_page(app, room, monkeypatch):
    app.config["PDF_RENDERS_PER_MINUTE"] = 2
    # The budget's clock stands still: on a busy machine two renders can take the 30 s in which the
    # bucket earns a render back, and the third would be allowed.
    monkeypatch.setattr("core.ratelimit.time", types.SimpleNamespace(monotonic=lambda: 1000.0))
    made = _count_renders(monkeypatch)
    f, gs = room["f"], room["gs"]
    assert f.client.get(f"/sessions/{gs.id}/handouts/join-sheet.pdf").status_code == 200
    assert f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf").status_code == 200
    r = f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf?paper=letter")
    assert r.status_code == 429 and "wait a minute" in r.data.decode() and r.headers["Retry-After"] == "60"
    assert f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf").status_code == 200  # cached: no render
    # Someone else is not held back by this facilitator's printing.
    assert room["ana_client"].get(f"/s/{gs.public_id}/take-home.pdf").status_code == 200
    assert len(made) == 3
    with app.app_context():
        making.budget().forget(f"facilitator:{f.id}")


def _actions(app, gs) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(select(AuditEvent).where(AuditEvent.session_id == gs.id)
                                  .order_by(AuditEvent.id)).scalars()
        return [(e.action, e.actor, e.target) for e in rows]


def test_facilitators_reads_of_sensitive_handouts_are_audited(app, room):
    f, gs, ana = room["f"], room["gs"], room["ana"]
    before = len(_actions(app, gs))
    assert f.client.get(f"/sessions/{gs.id}/handouts/summary.pdf").status_code == 200
    assert f.client.get(f"/sessions/{gs.id}/handouts/summary").status_code == 200
    assert f.client.get(f"/sessions/{gs.id}/take-home/{ana.id}.pdf").status_code == 200
    assert f.client.get(f"/sessions/{gs.id}/take-home/{ana.id}").status_code == 200
    assert f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf").status_code == 200  # no answers in it
    actor = f"facilitator:{f.id}"
    assert _actions(app, gs)[before:] == [
        ("print_summary", actor, ""), ("preview_summary", actor, ""),
        ("print_take_home", actor, f"participant:{ana.id}"), ("preview_take_home", actor, f"participant:{ana.id}")]


def test_a_handout_that_was_not_given_out_is_not_audited_as_read(app, room, monkeypatch):
    app.config["PDF_RENDERS_PER_MINUTE"] = 1
    _count_renders(monkeypatch)
    f, gs, ana = room["f"], room["gs"], room["ana"]
    assert f.client.get(f"/sessions/{gs.id}/handouts/join-sheet.pdf").status_code == 200  # the one render
    before = len(_actions(app, gs))
    assert f.client.get(f"/sessions/{gs.id}/take-home/{ana.id}.pdf").status_code == 429
    assert f.client.get(f"/sessions/{gs.id}/handouts/summary.pdf").status_code == 429
    assert _actions(app, gs)[before:] == []
    with app.app_context():
        making.budget().forget(f"facilitator:{f.id}")
