"""Abuse limits on Socket.IO: an event budget per connection and per person (across all their
connections), caps on simultaneous connections per participant, facilitator and room display, and
the 8 KB event size cap. (Login and join-code limits: tests/core/test_setup_and_login.py and
tests/participant/test_join_flow.py.)"""
from __future__ import annotations

import logging
import time

from core import sockets
from core.extensions import db
from core.models import Connection, utcnow

FLOOD = 500
TOO_MANY = "Too many requests. Please wait a moment."


def test_a_flood_from_one_member_is_cut_and_other_sessions_carry_on(app, make_facilitator, make_group, make_session,
                                                                       sock, join, caplog):
    f = make_facilitator()
    group = make_group(f)
    flooded, other = make_session(group, f, "Flooded", auto_admit=True), make_session(group, f, "Other",
                                                                                      auto_admit=True)
    flooder_http, _ = join(flooded, "Flo")
    neighbour_http, _ = join(flooded, "Nia")
    bystander_http, _ = join(other, "Bea")
    tabs = [sock(flooder_http, flooded, "participant") for _ in range(5)]
    assert all(t.is_connected() for t in tabs)
    neighbour = sock(neighbour_http, flooded, "participant")
    bystander = sock(bystander_http, other, "participant")

    accepted = refused = 0
    calm = {"neighbour": [], "bystander": []}
    caplog.set_level(logging.INFO, logger="core.sockets")
    began = time.monotonic()
    for i in range(FLOOD):
        ack = tabs[i % len(tabs)].emit("presence", {"state": "here"}, callback=True)
        if ack == {"ok": True}:
            accepted += 1
        else:
            assert ack == {"ok": False, "error": TOO_MANY}, ack
            refused += 1
        if i % 25 == 0:  # a normal pace for everyone else
            calm["neighbour"].append(neighbour.emit("presence", {"state": "here"}, callback=True))
            calm["bystander"].append(bystander.emit("command", {"type": "pass"}, callback=True))
    elapsed = time.monotonic() - began
    rate, burst = sockets.PERSON_BUDGETS["participant"]
    normal = [ack for acks in calm.values() for ack in acks]
    ok = sum(1 for ack in normal if ack.get("ok"))
    print(f"\nabuse: flood of {FLOOD} events from one participant over {len(tabs)} connections in {elapsed:.1f} s: "
          f"{accepted} accepted, {refused} refused (budget {rate}/s, burst {burst}); "
          f"{ok} of {len(normal)} normal events from others acknowledged")
    # Five connections could pass 5 x 30 events at once; the person's budget holds them to one burst.
    assert accepted <= burst + rate * elapsed + 1
    assert refused >= FLOOD - (burst + rate * elapsed + 1)
    assert ok == len(normal), [a for a in normal if not a.get("ok")]
    # Refused event by event, logged a few lines per connection (3, then one a minute): 451 lines before.
    lines = [r for r in caplog.records if r.name == "core.sockets" and "rate limit" in r.getMessage()]
    print(f"abuse: the flood wrote {len(lines)} log lines")
    assert 0 < len(lines) <= 3 * len(tabs) + len(tabs)


def test_one_connection_alone_is_cut_by_its_own_budget(app, make_facilitator, make_group, make_session, sock):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    console = sock(f.client, gs, "facilitator")
    acks = [console.emit("roster", {}, callback=True) for _ in range(100)]
    assert acks[0]["ok"] and {"ok": False, "error": TOO_MANY} in acks
    second_tab = sock(f.client, gs, "facilitator")
    assert second_tab.emit("roster", {}, callback=True)["ok"]  # the budget was the connection's


def _cap_holds(connect, limit: int) -> tuple[bool, bool]:
    """Open `limit` connections; is the next one refused, and does one get in again after one closes?"""
    opened = [connect(i) for i in range(limit)]
    assert all(c.is_connected() for c in opened)
    refused = not connect(limit).is_connected()
    opened[0].disconnect()
    again = connect(limit + 1)
    result = refused, again.is_connected()
    for c in [*opened, again]:
        if c.is_connected():
            c.disconnect()
    return result


def test_simultaneous_connections_are_capped(app, make_facilitator, make_group, make_session, sock, join):
    f = make_facilitator()
    group = make_group(f)
    gs, gs2 = make_session(group, f, auto_admit=True), make_session(group, f, "Week 2")
    http, p = join(gs, "Cam")
    connect = {
        "participant": lambda i: sock(http, gs, "participant"),
        "facilitator": lambda i: sock(f.client, (gs, gs2)[i % 2], "facilitator"),  # counted across sessions
        "display": lambda i: sock(app.test_client(), gs, "display", display=gs.display_token),
    }
    figures = []
    for kind, limit in sockets.MAX_CONNECTIONS.items():
        refused, again = _cap_holds(connect[kind], limit)
        figures.append(f"{kind} {limit} (next refused: {refused}, one in after one closed: {again})")
        assert refused and again, kind
    print("\nabuse: connection caps held: " + "; ".join(figures))

    # Rows a crashed process left behind are not connections: they never lock anyone out.
    with app.app_context():
        for i in range(10):
            db.session.add(Connection(sid=f"dead-{i}", session_id=gs.id, role="participant", participant_id=p.id,
                                      seen_at=utcnow()))
        db.session.commit()
    assert sock(http, gs, "participant").is_connected()


def test_events_over_8_kb_are_refused(app, make_facilitator, make_group, make_session, sock):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    console = sock(f.client, gs, "facilitator")
    ok = console.emit("command", {"type": "set_message", "text": "x" * 400}, callback=True)
    big = console.emit("command", {"type": "activity", "action": "submit", "args": {"blob": "x" * 9000}},
                       callback=True)
    assert ok["ok"] and big == {"ok": False, "error": "That request was not valid."}


def test_the_token_bucket_forgets_idle_keys():
    from core.ratelimit import TokenBucket

    bucket = TokenBucket(rate=1000, burst=2)
    for i in range(TokenBucket.PRUNE_EVERY - 1):
        bucket.allow(f"k{i}")
    time.sleep(0.01)  # everyone is full again
    bucket.allow("last")
    assert len(bucket) <= 1
