"""The attendance page of a group (facilitators of the group only): the grid, a correction form per
cell, cancelling a session that did not happen, and the CSV download."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, TimeField
from wtforms.validators import Optional

from core import attendance, attendance_grid, audit
from core.attendance import TIMED, AttendanceError
from core.auth import group_or_404
from core.extensions import db
from core.member_models import ATTENDANCE_STATUSES, Attendance
from core.members import member_of_group
from core.models import Facilitator, GroupSession
from facilitator import bp
from facilitator.forms import ActionForm

log = logging.getLogger(__name__)
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]  # browsers send seconds when a time field has a step below a minute


class CorrectionForm(FlaskForm):
    status = SelectField("Attendance", choices=[SelectChoice(s, attendance_grid.WORDS[s].capitalize())
                                                  for s in ATTENDANCE_STATUSES])
    joined = TimeField("Arrived at (UTC, optional)", validators=[Optional()], format=TIME_FORMATS)
    left = TimeField("Left at (UTC, optional)", validators=[Optional()], format=TIME_FORMATS)


def _column_or_404(group_id: int, session_id: int) -> GroupSession:
    """A session of this group that is a column of the grid (it ended, or it is live)."""
    gs = db.session.get(GroupSession, session_id)
    if gs is None or gs.group_id != group_id or gs.status == "planned":
        abort(404)
    return gs


def _planned(group_id: int) -> list[GroupSession]:
    return list(db.session.execute(
        select(GroupSession).where(GroupSession.group_id == group_id, GroupSession.status == "planned")
        .order_by(GroupSession.starts_at, GroupSession.id)).scalars())


@bp.route("/groups/<int:group_id>/attendance", endpoint="attendance")
@login_required
def attendance_page(group_id: int):
    """Who came to each session: members by sessions, with totals (the long-kept record). Reading it
    goes on the audit log, like every read of the record."""
    g = group_or_404(group_id)
    with db.transaction():
        audit.record("read_attendance", actor="facilitator", actor_id=current_user.id, group_id=g.id)
    grid = attendance_grid.grid(g)
    cancellable = [c for c in grid.columns if c.can_cancel]
    planned = [gs for gs in _planned(g.id) if attendance.can_cancel(gs)]
    return render_template("facilitator/attendance.html", group=g, grid=grid, cancellable=cancellable,
                           planned=planned, symbols=attendance_grid.SYMBOLS, words=attendance_grid.WORDS,
                           action=ActionForm())


@bp.route("/groups/<int:group_id>/attendance.csv")
@login_required
def attendance_csv(group_id: int):
    """The grid as CSV (the export goes on the audit log first)."""
    g = group_or_404(group_id)
    with db.transaction():
        audit.record("export_attendance", actor="facilitator", actor_id=current_user.id, group_id=g.id)
    text = attendance_grid.csv_text(attendance_grid.grid(g))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="attendance-group-{g.id}.csv"'})


def _at(gs: GroupSession, t) -> datetime | None:
    return None if t is None else datetime.combine(attendance.session_day(gs), t, tzinfo=UTC)


@bp.route("/groups/<int:group_id>/attendance/<int:session_id>/<int:member_id>", methods=["GET", "POST"])
@login_required
def attendance_cell(group_id: int, session_id: int, member_id: int):
    """Correct one member's attendance at one session: the status, and the times for a visit."""
    g = group_or_404(group_id)
    gs, m = _column_or_404(g.id, session_id), member_of_group(g.id, member_id)
    if m is None:
        abort(404)
    row = db.session.execute(select(Attendance).where(Attendance.session_id == gs.id,
                                                      Attendance.member_id == m.id)).scalar_one_or_none()
    form = CorrectionForm()
    problem = ""
    if request.method == "GET" and row is not None:
        form.status.data = row.status
        form.joined.data = row.joined_at.time().replace(second=0, microsecond=0) if row.joined_at else None
        form.left.data = row.left_at.time().replace(second=0, microsecond=0) if row.left_at else None
    if request.method == "POST":
        if form.validate_on_submit():
            timed = form.status.data in TIMED
            try:
                attendance.correct(gs, m, form.status.data, _at(gs, form.joined.data) if timed else None,
                                   _at(gs, form.left.data) if timed else None, facilitator_id=current_user.id)
            except AttendanceError as exc:
                log.info("attendance correction refused: %s", exc.reason)
                problem = str(exc)
            else:
                # No member name here: flashed messages travel in the (signed, not encrypted) session cookie.
                flash(f"Saved: marked {attendance_grid.WORDS[form.status.data]} for {gs.title}.", "ok")
                return redirect(url_for("facilitator.attendance", group_id=g.id) + f"#member-{m.id}")
        else:
            log.info("attendance correction refused: invalid %s", ",".join(sorted(form.errors)))
    editor = db.session.get(Facilitator, row.edited_by) if row is not None and row.edited_by else None
    status = 400 if request.method == "POST" else 200
    return render_template("facilitator/attendance_cell.html", group=g, gs=gs, member=m, row=row, form=form,
                           problem=problem, editor=editor, day=attendance.session_day(gs),
                           words=attendance_grid.WORDS), status


@bp.post("/groups/<int:group_id>/attendance/<int:session_id>/cancel")
@login_required
def attendance_cancel(group_id: int, session_id: int):
    """Mark a session that did not happen as cancelled (it ends; every active member reads "cancelled")."""
    g = group_or_404(group_id)
    gs = db.session.get(GroupSession, session_id)
    if gs is None or gs.group_id != g.id:
        abort(404)
    back = redirect(url_for("facilitator.attendance", group_id=g.id))
    if not ActionForm().validate_on_submit() or request.form.get("confirm") != "yes":
        log.info("session cancel refused: not confirmed")
        flash(f'To cancel "{gs.title}", tick the box that says it did not happen.', "error")
        return back
    try:
        attendance.cancel(gs, current_user.id)
    except AttendanceError as exc:
        log.info("session cancel refused: %s", exc.reason)
        flash(str(exc), "error")
        return back
    flash(f'"{gs.title}" is marked as cancelled. It does not count against anyone.', "ok")
    return back
