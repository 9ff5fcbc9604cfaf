"""Links never come from the request's Host header (core/public_url.py); phones can reach the first run.

Views are built during whatever request or socket event caused the update, so these tests send a
forged `Host:` from everyone who is not a facilitator (anonymous visitors, the waiting room and its
leave route, admitted participants over HTTP and Socket.IO, the display socket) and then check every
place a facilitator or the room sees the join link: the console page, the facilitator's live view
(url and QR code), the display view, and both join sheets. SERVER_NAME is off so that Flask answers
a request for any host, as gunicorn does.
"""
from __future__ import annotations

import pytest

from core import links, public_url
from core.extensions import socketio

EVIL = "evil.example"
LAN = "192.168.1.20"
WARNING = "Phones can't open this link"

# How the app is started, and the base its links must use.
CONFIGS = {
    "bind": ({"BIND": "0.0.0.0:5055"}, f"http://{LAN}:5055"),
    "public": ({"PUBLIC_URL": "https://groups.example.org", "BIND": "0.0.0.0:5055"}, "https://groups.example.org"),
    # Neither known: the facilitator's own console load (the test client's host) teaches it.
    "learned": ({"BIND": None}, "http://localhost"),
    "loopback": ({"BIND": "127.0.0.1:5077"}, "http://127.0.0.1:5077"),
}
FORGED = ["bind", "public", "learned"]


@pytest.fixture
def app(request, make_app, monkeypatch):
    """Overrides conftest's app: SERVER_NAME off, no SB_BIND from the shell, a fixed LAN address."""
    monkeypatch.delenv("SB_BIND", raising=False)
    monkeypatch.setattr(public_url, "lan_address", lambda: LAN)
    config = {"SERVER_NAME": None, "PUBLIC_URL": None, **CONFIGS[getattr(request, "param", "bind")][0]}
    return make_app(**config)


@pytest.fixture
def base(request):
    return CONFIGS[request.node.callspec.params.get("app", "bind")][1]


def forge(client, host: str = EVIL):
    """Let `client` send its cookies to `host` too (the test client matches cookies by Host)."""
    for cookie in list(client._cookies.values()):
        client.set_cookie(cookie.key, cookie.value, domain=host.split(":")[0], path=cookie.path)
    return {"Host": host}


def joins(sc) -> list[dict]:
    """Every join block a socket client received, in views and snapshots."""
    found = []
    for e in sc.get_received():
        payload = e["args"][0] if e["args"] else None
        if not isinstance(payload, dict):
            continue
        view = payload.get("view") if e["name"] == "snapshot" else payload
        if isinstance(view, dict) and view.get("join"):
            found.append(view["join"])
    return found


@pytest.fixture
def room(app, make_facilitator, make_group, make_session, sock):
    """A session whose console is open (the facilitator's page load comes first, as in real use),
    with the facilitator's socket and the room display connected."""
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    assert f.client.get(f"/sessions/{gs.id}/console").status_code == 200
    fac = sock(f.client, gs, "facilitator")
    disp = sock(app.test_client(), gs, "display", display=gs.display_token)
    fac.get_received(), disp.get_received()
    return {"f": f, "gs": gs, "fac": fac, "disp": disp}


def assert_real_base(room, base: str, *, live_views: bool = True) -> None:
    """Every join link a facilitator or the room sees starts with `base`, and none mentions EVIL."""
    gs, fac_http = room["gs"], room["f"].client
    seen = {"facilitator": joins(room["fac"]), "display": joins(room["disp"])}
    if live_views:  # the forged request or event did build views: otherwise the test proves nothing
        assert seen["facilitator"] and seen["display"], seen
    for who, blocks in seen.items():
        for join in blocks:
            assert join["url"].startswith(f"{base}/j/"), (who, join["url"])
            assert join["qr"] == links.qr_data_uri(join["url"]), who
    ack = room["fac"].emit("sync", {}, callback=True)
    assert ack["view"]["join"]["url"].startswith(f"{base}/j/")
    pages = {"console": f"/sessions/{gs.id}/console", "join sheet": f"/sessions/{gs.id}/join-sheet",
             "handout join sheet": f"/sessions/{gs.id}/handouts/join-sheet"}
    for name, path in pages.items():
        html = fac_http.get(path).get_data(as_text=True)
        assert f"{base}/j/" in html or (name == "join sheet" and base.split("//")[1] in html), name
        assert EVIL not in html, name
    assert EVIL not in fac_http.get(f"/display/{gs.display_token}").get_data(as_text=True)


