"""Erasure on demand (a group only by its owner) and the audit log, for the group's facilitators."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required

from core import audit
from core.auth import group_or_404, session_or_404
from core.extensions import db
from core.models import Group
from core.retention import erase_group, erase_session
from facilitator import bp, team
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
    g = team.owned_group_or_403(group_id)
    if not ActionForm().validate_on_submit() or request.form.get("confirm", "").strip() != g.name:
        flash("To erase this group, type its name exactly.", "error")
        return redirect(url_for("facilitator.group", group_id=g.id) + "#erase")
    erase_group(g, current_user.id)
    flash("The group, its sessions and everything shared in them have been erased.", "ok")
    return redirect(url_for("facilitator.dashboard"))


def _record_read(group_id: int, action: str) -> Group:
    """The group, for its facilitator; the read goes on the record first."""
    g = group_or_404(group_id)
    with db.transaction():
        audit.record(action, actor="facilitator", actor_id=current_user.id, group_id=g.id)
    return g


@bp.route("/groups/<int:group_id>/audit")
@login_required
def audit_log(group_id: int):
    """Who did what and when in this group; never the content. Reading it is recorded too."""
    g = _record_read(group_id, "read_audit")
    return render_template("facilitator/audit.html", group=g, rows=audit.rows_for_group(g.id, AUDIT_PAGE),
                           page_size=AUDIT_PAGE)


@bp.route("/groups/<int:group_id>/audit.csv")
@login_required
def audit_csv(group_id: int):
    """The whole audit log of this group as CSV, streamed (the export is itself recorded)."""
    g = _record_read(group_id, "export_audit")
    return Response(stream_with_context(audit.csv_chunks(g.id)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-group-{g.id}.csv"'})


import facilitator.attendance_routes  # noqa: E402,F401  (register its routes)
from facilitator import schedule_routes, team_routes  # noqa: E402,F401  (register their routes)
