"""Two app processes (A, B) on one PostgreSQL database and one Redis message queue, behind nginx.

A facilitator on A; participants through nginx, directly on A and directly on B (nginx's ip_hash
sends every 127.0.0.1 client to the same process, so direct connections guarantee the split). Through
join, admit, a round, a pause signal and a removal, everything from the single-process foundation
holds across processes: broadcasts from A reach B, a removal on A cuts the socket on B at once and
its credential is refused, and the console's presence is right.
"""
from __future__ import annotations

import time

import pytest

from tests.multiprocess.conftest import EMAIL, PASSWORD, Browser, Sock, why_skip

# server + services: gunicorn, nginx, PostgreSQL and Redis; never in make test-fast.
pytestmark = [pytest.mark.postgres, pytest.mark.server, pytest.mark.services, pytest.mark.timeout(600),
              pytest.mark.skipif(why_skip() is not None, reason=why_skip() or "")]


def roster_row(roster: dict, pid: int) -> dict | None:
    return next((r for r in roster["participants"] if r["id"] == pid), None)


def latest(sock: Sock, event: str):
    with sock.cond:
        found = [data for name, data in sock.events if name == event]
    return found[-1] if found else None


def test_two_processes_behind_nginx(cluster):
    t0 = time.time()
    nginx, a, b = cluster.url["nginx"], cluster.url["a"], cluster.url["b"]
    socks: list[Sock] = []
    try:
        # -- the facilitator signs in through nginx and sets up a session (plain forms, CSRF) --------
        fac = Browser(nginx)
        fac.submit("/login", "/login", {"email": EMAIL, "password": PASSWORD})
        r = fac.submit("/groups", "/groups", {"name": "Thursday group", "retention_days": 30,
                                              "distress_threshold": 8})
        group_path = r.headers["Location"]
        group_id = int(group_path.rstrip("/").rsplit("/", 1)[1])
        r = fac.submit(group_path, f"/groups/{group_id}/sessions", {"title": "Week 1"})
        session_id = int(r.headers["Location"].split("/sessions/")[1].split("/")[0])
        fac.submit(f"/sessions/{session_id}/plan", f"/sessions/{session_id}/plan/add", {"slug": "go-around"})

        # -- the console socket, on A, as nginx would forward it (proxy headers honoured by ProxyFix) --
        console = Sock(origin="https://groups.example.org")
        socks.append(console)
        page = fac.get(f"/sessions/{session_id}/console").text
        public_id = page.split('data-session="')[1].split('"')[0]
        console.connect(a, fac, {"session": public_id, "as": "facilitator"},
                        headers={"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https",
                                 "X-Forwarded-Host": "groups.example.org"})
        snap = console.wait("snapshot")
        assert snap["status"] == "ok"
        join_url = snap["view"]["join"]["url"]
        # Built from SB_PUBLIC_URL, on the Socket.IO path too.
        assert join_url.startswith("https://groups.example.org/j/"), join_url
        join_path = join_url.split("groups.example.org", 1)[1]

        # -- four participants join: one through nginx, one on A, two on B -------------------------
        people = {}
        for name, base in (("Ana", nginx), ("Ben", a), ("Cy", b), ("Dee", b)):
            browser = Browser(base)
            r = browser.get(join_path)
            assert r.status_code == 200 and "/name" in r.url, (r.status_code, r.url)
            browser.submit(f"/s/{public_id}/name", f"/s/{public_id}/name", {"name": name})
            browser.submit(f"/s/{public_id}/agreements", f"/s/{public_id}/agreements", {"agree": "y"})
            assert browser.get(f"/s/{public_id}").status_code == 200
            sock = Sock().connect(base, browser, {"session": public_id, "as": "participant"})
            socks.append(sock)
            assert sock.wait("snapshot")["status"] == "waiting"
            people[name] = {"browser": browser, "sock": sock, "base": base}
        roster = console.wait("roster", lambda d: len(d["participants"]) == 4 and d["waiting"] == 4)
        for row in roster["participants"]:
            people[row["name"]]["id"] = row["id"]

        # -- admit from A: the waiting room opens for everyone, B included --------------------------
        for name in people:
            assert console.call("admit", {"participant": people[name]["id"]})["ok"]
        for name, p in people.items():
            p["sock"].wait("status", lambda d: d["status"] == "admitted")
            ack = p["sock"].call("sync")
            assert ack["ok"] and ack["status"] == "ok", (name, ack)
            p["member"] = f"p{p['id']}"
        roster = console.call("roster")["roster"]
        assert {r["name"]: (r["status"], r["presence"]) for r in roster["participants"]} == {
            name: ("admitted", "here") for name in people}

        # -- a round: the plan's go-around, started from A, seen on every process -------------------
        go = console.call("command", {"type": "plan_go", "index": 0, "key": "mp-plan-go-0001"})
        assert go["ok"], go
        ack = console.call("command", {"type": "activity", "action": "start", "key": "mp-start-0001"})
        assert ack["ok"], ack
        version = ack["version"]
        for name, p in people.items():
            # the activity's item comes once, with its first shared part; later ones name it by its key
            first = p["sock"].wait("shared", lambda d, v=go["version"]: d["version"] == v)
            assert first["activity"]["item"]["slug"] == "go-around", name
            view = p["sock"].wait("shared", lambda d, v=version: d["version"] == v)  # the room's part
            assert view["activity"]["item_key"] == first["activity"]["item_key"], name
            assert view["activity"].get("item", first["activity"]["item"]) == first["activity"]["item"], name
            assert view["activity"]["view"]["phase"] == "running", name
            assert "airtime" not in str(view), name  # facilitators only, on every process
        speaker = latest(console, "view")["activity"]["view"]["speaker"]["id"]
        passer = next(n for n in ("Cy", "Dee") if people[n]["member"] != speaker)  # a listener on B
        ack = people[passer]["sock"].call("command", {"type": "activity", "action": "pass", "key": "mp-pass-0001"})
        assert ack["ok"], ack
        fac_view = console.wait("view", lambda d: d["version"] == ack["version"])
        row = next(m for m in fac_view["activity"]["view"]["members"] if m["id"] == people[passer]["member"])
        assert row["status"] == "passed"

        # -- a pause signal from B reaches the facilitator on A --------------------------------------
        ack = people["Dee"]["sock"].call("command", {"type": "pause_signal", "key": "mp-signal-0001"})
        assert ack["ok"], ack
        alert = console.wait("alert", lambda d: d["kind"] == "pause")
        assert alert["name"] == "Dee" and alert["member"] == people["Dee"]["member"]
        for name in ("Ana", "Ben", "Cy"):  # signals are for facilitators only
            assert all(n != "alert" for n, _ in people[name]["sock"].events), name

        # -- removal on A cuts the socket on B at once; the credential is refused after ------------
        cy = people["Cy"]
        t_remove = time.time()
        assert console.call("remove", {"participant": cy["id"]})["ok"]
        cy["sock"].wait("status", lambda d: d["status"] == "removed", timeout=5)
        cy["sock"].wait("disconnect", timeout=5)
        assert time.time() - t_remove < 5  # at once, not after Engine.IO's 40 s heartbeat
        assert not cy["sock"].sio.connected
        again = Sock()
        with pytest.raises(Exception, match="(?i)connect"):
            again.connect(b, cy["browser"], {"session": public_id, "as": "participant"})
        with pytest.raises(Exception, match="(?i)connect"):
            Sock().connect(a, cy["browser"], {"session": public_id, "as": "participant"})
        assert cy["browser"].get(f"/s/{public_id}").status_code == 403
        assert cy["browser"].get(join_path).status_code == 403
        ack = console.call("command", {"type": "set_message", "text": "After the removal", "key": "mp-msg-0001"})
        for name in ("Ana", "Ben", "Dee"):
            people[name]["sock"].wait("shared", lambda d, v=ack["version"]: d["version"] == v)
        assert all(not (n in ("shared", "mine") and d["version"] >= ack["version"]) for n, d in cy["sock"].events)

        # -- presence: Dee leaves the page on B; the console on A shows them offline ----------------
        # Only rosters sent after the close count: an earlier one may show Dee offline (before Dee connected).
        mark = console.mark()
        people["Dee"]["sock"].close()
        console.wait("roster", lambda d: (roster_row(d, people["Dee"]["id"]) or {}).get("presence") == "offline",
                     after=mark)
        roster = console.call("roster")["roster"]
        assert {r["name"]: r["presence"] for r in roster["participants"]} == {
            "Ana": "here", "Ben": "here", "Dee": "offline"}

        # -- the proxy: Ana's socket went through nginx and upgraded to WebSocket (websocket-client is
        # in requirements-dev.txt): the same-origin check passed on the upgrade, through nginx, and for
        # the console's forwarded https origin on A (ProxyFix)
        ana = people["Ana"]["sock"]
        assert ana.sio.transport() == "websocket"
        assert console.sio.transport() == "websocket"
        access = (cluster.tmp / "access.log").read_text()
        assert "/j/[redacted]" in access and join_path not in access  # no join token in nginx's log
        socketio_lines = [ln for ln in access.splitlines() if "/socket.io/" in ln]
        assert socketio_lines and len({ln.rsplit(" ", 1)[1] for ln in socketio_lines}) == 1  # ip_hash: sticky
    finally:
        for sock in socks:
            sock.close()
    assert time.time() - t0 < 60