# ---- forged Host headers --------------------------------------------------------------------------


@pytest.mark.parametrize("app", FORGED, indirect=True)
def test_anonymous_visitors_forged_host_changes_no_link(app, room, base):
    c = app.test_client()
    gs = room["gs"]
    paths = ["/", f"/j/{gs.join_token}", "/login"] + (["/healthz"] if "health.healthz" in app.view_functions else [])
    for path in paths:
        assert c.get(path, headers={"Host": EVIL}).status_code in (200, 302), path
    c.post("/login", data={"email": "nobody@example.org", "password": "wrong"}, headers={"Host": EVIL})
    # A display socket opened with a forged host: its own snapshot must show the real link too.
    sc = socketio.test_client(app, flask_test_client=app.test_client(), headers={"Host": EVIL},
                              auth={"session": gs.public_id, "as": "display", "display": gs.display_token})
    [join] = joins(sc)
    assert join["url"].startswith(f"{base}/j/"), join["url"]
    sc.disconnect()
    assert_real_base(room, base, live_views=False)


def join_forged(app, gs, name: str):
    """Walk the join flow with a forged Host on every request; returns the browser."""
    c = app.test_client()
    h = {"Host": EVIL}
    assert c.get(f"/j/{gs.join_token}", headers=h).status_code == 302
    forge(c)
    assert c.post(f"/s/{gs.public_id}/name", data={"name": name}, headers=h).status_code == 302
    assert c.post(f"/s/{gs.public_id}/agreements", data={"agree": "y"}, headers=h).status_code == 302
    forge(c)
    return c


@pytest.mark.parametrize("app", FORGED, indirect=True)
def test_waiting_room_and_its_leave_route_with_a_forged_host(app, room, base):
    gs = room["gs"]
    ben = join_forged(app, gs, "Ben")
    waiting = socketio.test_client(app, flask_test_client=ben, headers={"Host": EVIL},
                                   auth={"session": gs.public_id, "as": "participant"})
    assert waiting.is_connected()
    assert waiting.emit("sync", {}, callback=True)["status"] == "waiting"
    assert ben.get(f"/s/{gs.public_id}", headers={"Host": EVIL}).status_code == 200
    assert ben.post(f"/s/{gs.public_id}/leave", headers={"Host": EVIL}).status_code == 200
    assert_real_base(room, base)


@pytest.mark.parametrize("app", FORGED, indirect=True)
def test_joining_an_auto_admit_session_with_a_forged_host(app, room, base):
    from core.extensions import db
    from core.models import GroupSession

    with db.transaction() as s:
        s.get(GroupSession, room["gs"].id).auto_admit = True
    join_forged(app, room["gs"], "Cy")  # admitted at once: the views are built in this request
    assert_real_base(room, base)


@pytest.mark.parametrize("app", FORGED, indirect=True)
def test_admitted_participant_forged_host_over_http_and_socket(app, room, base, join):
    gs, fac = room["gs"], room["fac"]
    ana_http, ana = join(gs, "Ana")
    assert fac.emit("admit", {"participant": ana.id}, callback=True) == {"ok": True}
    assert fac.emit("command", {"type": "set_phase", "to": "running"}, callback=True)["ok"]
    h = forge(ana_http)
    for path in (f"/s/{gs.public_id}", f"/s/{gs.public_id}/help"):
        assert ana_http.get(path, headers=h).status_code == 200
    room["fac"].get_received(), room["disp"].get_received()
    ana_sock = socketio.test_client(app, flask_test_client=ana_http, headers=h,
                                    auth={"session": gs.public_id, "as": "participant"})
    assert ana_sock.is_connected()
    for command in ("pass", "pause_signal"):
        assert ana_sock.emit("command", {"type": command}, callback=True)["ok"], command
    assert ana_http.post(f"/s/{gs.public_id}/leave", headers=h).status_code == 200
    assert_real_base(room, base)


