"""Participant pages: the join link or code, a name, the group agreements, then the live screen.

The join token appears in one URL only (the link people are sent); after that the session is
named by its public id and the person by their own http-only cookie.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select

from core import members, privacy_notice, ratelimit, roster
from core.extensions import db
from core.models import GroupSession
from core.security import new_token, normalise_code
from core.sockets import participant_cookie
from participant import bp, joining
from participant.forms import CodeForm, ConsentForm, LeaveForm, NameForm

# Wrong codes: a few per device (one person's typos), many per network address (a whole room behind one
# clinic NAT must not be locked out by a neighbour's typos; the code space is 25^7, about 6 billion).
log = logging.getLogger(__name__)
CODE_LIMIT_DEVICE = (5, timedelta(minutes=10))
CODE_LIMIT_ADDRESS = (100, timedelta(minutes=10))
COOKIE_HOURS = 24
PRIVACY_COOKIE = "sb_privacy"


def _session_or_404(public_id: str) -> GroupSession:
    from core.auth import session_by_public_id

    gs = session_by_public_id(public_id)
    if gs is None:
        abort(404)
    return gs


def _holder(gs: GroupSession):
    return roster.holder_of(gs, request.cookies.get(participant_cookie(gs.public_id)))


def _removed_page(gs: GroupSession, holder):
    """Removed after being let in, or turned away from the waiting room (never admitted): the page keeps
    the "Help now" link, as every participant screen has it."""
    reason = "removed" if holder.admitted_at is not None else "not_admitted"
    return render_template("participant/closed.html", reason=reason, gs=gs), 403


def _closed_reason(gs: GroupSession) -> str | None:
    if gs.status == "ended":
        return "ended"
    if gs.locked:
        return "locked"
    return None


def _address() -> str:
    return request.remote_addr or "unknown"


def _limit_page(problem: str):
    log.info("join refused: %s", problem)
    return render_template("participant/join_problem.html", message=joining.LIMIT_MESSAGES[problem]), 429


def _begin_join(gs: GroupSession):
    """Common to link and code: recognise a returning person, refuse removed ones, else ask for a name.
    The join ticket is bound to the link and code of this moment (participant/joining.py)."""
    holder = _holder(gs)
    if holder is not None and holder.status == "removed":
        return _removed_page(gs, holder)
    if holder is not None and holder.status != "left":
        return redirect(url_for("participant.live", public_id=gs.public_id))
    if (reason := _closed_reason(gs)) is not None:
        return render_template("participant/closed.html", reason=reason, gs=gs), 403
    if (problem := joining.limit_problem(gs, _address())) is not None:
        return _limit_page(problem)
    session["join"] = joining.issue_ticket(gs)
    return redirect(url_for("participant.name", public_id=gs.public_id))


@bp.route("/")
def home():
    return render_template("participant/home.html", form=CodeForm())


@bp.post("/join")
def join_code():
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("participant/home.html", form=form), 400
    device = session.setdefault("device", new_token(12))
    limits = {f"code:device:{device}": CODE_LIMIT_DEVICE, f"code:{_address()}": CODE_LIMIT_ADDRESS}
    if any(ratelimit.blocked(key, *limit) for key, limit in limits.items()):
        log.info("join code refused: rate limit")
        flash("Too many tries. Please wait a few minutes, or use the link or QR code from the facilitator.",
              "error")
        return render_template("participant/home.html", form=form), 429
    code = normalise_code(form.code.data)
    gs = db.session.execute(select(GroupSession).where(GroupSession.join_code == code)).scalar_one_or_none()
    if gs is None:
        for key in limits:
            ratelimit.failed(key)
        flash("That code does not match a session. Check the letters and try again.", "error")
        return render_template("participant/home.html", form=form), 404
    return _begin_join(gs)


@bp.route("/j/<token>")
def join_link(token: str):
    if len(token) > 100:
        abort(404)
    gs = db.session.execute(select(GroupSession).where(GroupSession.join_token == token)).scalar_one_or_none()
    if gs is None:
        return render_template("participant/closed.html", reason="unknown"), 404
    return _begin_join(gs)


class _Stale(Exception):
    """The join in progress cannot go on (the link changed, the ticket was used, the device was removed)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


@bp.errorhandler(_Stale)
def _stale(exc: _Stale):
    for key in ("join", "join_name", "join_claim"):
        session.pop(key, None)
    if exc.reason in ("removed", "not_admitted"):
        return render_template("participant/closed.html", reason=exc.reason), 403
    log.info("join refused: ticket %s", exc.reason)
    return render_template("participant/join_problem.html", message=(
        "This join link or code has changed since you opened it. Please use the current link or code "
        "from the facilitator.")), 403


