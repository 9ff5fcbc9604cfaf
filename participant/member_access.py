"""A member's standing personal link: `/m/<secret>` sets the member's own cookie and moves on, so
the secret appears in one URL only (the one printed on the member card) and never in a page's address.

The cookie `sbm_<public id>` holds the secret, http-only; every member page and the member's way into
a session check it against the member's current link (`core.members.by_link`): a rotated or revoked
link, or a member who left, opens nothing, on every device at once.
"""
from __future__ import annotations

import logging

from flask import abort, current_app, make_response, redirect, render_template, request, url_for

from core import members
from core.member_models import Member
from participant import bp

log = logging.getLogger(__name__)
COOKIE_DAYS = 400  # browsers cap cookie lifetimes at about this; the link itself can always set it again


def member_cookie(public_id: str) -> str:
    return f"sbm_{public_id}"


def current_member(public_id: str) -> Member | None:
    """The member whose page this is, if this browser holds their live link; None otherwise."""
    m = members.by_public_id(public_id)
    if m is None:
        return None
    found = members.by_link(request.cookies.get(member_cookie(public_id)))
    return m if found is not None and found.id == m.id else None


def member_or_403(public_id: str) -> Member:
    m = current_member(public_id)
    if m is None:
        abort(403)
    return m


def set_member_cookie(response, member: Member, secret: str):
    response.set_cookie(member_cookie(member.public_id), secret, max_age=COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["PARTICIPANT_COOKIE_SECURE"], path="/")
    return response


@bp.route("/m/<secret>")
def member_link(secret: str):
    """The standing link: into the session that is open now (one tap from there), else the member's page."""
    m = members.by_link(secret) if len(secret) <= members.MAX_LINK else None
    if m is None:
        log.info("member link refused: not a live link")
        return render_template("participant/member_link_dead.html"), 404
    gs = members.open_session(m.group)
    target = (url_for("participant.member_session", public_id=m.public_id) if gs is not None
              else url_for("participant.member_home", public_id=m.public_id))
    response = make_response(redirect(target))
    response.headers["Referrer-Policy"] = "no-referrer"
    return set_member_cookie(response, m, secret)
