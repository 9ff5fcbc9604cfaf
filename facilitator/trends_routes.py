"""Measure trends and a member's record (issue 13): a member's charts, the group's means, and the member's
record as CSV or PDF. For the group's owner, co-facilitators and supervisors; anyone else gets 404.

Every read and export goes on the audit log (read_trends, read_group_trends, export_member) with the
member as "member:<id>"; every answer is `Cache-Control: no-store` (the record must not sit in a cache).
"""
from __future__ import annotations

import logging

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from core import audit, member_export, members, trend_svg, trends
from core.auth import record_group_or_404
from core.extensions import db
from facilitator import bp

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _member_or_404(group_id: int, member_id: int):
    g, _role = record_group_or_404(group_id)
    m = members.member_of_group(g.id, member_id)
    if m is None:
        abort(404)
    return g, m


def _audit(action: str, group_id: int, target: str = "") -> None:
    with db.transaction():
        audit.record(action, actor="facilitator", actor_id=current_user.id, group_id=group_id, target=target)


@bp.route("/groups/<int:group_id>/members/<int:member_id>/trends")
@login_required
def member_trends(group_id: int, member_id: int):
    """One member's totals per questionnaire: a chart and its numbers."""
    g, m = _member_or_404(group_id, member_id)
    _audit("read_trends", g.id, f"member:{m.id}")
    blocks = trend_svg.member_blocks(trends.member_series(m))
    return render_template("facilitator/trends_member.html", group=g, member=m, blocks=blocks), 200, NO_STORE


@bp.route("/groups/<int:group_id>/trends")
@login_required
def group_trends(group_id: int):
    """The group's mean totals per session (only from MIN_FOR_MEAN answers up), with n."""
    g, _role = record_group_or_404(group_id)
    _audit("read_group_trends", g.id)
    means, left_out = trends.group_trends(g)
    return render_template("facilitator/trends_group.html", group=g, blocks=trend_svg.group_blocks(means, left_out),
                           min_n=trends.MIN_FOR_MEAN), 200, NO_STORE


@bp.route("/groups/<int:group_id>/members/<int:member_id>/record.csv")
@login_required
def member_record_csv(group_id: int, member_id: int):
    """The member's record as CSV: a row per session (attendance and scores)."""
    g, m = _member_or_404(group_id, member_id)
    _audit("export_member", g.id, f"member:{m.id}")
    return Response(member_export.csv_text(m), mimetype="text/csv", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{member_export.file_stem(m)}.csv"'})


@bp.route("/groups/<int:group_id>/members/<int:member_id>/record.pdf")
@login_required
def member_record_pdf(group_id: int, member_id: int):
    """The member's record as PDF: attendance, scores, charts and their own notes (made off the event loop)."""
    from handouts.making import make_pdf
    from handouts.render import DEFAULT_PAPER
    from handouts.routes import UNAVAILABLE

    g, m = _member_or_404(group_id, member_id)
    try:
        # Not cached across people: make_pdf caches by the HTML, which only this member's record produces.
        data = make_pdf(member_export.RECORD_TEMPLATE, member_export.record_context(m), DEFAULT_PAPER,
                        person=f"facilitator:{current_user.id}", group_id=g.id)
    except tuple(UNAVAILABLE) as exc:
        code, heading, message = next(v for k, v in UNAVAILABLE.items() if isinstance(exc, k))
        log.warning("member record not made (%d): %s", code, type(exc).__name__)
        return Response(render_template("error.html", heading=heading, message=message), code, headers=NO_STORE)
    _audit("export_member", g.id, f"member:{m.id}")
    return Response(data, mimetype="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{member_export.file_stem(m)}.pdf"'})
