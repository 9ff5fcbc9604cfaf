"""Erasure on demand and the audit log, for the group's facilitators."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from core.auth import group_or_404, session_or_404
from core.extensions import db
from core.models import AuditEvent
from core.retention import erase_group, erase_session
from facilitator import bp
from facilitator.forms import ActionForm

AUDIT_PAGE = 200


@bp.post("/sessions/<int:session_id>/erase")
@login_required
def erase_session_route(session_id: int):
    gs = session_or_404(session_id)
    group_id = gs.group_id
    if not ActionForm().validate_on_submit() or request.form.get("confirm", "").strip().lower() != "erase":
        flash('To erase this session, type the word "erase" in the box.', "error")
        return redirect(url_for("facilitator.console", session_id=gs.id) + "#erase")
    erase_session(gs, current_user.id)
    flash("The session and everything people shared in it have been erased.", "ok")
    return redirect(url_for("facilitator.group", group_id=group_id))


@bp.post("/groups/<int:group_id>/erase")
@login_required
def erase_group_route(group_id: int):
    g = group_or_404(group_id)
    if not ActionForm().validate_on_submit() or request.form.get("confirm", "").strip() != g.name:
        flash("To erase this group, type its name exactly.", "error")
        return redirect(url_for("facilitator.group", group_id=g.id) + "#erase")
    erase_group(g, current_user.id)
    flash("The group, its sessions and everything shared in them have been erased.", "ok")
    return redirect(url_for("facilitator.dashboard"))


@bp.route("/groups/<int:group_id>/audit")
@login_required
def audit_log(group_id: int):
    """Who did what and when in this group; never the content."""
    g = group_or_404(group_id)
    events = list(db.session.execute(select(AuditEvent).where(AuditEvent.group_id == g.id)
                                     .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(AUDIT_PAGE)).scalars())
    return render_template("facilitator/audit.html", group=g, events=events)
