"""Links people follow: join links, the room display link, and the QR code of the join link."""
from __future__ import annotations

from functools import lru_cache

import segno
from flask import current_app, has_request_context, request, url_for

from core.models import GroupSession


def external(endpoint: str, **values) -> str:
    """An absolute link. Works outside a request too (a CLI command or a background task broadcasting)."""
    base = current_app.config.get("PUBLIC_URL")
    if has_request_context():
        return (base or request.host_url.rstrip("/")) + url_for(endpoint, **values)
    with current_app.test_request_context():
        return (base or "http://127.0.0.1:5000") + url_for(endpoint, **values)


def join_url(gs: GroupSession) -> str:
    return external("participant.join_link", token=gs.join_token)


def display_url(gs: GroupSession) -> str:
    return external("facilitator.display", token=gs.display_token)


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (works in pages and in WeasyPrint without fetching anything)."""
    return segno.make(url, error="m").svg_data_uri(scale=8, border=2, dark="#111", light="#fff")


def join_info(gs: GroupSession) -> dict:
    url = join_url(gs)
    return {"code": gs.join_code, "url": url, "qr": qr_data_uri(url), "locked": gs.locked}
