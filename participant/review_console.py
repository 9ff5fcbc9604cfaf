"""The console's side of shared lines: the lines members chose to share in this session (never their
practice log itself), and "read out / show to the group" for the lines meant for the group.

Facilitators of the session's group only (others get 404, as for every group-scoped page). Changes are
sent to the session's facilitators' room, so every open console of the session stays the same.
"""
from __future__ import annotations

import logging

from flask import abort, jsonify
from flask_login import login_required
from sqlalchemy import select

from core import live
from core.auth import session_or_404
from core.extensions import db, socketio
from core.member_models import ReviewShare
from core.models import GroupSession, Participant
from participant import bp

log = logging.getLogger(__name__)


def _names(gs: GroupSession) -> dict[int, str]:
    """Each member's name in this session (their latest seat's)."""
    rows = db.session.execute(select(Participant.member_id, Participant.display_name).where(
        Participant.session_id == gs.id, Participant.member_id.is_not(None)).order_by(Participant.id)).all()
    return {member_id: name for member_id, name in rows}


def share_payload(share: ReviewShare, name: str) -> dict:
    return {"id": share.id, "name": name, "text": share.text, "audience": share.audience, "shown": share.shown}


@bp.get("/sessions/<int:session_id>/shared-lines")
@login_required
def shared_lines(session_id: int):
    """Every line shared in this session so far, oldest first (the console loads them when it opens)."""
    gs = session_or_404(session_id)
    names = _names(gs)
    shares = db.session.execute(select(ReviewShare).where(ReviewShare.session_id == gs.id)
                                .order_by(ReviewShare.id)).scalars()
    return jsonify(ok=True, lines=[share_payload(s, names.get(s.member_id, "A member")) for s in shares])


@bp.post("/sessions/<int:session_id>/shared-lines/<int:share_id>/shown")
@login_required
def shared_line_shown(session_id: int, share_id: int):
    """A facilitator read a line meant for the group out to the room (moderated: nothing goes to the
    group's screens until this)."""
    gs = session_or_404(session_id)
    with db.transaction() as s:
        share = s.get(ReviewShare, share_id)
        if share is None or share.session_id != gs.id:
            abort(404)
        if share.audience != "group":
            return jsonify(ok=False, error="This line was shared with the facilitators only."), 400
        share.shown = True
    socketio.emit("shared_line_shown", {"id": share_id}, to=live.rooms(gs.id)["facilitators"])
    return jsonify(ok=True, id=share_id)
