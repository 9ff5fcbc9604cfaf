"""Links people follow: join links, the room display link, and the QR code of the join link.

Every absolute link starts with core.public_url.base(), never the request's host: a link built while
handling a participant's request must not carry whatever Host header that participant sent."""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

import segno
from flask import current_app, has_request_context, url_for

from core import public_url
from core.models import GroupSession


def external(endpoint: str, **values) -> str:
    """An absolute link. Works outside a request too (a CLI command or a background task broadcasting)."""
    if has_request_context():
        return public_url.base() + url_for(endpoint, **values)
    with current_app.test_request_context():
        return public_url.base() + url_for(endpoint, **values)


def is_local_only(url: str) -> bool:
    """True when `url` points at this computer only (127.0.0.0/8, ::1, localhost): phones cannot open it."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def join_url(gs: GroupSession) -> str:
    return external("participant.join_link", token=gs.join_token)


def display_url(gs: GroupSession) -> str:
    return external("facilitator.display", token=gs.display_token)


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (works in pages and in WeasyPrint without fetching anything)."""
    return segno.make(url, error="m").svg_data_uri(scale=8, border=2, dark="#111", light="#fff")


def join_info(gs: GroupSession) -> dict:
    """What anyone in the room may see about joining (the room display shows it)."""
    url = join_url(gs)
    return {"code": gs.join_code, "url": url, "qr": qr_data_uri(url), "locked": gs.locked}


def facilitator_join_info(gs: GroupSession) -> dict:
    """join_info, plus what only facilitators need: the host to type, and whether phones can reach
    the link at all (the console and the join sheets warn when it points at this computer only)."""
    info = join_info(gs)
    return {**info, "host": urlsplit(info["url"]).netloc, "local_only": is_local_only(info["url"])}
