"""The PDF cache on its own: bounded by bytes (least recently used go first), by age, and emptied per
session or group on demand."""
from __future__ import annotations

from handouts import cache as cache_module
from handouts.cache import PdfCache


def test_bounded_by_total_bytes_least_recently_used_first():
    c = PdfCache()
    for name in "abc":
        c.put(name, name.encode() * 40, max_bytes=100, ttl=60)
    assert c.get("a") is None and c.get("b") and c.get("c") and c.size_bytes == 80
    c.get("b")  # b is now the most recent
    c.put("d", b"d" * 40, max_bytes=100, ttl=60)
    assert c.get("c") is None and c.get("b") and c.get("d")
    c.put("huge", b"x" * 101, max_bytes=100, ttl=60)
    assert c.get("huge") is None and len(c) == 2


def test_entries_expire(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: now[0])
    c = PdfCache()
    c.put("k", b"pdf", max_bytes=100, ttl=300)
    now[0] += 299
    assert c.get("k") == b"pdf"
    now[0] += 2
    assert c.get("k") is None and c.size_bytes == 0
    c.put("k", b"pdf", max_bytes=100, ttl=0)  # a TTL of 0 turns the cache off
    assert c.get("k") is None


def test_forget_a_session_or_a_group():
    c = PdfCache()
    c.put("s1", b"1", max_bytes=100, ttl=60, session_id=1, group_id=7)
    c.put("s2", b"2", max_bytes=100, ttl=60, session_id=2, group_id=7)
    c.put("g", b"3", max_bytes=100, ttl=60, group_id=7)
    c.put("other", b"4", max_bytes=100, ttl=60, session_id=3, group_id=8)
    assert c.forget(session_id=1) == 1 and c.get("s1") is None and c.get("s2")
    assert c.forget(group_id=7) == 2 and c.get("other") and len(c) == 1


def test_the_key_is_the_exact_html_and_paper():
    assert PdfCache.key("<p>a</p>", "a4") != PdfCache.key("<p>a </p>", "a4") != PdfCache.key("<p>a</p>", "letter")
    assert PdfCache.key("<p>a</p>", "a4") == PdfCache.key("<p>a</p>", "a4")


def test_erasing_a_session_or_group_and_the_purge_empty_the_cache(app, make_facilitator, make_group, make_session):
    from datetime import timedelta

    from core import retention
    from core.extensions import db
    from core.models import Group, GroupSession, utcnow

    owner = make_facilitator()
    group, other = make_group(owner), make_group(owner, "Other")
    erased, kept, expired = (make_session(group, owner, t) for t in ("Erased", "Kept", "Expired"))
    elsewhere = make_session(other, owner)
    with app.app_context():
        c = cache_module.cache(app)
        for gs in (erased, kept, expired, elsewhere):
            c.put(f"pdf-{gs.id}", b"%PDF", max_bytes=10_000, ttl=60, session_id=gs.id, group_id=gs.group_id)
        retention.erase_session(db.session.get(GroupSession, erased.id), owner.id)
        assert c.get(f"pdf-{erased.id}") is None and c.get(f"pdf-{kept.id}")
        with db.transaction() as s:
            row = s.get(GroupSession, expired.id)
            row.status, row.ended_at = "ended", utcnow() - timedelta(days=400)
        retention.purge_expired()
        assert c.get(f"pdf-{expired.id}") is None and c.get(f"pdf-{kept.id}")
        retention.erase_group(db.session.get(Group, group.id), owner.id)
        assert c.get(f"pdf-{kept.id}") is None and c.get(f"pdf-{elsewhere.id}")
