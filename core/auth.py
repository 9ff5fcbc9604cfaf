"""Facilitator login and group access: every group-scoped page and event goes through here."""
from __future__ import annotations

import hashlib
import time

from flask import abort, current_app, request, session
from flask_login import current_user, logout_user
from sqlalchemy import select

from core.extensions import db, login_manager
from core.models import Facilitator, Group, GroupMember, GroupSession

login_manager.login_view = "facilitator.login"
login_manager.login_message = "Please sign in to continue."
login_manager.session_protection = "strong"


def _browser_identifier() -> str:
    """What "strong" session protection binds a login to: the browser (User-Agent), not its address.
    Flask-Login's default also hashes the client's IP, so a facilitator whose phone moved from Wi-Fi to
    mobile data, or whose laptop changed networks mid-session, was signed out with every copy of the
    login gone; a copied cookie used from another browser is still refused."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(agent.encode("utf-8", "replace")).hexdigest()


login_manager._session_identifier_generator = _browser_identifier


@login_manager.user_loader
def load_facilitator(user_id: str) -> Facilitator | None:
    """The cookie holds id:epoch; a bumped epoch (logout elsewhere, password change) ends old cookies."""
    try:
        fid, epoch = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    f = db.session.get(Facilitator, fid)
    return f if f is not None and f.auth_epoch == epoch else None


def enforce_idle_timeout() -> None:
    """Log out a facilitator who has been idle longer than the configured timeout."""
    if not current_user.is_authenticated:
        return
    now = int(time.time())
    limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    last = session.get("seen", now)
    if now - last > limit:
        logout_user()
        session.clear()
        session["idle_logout"] = True
        return
    if now - last > 30:  # avoid rewriting the cookie on every request
        session["seen"] = now


def membership(facilitator_id: int, group_id: int) -> GroupMember | None:
    return db.session.get(GroupMember, (group_id, facilitator_id))


RUNS_GROUP = ("owner", "co")  # run sessions, plans, the roster; a supervisor only reads the record
READS_RECORD = ("owner", "co", "supervisor")


def runs_group(facilitator_id: int, group_id: int) -> GroupMember | None:
    """The membership of someone who runs the group (owner or co-facilitator); None for a supervisor."""
    m = membership(facilitator_id, group_id)
    return m if m is not None and m.role in RUNS_GROUP else None


def group_or_404(group_id: int) -> Group:
    """The group, if the current facilitator runs it (owner or co-facilitator); otherwise 404 (not 403:
    don't confirm it exists). A supervisor gets 404 here too: they only see record_group_or_404's pages."""
    if not current_user.is_authenticated or runs_group(current_user.id, group_id) is None:
        abort(404)
    group = db.session.get(Group, group_id)
    if group is None:
        abort(404)
    return group


def record_group_or_404(group_id: int) -> tuple[Group, str]:
    """The group and the current facilitator's role in it, for the record pages (notes, and later trends,
    attendance, exports): owner, co-facilitator or supervisor. 404 for anyone else."""
    m = membership(current_user.id, group_id) if current_user.is_authenticated else None
    group = db.session.get(Group, group_id) if m is not None and m.role in READS_RECORD else None
    if group is None:
        abort(404)
    return group, m.role


def session_or_404(session_id: int) -> GroupSession:
    gs = db.session.get(GroupSession, session_id)
    if gs is None:
        abort(404)
    group_or_404(gs.group_id)
    return gs


def session_by_public_id(public_id: str) -> GroupSession | None:
    if not isinstance(public_id, str) or len(public_id) > 40:
        return None
    return db.session.execute(select(GroupSession).where(GroupSession.public_id == public_id)).scalar_one_or_none()