# ---- where the base comes from ---------------------------------------------------------------------


@pytest.mark.parametrize("app", ["public"], indirect=True)
def test_public_url_wins_over_the_bind_address(app, room):
    html = room["f"].client.get(f"/sessions/{room['gs'].id}/console").get_data(as_text=True)
    assert f'value="https://groups.example.org/j/{room["gs"].join_token}"' in html
    assert WARNING not in html
    out = app.test_cli_runner().invoke(args=["urls"]).output
    assert "https://groups.example.org (SB_PUBLIC_URL)" in out


@pytest.mark.parametrize("app", ["bind"], indirect=True)
def test_bound_to_every_address_links_use_the_lan_address_and_port(app, room):
    with app.app_context():
        assert public_url.base() == f"http://{LAN}:5055"
    html = room["f"].client.get(f"/sessions/{room['gs'].id}/console").get_data(as_text=True)
    assert f'value="http://{LAN}:5055/j/' in html and WARNING not in html


@pytest.mark.parametrize("app", ["loopback"], indirect=True)
def test_bound_to_loopback_keeps_the_port_and_warns_facilitators_only(app, room, join):
    gs, fac_http = room["gs"], room["f"].client
    console = fac_http.get(f"/sessions/{gs.id}/console").get_data(as_text=True)
    assert 'value="http://127.0.0.1:5077/j/' in console
    assert WARNING in console and "make run BIND=0.0.0.0:5077" in console and "SB_PUBLIC_URL" in console
    assert WARNING in fac_http.get(f"/sessions/{gs.id}/join-sheet").get_data(as_text=True)
    assert WARNING in fac_http.get(f"/sessions/{gs.id}/handouts/join-sheet").get_data(as_text=True)
    ack = room["fac"].emit("sync", {}, callback=True)
    assert ack["view"]["join"]["local_only"] is True
    display = room["disp"].emit("sync", {}, callback=True)["view"]
    assert set(display["join"]) == {"code", "url", "qr", "locked"}  # no facilitator-only flag
    assert WARNING not in fac_http.get(f"/display/{gs.display_token}").get_data(as_text=True)
    ana_http, _ana = join(gs, "Ana")
    assert WARNING not in ana_http.get(f"/s/{gs.public_id}").get_data(as_text=True)


@pytest.mark.parametrize("app", ["learned"], indirect=True)
def test_a_facilitator_page_load_teaches_the_base_only_when_nothing_else_does(app, make_facilitator,
                                                                              make_group, make_session):
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    with app.app_context():
        assert public_url.base() == public_url.FALLBACK
    # Not from anonymous, participant or socket requests, nor a signed-out console request.
    join_forged(app, gs, "Ben")
    app.test_client().get(f"/sessions/{gs.id}/console", headers={"Host": EVIL})
    sc = socketio.test_client(app, flask_test_client=f.client, headers=forge(f.client),
                              auth={"session": gs.public_id, "as": "facilitator"})
    assert sc.is_connected()
    sc.disconnect()
    with app.app_context():
        assert public_url.base() == public_url.FALLBACK
    # The facilitator's own console load does, once.
    h = forge(f.client, "groups.lan:8000")
    assert f"http://groups.lan:8000/j/{gs.join_token}" in f.client.get(f"/sessions/{gs.id}/console",
                                                                      headers=h).get_data(as_text=True)
    f.client.get(f"/sessions/{gs.id}/console", headers=forge(f.client, "other.lan"))
    with app.app_context():
        assert public_url.base() == "http://groups.lan:8000"


