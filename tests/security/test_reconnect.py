"""Reconnect on the real server. Each client reaches the server through its own FlakyLink, a TCP
forwarder the test can cut (every open connection dropped, new ones refused: a phone losing its
network) and restore. The Socket.IO client reconnects on its own, as the browser does.

- Participants dropped for 5 s and for 30 s, while the facilitator changes the message and moves the
  plan, get their current view back: a snapshot with the latest version and the content changed while
  they were away; then they can act again.
- The facilitator dropped for 5 s comes back with control: a snapshot with the roster, and commands work.
"""
from __future__ import annotations

import time

import pytest

from core.extensions import db
from core.models import LiveState
from tests.helpers import whole
from tests.security.support import FlakyLink, seed

# A real gunicorn server (LiveServer): not in make test-fast.
pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

SHORT, LONG, FACILITATOR = 5.0, 30.0, 5.0


def wait_for(client, event: str, after: float, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with client.lock:
            found = [data for name, data, at in client.received if name == event and at > after]
        if found and client.connected:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no {event} within {timeout} s")


def dropped(client, timeout: float = 5.0) -> bool:
    """The client noticed the network is gone (it is reconnecting on its own)."""
    deadline = time.monotonic() + timeout
    while client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not client.connected


def until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def test_dropped_clients_get_their_current_view_back(served):
    app, server = served
    s = seed(app, plan=["check-in", "go-around", "paced-breathing"])
    gs = s["gs"]
    server.start()
    links = {who: FlakyLink(server.port) for who in ("fac", "short", "long")}
    fac = server.socket(server.login(s["email"]), gs.public_id, "facilitator", reconnection=True,
                        via=links["fac"].url)
    people = {who: server.socket(server.join(gs.join_token, name), gs.public_id, "participant", reconnection=True,
                                 via=links[who].url) for who, name in (("short", "Dara"), ("long", "Emeka"))}

    def command(type_: str, **args) -> dict:
        ack = fac.call("command", {"type": type_, **args}, timeout=5)
        assert ack["ok"], ack
        return ack

    def current_version() -> int:
        with app.app_context():
            return db.session.get(LiveState, gs.id).version

    command("set_phase", to="running")
    command("set_message", text="Welcome")
    command("plan_next")
    results = {}

    t0 = time.monotonic()
    links["short"].cut()
    links["long"].cut()
    assert dropped(people["short"]) and dropped(people["long"])
    until(t0 + 1)
    command("set_message", text="While you were away")
    command("plan_next")  # the go-around
    until(t0 + SHORT)
    restored = time.monotonic()
    links["short"].restore()
    snap = whole(wait_for(people["short"], "snapshot", restored))
    results["5 s participant"] = (snap["version"] == current_version()
                                  and snap["frame"]["message"] == "While you were away"
                                  and snap["activity"]["item"]["slug"] == "go-around")
    assert people["short"].call("command", {"type": "pass"}, timeout=5)["ok"]

    until(t0 + 8)
    links["fac"].cut()
    assert dropped(fac)
    until(t0 + 8 + FACILITATOR)
    restored = time.monotonic()
    links["fac"].restore()
    fsnap = wait_for(fac, "snapshot", restored)
    names = sorted(p["name"] for p in fsnap["roster"]["participants"])
    command("set_message", text="Back in control")
    command("plan_next")  # the breathing pacer
    results["5 s facilitator"] = (names == ["Dara", "Emeka"] and fsnap["view"]["frame"]["phase"] == "running"
                                  and fac.call("roster", {}, timeout=5)["ok"])
    until(t0 + 20)
    last = command("set_message", text="Last words before you are back")

    until(t0 + LONG)
    restored = time.monotonic()
    links["long"].restore()
    snap = whole(wait_for(people["long"], "snapshot", restored))
    results["30 s participant"] = (snap["version"] == current_version() == last["version"]
                                   and snap["frame"]["message"] == "Last words before you are back"
                                   and snap["activity"]["item"]["slug"] == "paced-breathing")
    assert people["long"].call("command", {"type": "pause_signal"}, timeout=5)["ok"]
    with people["short"].lock:  # the participant back after 5 s has been following along live since
        seen = {data["version"] for name, data, _ in people["short"].received if name == "shared"}
    results["5 s participant, live since"] = last["version"] in seen

    print(f"\nreconnect: {sum(results.values())} of {len(results)} checks passed: "
          + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in results.items()))
    assert all(results.values()), results
    for c in (fac, *people.values()):
        c.disconnect()
    for link in links.values():
        link.close()
    server.stop()
    assert not server.errors(), server.errors()[:5]
