"""Removal holds, on the real server: a removed participant cannot come back by the old link, their
cookie (on this device or copied to another), the join code, or a new Socket.IO connection, and
receives nothing after removal while the facilitator keeps broadcasting."""
from __future__ import annotations

import time

import pytest
import socketio

from tests.security.support import seed

# A real gunicorn server (LiveServer): not in make test-fast.
pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]

LISTEN_SECONDS = 2.0


def _refused_socket(server, http, public_id) -> bool:
    try:
        client = server.socket(http, public_id, "participant")
    except socketio.exceptions.ConnectionError:
        return True
    client.disconnect()
    return False


def _after(client, moment: float) -> list[tuple[str, object]]:
    with client.lock:
        return [(event, data) for event, data, at in client.received if at > moment]


def test_a_removed_participant_stays_out(served):
    app, server = served
    s = seed(app, auto_admit=False)
    gs = s["gs"]
    server.start()
    fac_http = server.login(s["email"])
    fac = server.socket(fac_http, gs.public_id, "facilitator")
    ana_http = server.join(gs.join_token, "Anarkali")
    ben_http = server.join(gs.join_token, "Benedek")
    people = {p["name"]: p["id"] for p in fac.call("roster", {}, timeout=5)["roster"]["participants"]}
    assert fac.call("admit_all", {}, timeout=5)["ok"]
    ana_tabs = [server.socket(ana_http, gs.public_id, "participant") for _ in range(2)]  # two open tabs
    ben = server.socket(ben_http, gs.public_id, "participant")
    assert fac.call("command", {"type": "set_message", "text": "before removal"}, timeout=5)["ok"]

    assert fac.call("remove", {"participant": people["Anarkali"]}, timeout=5) == {"ok": True}
    removed_at = time.monotonic()
    deadline = time.monotonic() + 5
    while any(t.connected for t in ana_tabs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.connected for t in ana_tabs), "the removed participant's sockets stayed open"

    # Old link, cookie, code, take-home sheet, own-answers erasure: all refused with the cookie...
    attempts = {}
    attempts["old link"] = ana_http.get(f"{server.url}/j/{gs.join_token}", timeout=10).status_code == 403
    attempts["live page by cookie"] = ana_http.get(f"{server.url}/s/{gs.public_id}", timeout=10).status_code == 403
    home = ana_http.get(server.url + "/", timeout=10)
    by_code = ana_http.post(server.url + "/join", data={"csrf_token": server.csrf(home.text), "code": gs.join_code},
                            timeout=10)
    attempts["join code"] = by_code.status_code == 403 and "/name" not in by_code.url
    attempts["take-home sheet"] = ana_http.get(f"{server.url}/s/{gs.public_id}/take-home",
                                               timeout=10).status_code == 403
    attempts["new socket"] = _refused_socket(server, ana_http, gs.public_id)
    # ...and with the cookie copied to another device.
    other_device = server.http()
    other_device.cookies.update(ana_http.cookies)
    attempts["copied cookie, live page"] = other_device.get(f"{server.url}/s/{gs.public_id}",
                                                            timeout=10).status_code == 403
    attempts["copied cookie, socket"] = _refused_socket(server, other_device, gs.public_id)
    attempts["copied cookie, old link"] = other_device.get(f"{server.url}/j/{gs.join_token}",
                                                           timeout=10).status_code == 403
    # Without any cookie they are a stranger again: the waiting room, where nothing of the session reaches.
    stranger_http = server.join(gs.join_token, "Anonymous")
    stranger = server.socket(stranger_http, gs.public_id, "participant")

    texts = [f"broadcast {i} after removal" for i in range(10)]
    for text in texts:
        assert fac.call("command", {"type": "set_message", "text": text}, timeout=5)["ok"]
        time.sleep(LISTEN_SECONDS / len(texts))
    time.sleep(0.3)

    got_by_ana = [e for t in ana_tabs for e in _after(t, removed_at) if e != ("status", {"status": "removed"})]
    got_by_stranger = [e for e in _after(stranger, 0) if e != ("snapshot", {"status": "waiting"})]
    ben_messages = [d["frame"]["message"] for e, d in _after(ben, removed_at) if e == "shared"]
    assert ben_messages[-len(texts):] == texts, "the control participant did not get the broadcasts"
    with ana_tabs[0].lock:
        told = [e for e, d, _ in ana_tabs[0].received if e == "status"]
    assert told == ["status"], "the removed participant was not told"

    came_back = [name for name, refused in attempts.items() if not refused]
    print(f"\nremoval: {len(came_back)} of {len(attempts)} ways back succeeded; "
          f"{len(got_by_ana) + len(got_by_stranger)} events reached the removed person in the "
          f"{LISTEN_SECONDS:.0f} s after removal ({len(texts)} broadcasts sent, the control participant got all)")
    assert not came_back, came_back
    assert not got_by_ana and not got_by_stranger, (got_by_ana, got_by_stranger)
    for client in (fac, ben, stranger):
        client.disconnect()
    server.stop()
    assert not server.errors(), server.errors()[:5]
