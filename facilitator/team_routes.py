"""Team pages: the owner removes a co-facilitator or hands the group on; a co-facilitator leaves."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from core.auth import record_group_or_404
from facilitator import bp, team
from facilitator.forms import ActionForm


def _attempt(change: Callable[[], None], done: str) -> bool:
    """Make a team change from a posted button; tell the person what happened or why not."""
    if not ActionForm().validate_on_submit():
        return False
    try:
        change()
    except team.TeamError as exc:
        flash(str(exc), "error")
        return False
    flash(done, "ok")
    return True


def _back(group_id: int):
    return redirect(url_for("facilitator.group", group_id=group_id) + "#facilitators")


def _chosen_id() -> int:
    raw = request.form.get("facilitator", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


@bp.post("/groups/<int:group_id>/facilitators/<int:facilitator_id>/remove")
@login_required
def remove_facilitator(group_id: int, facilitator_id: int):
    g = team.owned_group_or_403(group_id)
    _attempt(lambda: team.remove_facilitator(g, current_user, facilitator_id),
             "The facilitator was removed from this group; their open consoles were closed.")
    return _back(g.id)


@bp.post("/groups/<int:group_id>/transfer")
@login_required
def transfer_ownership(group_id: int):
    g = team.owned_group_or_403(group_id)
    _attempt(lambda: team.transfer(g, current_user, _chosen_id()),
             "Ownership handed over. You are now a co-facilitator of this group.")
    return _back(g.id)


@bp.post("/groups/<int:group_id>/leave")
@login_required
def leave_group(group_id: int):
    g, _role = record_group_or_404(group_id)  # a supervisor may leave too
    if _attempt(lambda: team.leave(g, current_user), f"You have left {g.name}."):
        return redirect(url_for("facilitator.dashboard"))
    return _back(g.id)


from facilitator import notes_routes  # noqa: E402,F401  (the record pages: notes, settings)
