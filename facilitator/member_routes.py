"""The group's roster page: add members, change their status, make or revoke their personal link
(shown once, as a printable member card with a QR code), and erase a member's data on request."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core import links, members
from core.auth import group_or_404
from core.extensions import db
from core.member_erasure import erase_member
from facilitator import bp
from facilitator.forms import ActionForm
from facilitator.member_forms import MemberForm, RenameForm, StatusForm, StraightInForm


def _member_or_404(group_id: int, member_id: int):
    from flask import abort

    g = group_or_404(group_id)
    m = members.member_of_group(g.id, member_id)
    if m is None:
        abort(404)
    return g, m


def _errors(form) -> str:
    return "; ".join(e for errs in form.errors.values() for e in errs)


@bp.route("/groups/<int:group_id>/members")
@login_required
def members_page(group_id: int):
    g = group_or_404(group_id)
    return render_template("facilitator/members.html", group=g, members=members.of_group(g), add=MemberForm(),
                           status_form=StatusForm(), rename=RenameForm(), action=ActionForm(),
                           straight_in=StraightInForm(straight_in=g.members_straight_in),
                           words=members.STATUS_WORDS)


@bp.post("/groups/<int:group_id>/members")
@login_required
def add_member(group_id: int):
    g = group_or_404(group_id)
    form = MemberForm()
    if not form.validate_on_submit():
        flash("Please check the new member: " + _errors(form), "error")
        return redirect(url_for("facilitator.members_page", group_id=g.id))
    members.add(g, form.name.data, current_user.id, status=form.status.data, started_on=form.started_on.data)
    flash(f"{form.name.data} is on the roster. Make their personal link when you are ready to give it to them.", "ok")
    return redirect(url_for("facilitator.members_page", group_id=g.id))


@bp.post("/groups/<int:group_id>/members/straight-in")
@login_required
def members_straight_in(group_id: int):
    g = group_or_404(group_id)
    form = StraightInForm()
    if form.validate_on_submit():
        with db.transaction() as s:
            s.merge(g).members_straight_in = bool(form.straight_in.data)
        flash("Members now come straight in." if form.straight_in.data
              else "Members now wait to be let in, like guests.", "ok")
    return redirect(url_for("facilitator.members_page", group_id=g.id))


@bp.post("/groups/<int:group_id>/members/<int:member_id>/status")
@login_required
def member_status(group_id: int, member_id: int):
    g, m = _member_or_404(group_id, member_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("Please check the status: " + _errors(form), "error")
    else:
        members.set_status(m, form.status.data, current_user.id, on=form.on.data)
        note = " Their personal link no longer works." if form.status.data == "left" else ""
        flash(f"{m.display_name} is now {members.STATUS_WORDS[form.status.data]}.{note}", "ok")
    return redirect(url_for("facilitator.members_page", group_id=g.id))


@bp.post("/groups/<int:group_id>/members/<int:member_id>/rename")
@login_required
def member_rename(group_id: int, member_id: int):
    g, m = _member_or_404(group_id, member_id)
    form = RenameForm()
    if not form.validate_on_submit():
        flash("Please check the name: " + _errors(form), "error")
    else:
        members.rename(m, form.name.data, current_user.id)
        flash("Name changed.", "ok")
    return redirect(url_for("facilitator.members_page", group_id=g.id))


@bp.post("/groups/<int:group_id>/members/<int:member_id>/link")
@login_required
def member_link_new(group_id: int, member_id: int):
    """A new personal link (the old one stops working) shown once, as a member card to print or send."""
    g, m = _member_or_404(group_id, member_id)
    if not ActionForm().validate_on_submit() or m.status == "left":
        flash("A member who has left cannot get a new link. Change their status first.", "error")
        return redirect(url_for("facilitator.members_page", group_id=g.id))
    url = links.external("participant.member_link", secret=members.new_link(m, current_user.id))
    response = render_template("facilitator/member_card.html", group=g, member=m, url=url,
                               qr=links.qr_data_uri(url), local_only=links.is_local_only(url))
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.post("/groups/<int:group_id>/members/<int:member_id>/link/revoke")
@login_required
def member_link_revoke(group_id: int, member_id: int):
    g, m = _member_or_404(group_id, member_id)
    if ActionForm().validate_on_submit():
        members.revoke_link(m, current_user.id)
        flash(f"{m.display_name}'s personal link no longer works.", "ok")
    return redirect(url_for("facilitator.members_page", group_id=g.id))


@bp.post("/groups/<int:group_id>/members/<int:member_id>/erase")
@login_required
def member_erase(group_id: int, member_id: int):
    """Erasure on request: everything about this member, in every session, the attendance record too."""
    g, m = _member_or_404(group_id, member_id)
    if not ActionForm().validate_on_submit() or request.form.get("confirm", "").strip() != m.display_name:
        flash(f"To erase {m.display_name}'s data, type their name exactly.", "error")
        return redirect(url_for("facilitator.members_page", group_id=g.id))
    erase_member(m, actor="facilitator", actor_id=current_user.id)
    flash("The member and everything about them have been erased.", "ok")
    return redirect(url_for("facilitator.members_page", group_id=g.id))
