""""Delete my data" on a member's own page: everything about them in this group, at once."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for

from core.member_erasure import erase_member
from participant import bp
from participant.forms import LeaveForm
from participant.member_access import member_cookie, member_or_403


@bp.post("/me/<public_id>/erase")
def member_erase(public_id: str):
    member = member_or_403(public_id)
    if not LeaveForm().validate_on_submit() or request.form.get("confirm") != "yes":
        flash('To delete your data, tick "Yes, delete everything" first.', "error")
        return redirect(url_for("participant.member_home", public_id=public_id) + "#delete")
    erase_member(member, actor="member")
    response = make_response(render_template("participant/closed.html", reason="erased"))
    response.delete_cookie(member_cookie(public_id), path="/")
    return response