@pytest.mark.parametrize("app", ["bind", "public"], indirect=True)
def test_a_facilitator_page_load_does_not_override_a_known_base(app, room, base):
    f, gs = room["f"], room["gs"]
    f.client.get(f"/sessions/{gs.id}/console", headers=forge(f.client, "groups.lan:8000"))
    with app.app_context():
        assert public_url.base() == base


def test_behind_a_proxy_the_request_host_is_never_learned(make_app, make_facilitator, monkeypatch):
    monkeypatch.delenv("SB_BIND", raising=False)
    app = make_app(SERVER_NAME=None, PUBLIC_URL=None, BIND=None, BEHIND_PROXY=True)
    with app.test_request_context("/", headers={"Host": EVIL}):
        public_url.learn_from_facilitator_page()  # (nobody signed in, and behind a proxy)
        assert public_url.base() == public_url.FALLBACK


def test_is_local_only():
    for url in ("http://127.0.0.1:5000/j/x", "http://127.8.0.1/", "http://[::1]:5000/", "http://localhost:5000",
                "http://LOCALHOST/"):
        assert links.is_local_only(url), url
    for url in (f"http://{LAN}:5000/j/x", "https://groups.example.org/j/x", "http://[fd00::1]:5000/"):
        assert not links.is_local_only(url), url


def test_bind_addresses(monkeypatch):
    monkeypatch.setattr(public_url, "lan_address", lambda: LAN)
    assert public_url.from_bind("0.0.0.0:5055") == f"http://{LAN}:5055"
    assert public_url.from_bind("[::]:5056") == f"http://{LAN}:5056"
    assert public_url.from_bind("127.0.0.1:5077") == "http://127.0.0.1:5077"
    assert public_url.from_bind("10.0.0.7:80") == "http://10.0.0.7"
    assert public_url.from_bind("[fd00::7]:5000") == "http://[fd00::7]:5000"
    assert public_url.from_bind("nonsense") is None and public_url.from_bind(None) is None
    monkeypatch.setattr(public_url, "lan_address", lambda: None)
    assert public_url.from_bind("0.0.0.0:5055") == "http://127.0.0.1:5055"


def test_lan_address_reads_interfaces_and_never_loopback(monkeypatch):
    import socket

    def infos(*addresses):
        return lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", infos("127.0.1.1", "169.254.3.4", "192.168.5.6"))
    assert public_url.lan_address() == "192.168.5.6"

    class NoNetwork:
        def __init__(self, *a): ...
        def __enter__(self): return self
        def __exit__(self, *a): return False
        def connect(self, address): raise OSError("unreachable")

    monkeypatch.setattr(socket, "getaddrinfo", infos("127.0.1.1"))
    monkeypatch.setattr(socket, "socket", NoNetwork)
    assert public_url.lan_address() is None


# ---- the commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("app", ["loopback"], indirect=True)
def test_setup_link_and_urls_use_the_port_served_on(app):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["setup-link"]).output
    assert "http://127.0.0.1:5077/setup/" in out
    out = runner.invoke(args=["urls"]).output
    assert "http://127.0.0.1:5077" in out and LAN in out and "make run BIND=0.0.0.0:5077" in out


@pytest.mark.parametrize("app", ["bind"], indirect=True)
def test_urls_names_the_lan_address_phones_use(app):
    out = app.test_cli_runner().invoke(args=["urls"]).output
    assert "http://127.0.0.1:5055" in out and f"http://{LAN}:5055" in out and "make run" not in out


def test_the_display_names_the_public_host_not_the_request_host(make_app, make_facilitator, make_group, make_session):
    app = make_app(PUBLIC_URL="https://groups.example.org")
    f = make_facilitator()
    gs = make_session(make_group(f), f)
    page = app.test_client().get(f"/display/{gs.display_token}", headers={"Host": "evil.example"})
    assert page.status_code == 200
    assert b"<strong>groups.example.org</strong>" in page.data and b"evil.example" not in page.data
