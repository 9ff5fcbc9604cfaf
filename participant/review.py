"""The commitment review at a check-in, on the member's own phone: "last week you planned ..." and their
practice log since that session, in brief; the member may share one of those lines.

Who sees what: the review (commitments and practice lines) goes to the member's own phone only (their
seat's cookie in this session, and the seat must be a roster member's: guests get 403). A line they
share becomes a ReviewShare and is sent to this session's facilitators' room only; "the group" means a
facilitator may read it out (participant/review_console.py), nothing reaches other phones by itself.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from flask import abort, jsonify, request
from sqlalchemy import func, select

from core import audit, catalogue, live, records, roster
from core.auth import session_by_public_id
from core.extensions import db, socketio
from core.member_models import SHARE_AUDIENCES, Member, ReviewShare
from core.models import GroupSession, Participant, utcnow
from core.sockets import participant_cookie
from participant import bp, practice
from participant.member_home import attended

log = logging.getLogger(__name__)
SHARE_MAX = 500
SHARES_PER_SESSION = 10  # one member's shared lines in one session
RECENT_LINES = 5
JSON_MAX = 4 * 1024


def is_check_in(item: dict | None) -> bool:
    """The library's check-in, or a group's own form that is one (named so in its slug or title)."""
    if not item:
        return False
    if item.get("slug") == "check-in":
        return True
    named = f"{item.get('slug', '')} {item.get('title', '')}".lower()
    return item.get("kind") == "form" and ("check-in" in named or "checkin" in named)


def planned(gs: GroupSession, seat: Participant) -> list[str]:
    """What the member planned in that session (their check-out commitment), as lines."""
    return [text for text in records.commitments(gs, seat) if isinstance(text, str) and text.strip()]


def _seat(gs: GroupSession) -> tuple[Participant, Member]:
    """The member whose admitted seat this browser holds in `gs`; 403 for guests and anyone else."""
    seat = roster.participant_by_secret(gs, request.cookies.get(participant_cookie(gs.public_id)))
    member = db.session.get(Member, seat.member_id) if seat is not None and seat.member_id else None
    if seat is None or seat.status != "admitted" or member is None or member.status == "left":
        log.info("review refused: not a member's seat in this session")
        abort(403)
    return seat, member


def _session(public_id: str) -> GroupSession:
    gs = session_by_public_id(public_id)
    if gs is None or gs.status == "ended":
        abort(404)
    return gs


def review_of(gs: GroupSession, member: Member) -> dict:
    """The member's previous session's commitments and their practice log since, for their eyes only."""
    previous = next(((g, p) for g, p in attended(member) if g.id != gs.id), None)
    since = previous[0].ended_at if previous and previous[0].ended_at else None
    since = since or utcnow() - timedelta(days=practice.PAST_DAYS)
    labels = {f["id"]: f["label"] for f in catalogue.emotions()}
    entries = practice.written_since(member, since)
    counts = Counter(e.kind for e in entries)
    return {"previous": previous[0].title if previous else None,
            "planned": planned(*previous) if previous else [],
            "counts": [{"kind": practice.KIND_WORDS[k], "count": counts[k], "words": _count_words(k, counts[k])}
                       for k in practice.KIND_WORDS if counts[k]],
            "total": len(entries),
            "recent": [practice.line(e, labels, details=False) for e in entries[:RECENT_LINES]]}


def _count_words(kind: str, n: int) -> str:
    """"1 morning check-in", "3 ladder steps"."""
    word = practice.KIND_WORDS[kind].lower()
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _shared(gs: GroupSession, member: Member) -> list[ReviewShare]:
    return list(db.session.execute(select(ReviewShare).where(
        ReviewShare.session_id == gs.id, ReviewShare.member_id == member.id).order_by(ReviewShare.id)).scalars())


@bp.get("/s/<public_id>/review")
def review(public_id: str):
    """The member's own review, while the check-in runs ({"active": false} otherwise)."""
    gs = _session(public_id)
    _p, member = _seat(gs)
    state, _version = live.load_state(gs.id)
    if not is_check_in(state.get("item")):
        return jsonify(ok=True, active=False)
    shared = [{"text": s.text, "audience": s.audience} for s in _shared(gs, member)]
    return jsonify(ok=True, active=True, **review_of(gs, member), shared=shared)


def _clean_share(raw: object, gs: GroupSession, member: Member) -> tuple[str, str, str]:
    """(source, text, audience), or ValueError with the reason for the member."""
    if not isinstance(raw, dict) or set(raw) - {"source", "text", "audience"}:
        raise ValueError("That could not be shared. Please reload the page and try again.")
    source, text, audience = raw.get("source"), raw.get("text"), raw.get("audience")
    if source not in ("commitment", "practice") or audience not in SHARE_AUDIENCES or not isinstance(text, str):
        raise ValueError("Please choose a line and who to share it with.")
    text = text.strip()
    if not text or len(text) > SHARE_MAX:
        raise ValueError(f"Please share a line of 1 to {SHARE_MAX} characters.")
    mine = review_of(gs, member)
    lines = mine["planned"] if source == "commitment" else mine["recent"]
    if not any(text in line for line in lines):
        raise ValueError("You can share a line, or part of a line, from your own review.")
    count = db.session.execute(select(func.count()).select_from(ReviewShare).where(
        ReviewShare.session_id == gs.id, ReviewShare.member_id == member.id)).scalar_one()
    if count >= SHARES_PER_SESSION:
        raise ValueError("You have shared several lines already in this session.")
    return source, text, audience


@bp.post("/s/<public_id>/review/share")
def review_share(public_id: str):
    """A member shares one of their own lines with the facilitators or (read out by them) the group."""
    gs = _session(public_id)
    seat, member = _seat(gs)
    raw = request.get_json(silent=True) if request.is_json and (request.content_length or 0) <= JSON_MAX else None
    try:
        source, text, audience = _clean_share(raw, gs, member)
    except ValueError as exc:
        log.info("review share refused: not valid")
        return jsonify(ok=False, error=str(exc)), 400
    with db.transaction() as s:
        share = ReviewShare(session_id=gs.id, member_id=member.id, source=source, text=text, audience=audience)
        s.add(share)
        audit.record("share_line", session=gs, actor="participant", actor_id=seat.id, target=f"to:{audience}")
    payload = {"id": share.id, "name": seat.display_name, "text": text, "audience": audience, "shown": False}
    socketio.emit("shared_line", payload, to=live.rooms(gs.id)["facilitators"])
    return jsonify(ok=True, id=payload["id"]), 201
