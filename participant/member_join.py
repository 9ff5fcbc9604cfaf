"""A member's way into the session that is open now: their standing link, then one tap.

Agreements unchanged since the member last accepted them (and the privacy notice unchanged since they
last read it) are re-confirmed in one tap; a changed text is read in full again. The member gets a seat
(a Participant bound to their roster entry) with the usual per-session cookie; the same seat is reused
when they come back or open the link on another device. With "members come straight in" they skip the
waiting room (unless the session is locked, where they wait to be let in like anyone late).
"""
from __future__ import annotations

import logging

from flask import current_app, flash, make_response, redirect, render_template, url_for

from core import members, privacy_notice, roster
from core.extensions import db
from core.models import GroupSession, Participant, utcnow
from core.security import new_token, token_hash
from core.sockets import participant_cookie
from participant import bp, joining
from participant.forms import ConsentForm
from participant.member_access import member_or_403

log = logging.getLogger(__name__)
COOKIE_HOURS = 24


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _reissue(p: Participant) -> str:
    """A fresh credential for the member's existing seat (a new device, or a cleared cookie)."""
    secret = new_token(32)
    with db.transaction() as s:
        s.merge(p).credential_hash = token_hash(secret)
    return secret


def _accepted(member, gs: GroupSession) -> None:
    with db.transaction() as s:
        m = s.merge(member)
        m.agreements_version, m.privacy_version = gs.group.agreements_version, privacy_notice.version(gs.group)


def _holds_seat(gs: GroupSession, seat: Participant | None) -> bool:
    from flask import request

    held = roster.participant_by_secret(gs, request.cookies.get(participant_cookie(gs.public_id)))
    return seat is not None and held is not None and held.id == seat.id


def _page(member, gs: GroupSession, form: ConsentForm, status: int = 200):
    group = gs.group
    agreements_same = members.agreements_current(member)
    privacy_same = member.privacy_version == privacy_notice.version(group)
    return render_template("participant/member_session.html", member=member, gs=gs, form=form,
                           agreements=_lines(group.agreements), agreements_same=agreements_same,
                           privacy=privacy_notice.sections(group), privacy_same=privacy_same,
                           one_tap=agreements_same and privacy_same), status


@bp.route("/me/<public_id>/session", methods=["GET", "POST"])
def member_session(public_id: str):
    member = member_or_403(public_id)
    gs = members.open_session(member.group)
    if gs is None:
        flash("There is no session open right now. Your next session is below.", "ok")
        return redirect(url_for("participant.member_home", public_id=public_id))
    seat = members.seat_in(gs, member)
    if _holds_seat(gs, seat):
        return redirect(url_for("participant.live", public_id=gs.public_id))
    form = ConsentForm()
    if not form.validate_on_submit():
        return _page(member, gs, form, 400 if form.errors else 200)
    if seat is None and (problem := joining.limit_problem(gs, _address())) is not None:
        log.info("member join refused: %s", problem)
        return render_template("participant/join_problem.html", message=joining.LIMIT_MESSAGES[problem]), 429
    _accepted(member, gs)
    if seat is not None:
        secret = _reissue(seat)
    else:
        joining.count_join(gs, _address())
        seat, secret = roster.join(gs, member.display_name, member_id=member.id)
    with db.transaction() as s:
        s.merge(seat).consent_at = utcnow()
    response = make_response(redirect(url_for("participant.live", public_id=gs.public_id)))
    response.set_cookie(participant_cookie(gs.public_id), secret, max_age=COOKIE_HOURS * 3600, httponly=True,
                        samesite="Lax", secure=current_app.config["PARTICIPANT_COOKIE_SECURE"], path="/")
    return response


def _address() -> str:
    from flask import request

    return request.remote_addr or "unknown"
