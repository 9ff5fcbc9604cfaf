"""Links people follow: join links, the room display link, and the QR code of the join link."""
from __future__ import annotations

from functools import lru_cache

import segno
from flask import current_app, has_request_context, request, url_for

from core.models import GroupSession


def external(endpoint: str, **values) -> str:
    path = url_for(endpoint, **values)
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        base = request.host_url.rstrip("/") if has_request_context() else "http://127.0.0.1:5000"
    return base + path


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
