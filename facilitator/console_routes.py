"""Session pages for facilitators: the live console, the printable join page, rotate, end."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from core import links, live, public_url
from core.auth import session_or_404
from core.crisis import safety_procedure
from core.live import screens
from facilitator import bp
from facilitator import sessions as ops
from facilitator.forms import ActionForm


@bp.route("/sessions/<int:session_id>/console")
@login_required
def console(session_id: int):
    gs = session_or_404(session_id)
    public_url.learn_from_facilitator_page()
    ops.mark_live(gs)
    # The first plan and "Now" panel are the ones the socket keeps up to date (core/live/screens.py).
    first = live.snapshot(gs, "facilitator")
    return render_template("facilitator/console.html", gs=gs, group=gs.group, action=ActionForm(),
                           plan=Markup(first["plan_html"]), now=Markup(screens.with_rows(first)),
                           join=links.facilitator_join_info(gs),
                           display_url=links.display_url(gs) if gs.display_on else None,
                           safety_procedure=safety_procedure(gs.group))


@bp.route("/sessions/<int:session_id>/join-sheet")
@login_required
def join_sheet(session_id: int):
    """A printable page with the QR code and the short code, large, for the room."""
    gs = session_or_404(session_id)
    public_url.learn_from_facilitator_page()
    return render_template("facilitator/join_sheet.html", gs=gs, join=links.facilitator_join_info(gs))


@bp.route("/sessions/<int:session_id>/summary")
@login_required
def summary(session_id: int):
    """After (or during) a session: attendance, time per activity, airtime, answers facilitators may see."""
    from core import audit
    from core.extensions import db
    from facilitator.summary import session_summary

    gs = session_or_404(session_id)
    summary_view = session_summary(gs)
    with db.transaction():
        audit.record("read_summary", session=gs, actor="facilitator", actor_id=current_user.id)
    return render_template("facilitator/summary.html", gs=gs, s=summary_view)


@bp.post("/sessions/<int:session_id>/rotate")
@login_required
def rotate(session_id: int):
    gs = session_or_404(session_id)
    if ActionForm().validate_on_submit():
        ops.rotate(gs, current_user)
        flash("New join link and code made. The old ones no longer work; people already here stay.", "ok")
    return redirect(url_for("facilitator.console", session_id=gs.id))


@bp.post("/sessions/<int:session_id>/display/<any(new, off):action>")
@login_required
def display_link(session_id: int, action: str):
    """Replace the room display link, or turn it off: displays open with the old link go blank at once."""
    gs = session_or_404(session_id)
    if ActionForm().validate_on_submit():
        ops.set_display(gs, action == "new", current_user)
        flash("New room display link made. Displays open with the old link have closed." if action == "new"
              else "The room display link is off. Displays that were open have closed.", "ok")
    return redirect(url_for("facilitator.console", session_id=gs.id))


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end(session_id: int):
    gs = session_or_404(session_id)
    if ActionForm().validate_on_submit():
        ops.end(gs, current_user)
        flash("The session has ended.", "ok")
        return redirect(url_for("facilitator.summary", session_id=gs.id))  # the summary links to the note drafts
    return redirect(url_for("facilitator.console", session_id=gs.id))


from facilitator import plan_routes  # noqa: E402,F401