def _joining(public_id: str) -> GroupSession:
    """Only someone who came through the current link or code for this session may pick a name and agree;
    a device whose person was removed from this session may not start again."""
    gs = _session_or_404(public_id)
    ticket = session.get("join")
    if not isinstance(ticket, dict) or ticket.get("s") != gs.public_id:
        abort(403)
    holder = _holder(gs)
    if holder is not None and holder.status == "removed":
        raise _Stale("removed" if holder.admitted_at is not None else "not_admitted")
    if (problem := joining.ticket_problem(ticket, gs)) is not None:
        raise _Stale(problem)
    return gs


@bp.route("/s/<public_id>/name", methods=["GET", "POST"])
def name(public_id: str):
    gs = _joining(public_id)
    form = NameForm(name=session.get("join_name", ""))
    if form.validate_on_submit():
        session["join_name"], session["join_claim"] = form.name.data, bool(form.member_claim.data)
        return redirect(url_for("participant.agreements", public_id=gs.public_id))
    return render_template("participant/name.html", gs=gs, form=form), 400 if form.errors else 200


@bp.route("/s/<public_id>/agreements", methods=["GET", "POST"])
def agreements(public_id: str):
    """The consent gate: no participant record exists until the agreements are accepted."""
    gs = _joining(public_id)
    if not session.get("join_name"):
        return redirect(url_for("participant.name", public_id=gs.public_id))
    if (reason := _closed_reason(gs)) is not None:
        return render_template("participant/closed.html", reason=reason, gs=gs), 403
    form = ConsentForm()
    if form.validate_on_submit():
        if (problem := joining.limit_problem(gs, _address())) is not None:
            return _limit_page(problem)
        if not joining.spend_ticket(session["join"]):
            raise _Stale("spent")
        joining.count_join(gs, _address())
        name, claim = session.pop("join_name"), session.pop("join_claim", False)
        claimed = members.claimable(gs.group, name) if claim else None
        _p, secret = roster.join(gs, name, claimed_member_id=claimed.id if claimed else None)
        session.pop("join", None)
        response = make_response(redirect(url_for("participant.live", public_id=gs.public_id)))
        response.set_cookie(participant_cookie(gs.public_id), secret, max_age=COOKIE_HOURS * 3600,
                            httponly=True, samesite="Lax", secure=current_app.config["PARTICIPANT_COOKIE_SECURE"],
                            path="/")
        # Not a secret: which version of the privacy notice this browser has read (shown folded next time).
        response.set_cookie(PRIVACY_COOKIE, privacy_notice.version(gs.group), max_age=400 * 86400, httponly=True,
                            samesite="Lax", secure=current_app.config["PARTICIPANT_COOKIE_SECURE"], path="/")
        return response
    lines = [line.strip() for line in gs.group.agreements.splitlines() if line.strip()]
    return render_template("participant/agreements.html", gs=gs, form=form, agreements=lines,
                           name=session["join_name"], privacy=privacy_notice.sections(gs.group),
                           privacy_read=request.cookies.get(PRIVACY_COOKIE) == privacy_notice.version(gs.group)
                           ), 400 if form.errors else 200


@bp.route("/s/<public_id>")
def live(public_id: str):
    gs = _session_or_404(public_id)
    holder = _holder(gs)
    if holder is None or holder.status == "left":
        return render_template("participant/closed.html", reason="no_credential"), 403
    if holder.status == "removed":
        return _removed_page(gs, holder)
    return render_template("participant/live.html", gs=gs, me=holder, leave=LeaveForm())


@bp.post("/s/<public_id>/leave")
def leave(public_id: str):
    """Leave for good on this device (a shared phone, say): the cookie goes, the seat is freed."""
    gs = _session_or_404(public_id)
    if not LeaveForm().validate_on_submit():
        flash("That did not work. Please try again.", "error")
        return redirect(url_for("participant.live", public_id=gs.public_id))
    holder = _holder(gs)
    if holder is not None and holder.status in ("waiting", "admitted"):
        roster.leave(gs, holder)
    response = make_response(render_template("participant/closed.html", reason="left", gs=gs))
    response.delete_cookie(participant_cookie(gs.public_id), path="/")
    return response


@bp.route("/s/<public_id>/help")
def help_now(public_id: str):
    """Crisis resources, one tap from every participant screen. Open to anyone with the session link."""
    from core.crisis import crisis_text

    gs = _session_or_404(public_id)
    lines = [line.strip() for line in crisis_text(gs.group).splitlines() if line.strip()]
    return render_template("participant/help.html", gs=gs, lines=lines, erase=LeaveForm(),
                           is_participant=_holder(gs) is not None)


@bp.post("/s/<public_id>/my-answers/erase")
def erase_my_answers(public_id: str):
    """A participant deletes every answer they gave in this session (nothing else changes)."""
    from core.retention import erase_my_answers as erase

    gs = _session_or_404(public_id)
    holder = _holder(gs)
    if holder is None or holder.status not in ("waiting", "admitted") or not LeaveForm().validate_on_submit():
        abort(403)
    erase(gs, holder)
    flash("Your answers in this session have been deleted.", "ok")
    return redirect(url_for("participant.live", public_id=gs.public_id))
