"""The base of every absolute link: join link and its QR code, room display link, invite and setup links.

Never the request's Host header. Live views are built during whatever request or socket event caused
the update, so a participant (or someone in the waiting room) sending a forged `Host:` would otherwise
change the join link and QR code on the console and the projected room display. The base is worked
out once per app, in this order:

1. SB_PUBLIC_URL (app.config["PUBLIC_URL"]): always right, and the only way behind a proxy.
2. The address the server was started on, SB_BIND (app.config["BIND"], "host:port"): a specific
   address as it is, 0.0.0.0 or :: as this machine's LAN address, with the port actually served on.
3. Only when neither is known: the address an authenticated facilitator's own page load used
   (`learn_from_facilitator_page`, called by the console and the join sheet), never a participant's,
   the waiting room's, the display's, an anonymous visitor's or a socket event's request.

What step 3 learns is kept per process (in app.extensions), not in the database: every process
learns it from its own first facilitator page, and until then links use FALLBACK. Behind a proxy
(SB_BEHIND_PROXY) step 3 never happens: the host there comes from X-Forwarded-Host, which any client
can set; `flask doctor` requires SB_PUBLIC_URL instead.
"""
from __future__ import annotations

import ipaddress
import os
import socket

from flask import current_app, has_request_context, request
from flask_login import current_user

FALLBACK = "http://127.0.0.1:5000"
KEY = "sb_public_url"
ANY_ADDRESS = {"0.0.0.0", "::", ""}
# Any private-range address: a UDP socket "connected" to it only picks the outgoing interface (the
# kernel consults its routing table); no packet is sent.
_ROUTE_PROBE = ("10.255.255.255", 9)


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def lan_address() -> str | None:
    """This machine's address on the local network (IPv4 preferred), found without sending traffic:
    the host name's own addresses first, else the interface a UDP socket would route through."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM)
    except OSError:
        infos = []
    found = [info[4][0] for info in infos if _usable(info[4][0])]
    ipv4 = [a for a in found if ":" not in a]
    if ipv4 or found:
        return (ipv4 or found)[0]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(_ROUTE_PROBE)
            address = s.getsockname()[0]
    except OSError:
        return None
    return address if _usable(address) else None


def split_bind(bind: str | None) -> tuple[str, int] | None:
    """("0.0.0.0", 5000) from "0.0.0.0:5000" ("[::]:5000" gives "::"), or None if it is not host:port."""
    host, sep, port = (bind or "").strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    return host.strip("[]"), int(port)


def url_for_host(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}" + ("" if port == 80 else f":{port}")


def bind_address() -> str | None:
    return current_app.config.get("BIND") or os.environ.get("SB_BIND") or None


def from_bind(bind: str | None) -> str | None:
    """The base phones would use for a server bound to `bind`; None if `bind` is not host:port."""
    parsed = split_bind(bind)
    if parsed is None:
        return None
    host, port = parsed
    if host in ANY_ADDRESS:
        host = lan_address() or "127.0.0.1"
    return url_for_host(host, port)


def _known() -> str | None:
    """Steps 1 and 2: what the operator said at start-up."""
    return current_app.config.get("PUBLIC_URL") or from_bind(bind_address())


def base() -> str:
    """The public base URL, without a trailing slash."""
    stored = current_app.extensions.get(KEY)
    if stored is None:
        stored = _known()
        if stored is None:
            return FALLBACK  # not stored: a facilitator's page load may still teach it (step 3)
        current_app.extensions[KEY] = stored = stored.rstrip("/")
    return stored


def learn_from_facilitator_page() -> None:
    """Step 3: remember the address of this page load, once, if nothing else gives the base and this
    is an authenticated facilitator's own GET (not a socket event, not behind a proxy)."""
    if current_app.extensions.get(KEY) is not None or _known() is not None:
        return
    if current_app.config.get("BEHIND_PROXY") or not has_request_context():
        return
    if getattr(request, "sid", None) is not None or request.method not in ("GET", "HEAD"):
        return  # Flask-SocketIO gives socket events a request with a sid
    if not current_user.is_authenticated:
        return
    current_app.extensions[KEY] = request.host_url.rstrip("/")
