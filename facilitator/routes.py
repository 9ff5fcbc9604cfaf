"""Facilitator pages: first-time setup, sign in/out, groups, co-facilitator invitations."""
from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import select

from core import links, live, members, views
from core.auth import group_or_404
from core.extensions import db
from core.live import screens
from core.models import Facilitator, GroupSession
from facilitator import bp, signin_limits, team
from facilitator import sessions as ops
from facilitator.accounts import (
    AccountError,
    accept_invite,
    authenticate,
    complete_setup,
    create_account,
    create_invite,
    end_all_logins,
    mark_login,
    redeem,
)
from facilitator.forms import AccountForm, ActionForm, GroupForm, LoginForm, RecordSettingsForm, SessionForm

log = logging.getLogger(__name__)


def _start_login(f) -> None:
    session.clear()  # a fresh session on login: nothing from before carries over
    login_user(f)
    session.permanent = False
    import time

    session["seen"] = int(time.time())
    mark_login(f)


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    if redeem("setup", token) is None:
        return render_template("facilitator/setup_used.html"), 410
    form = AccountForm()
    if form.validate_on_submit():
        try:
            f = complete_setup(token, form.name.data, form.email.data, form.password.data)
        except AccountError as exc:
            flash(str(exc), "error")
        else:
            _start_login(f)
            flash("Welcome to Secure Base. Start by creating your first group.", "ok")
            return redirect(url_for("facilitator.dashboard"))
    return render_template("facilitator/setup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("facilitator.dashboard"))
    form = LoginForm()
    if session.pop("idle_logout", False):
        flash("You were signed out after a period of inactivity.", "info")
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        account_id = db.session.execute(select(Facilitator.id).where(Facilitator.email == email)).scalar()
        if signin_limits.blocked(email, account_id):
            log.info("sign-in refused: rate limit")
            flash("Too many sign-in attempts. Please wait a few minutes and try again.", "error")
            return render_template("facilitator/login.html", form=form), 429
        f = authenticate(email, form.password.data)
        if f is None:
            signin_limits.failed(email, account_id)
            flash("That email and password do not match an account.", "error")
        else:
            _start_login(f)
            response = redirect(url_for("facilitator.dashboard"))
            signin_limits.remember_device(response, f.id)
            return response
    return render_template("facilitator/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out everywhere: the epoch bump kills every copy of the login cookie and every socket."""
    if ActionForm().validate_on_submit():
        from core.sockets import disconnect_facilitator

        f = current_user._get_current_object()
        end_all_logins(f)
        disconnect_facilitator(f.id)
        logout_user()
        session.clear()
        flash("You are signed out.", "ok")
    return redirect(url_for("facilitator.login"))


@bp.route("/groups")
@login_required
def dashboard():
    return render_template("facilitator/dashboard.html", groups=ops.groups_of(current_user), form=GroupForm(),
                           supervised=ops.supervised_by(current_user))


@bp.post("/groups")
@login_required
def create_group():
    form = GroupForm()
    if not form.validate_on_submit():
        return render_template("facilitator/dashboard.html", groups=ops.groups_of(current_user), form=form,
                               supervised=ops.supervised_by(current_user)), 400
    g = ops.create_group(current_user, form.name.data, form.description.data, form.agreements.data,
                         form.retention_days.data)
    ops.update_group(g, distress_threshold=form.distress_threshold.data, crisis_text=form.crisis_text.data)
    flash("Group created.", "ok")
    return redirect(url_for("facilitator.group", group_id=g.id))


@bp.route("/groups/<int:group_id>")
@login_required
def group(group_id: int):
    g = group_or_404(group_id)
    edit = GroupForm(obj=g) if request.method == "GET" else GroupForm()
    return render_template("facilitator/group.html", group=g, sessions=ops.sessions_of(g),
                           facilitators=ops.facilitators_of(g), session_form=SessionForm(), edit_form=edit,
                           action=ActionForm(), invite_link=session.pop("invite_link", None),
                           supervisor_link=session.pop("supervisor_link", None),
                           is_owner=team.is_owner(g, current_user.id),
                           record_form=RecordSettingsForm(obj=g),
                           member_count=len(members.of_group(g, include_left=False)))


@bp.post("/groups/<int:group_id>/edit")
@login_required
def edit_group(group_id: int):
    g = group_or_404(group_id)
    form = GroupForm()
    owner, kept_for, record_years = team.is_owner(g, current_user.id), g.retention_days, g.record_retention_years
    if not owner and (form.retention_days.data != kept_for or form.record_retention_years.data != record_years):
        abort(403)  # retention is the owner's; the co-facilitator's form carries it unchanged
    if not form.validate_on_submit():
        flash("Please check the group settings: " + "; ".join(e for errs in form.errors.values() for e in errs), "error")
        return redirect(url_for("facilitator.group", group_id=g.id))
    agreements = form.agreements.data or ops.default_agreements()
    version = g.agreements_version + (1 if agreements.strip() != g.agreements.strip() else 0)
    ops.update_group(g, name=form.name.data, description=form.description.data, agreements=agreements,
                     agreements_version=version, retention_days=form.retention_days.data,
                     record_retention_years=form.record_retention_years.data,
                     distress_threshold=form.distress_threshold.data, crisis_text=form.crisis_text.data)
    team.record_retention_change(g, current_user, kept_for, form.retention_days.data)
    team.record_retention_change(g, current_user, record_years, form.record_retention_years.data, unit="years")
    flash("Group settings saved.", "ok")
    return redirect(url_for("facilitator.group", group_id=g.id))


@bp.post("/groups/<int:group_id>/invites")
@login_required
def invite(group_id: int):
    g = team.owned_group_or_403(group_id)
    if ActionForm().validate_on_submit():
        token = create_invite(g, current_user)
        session["invite_link"] = links.external("facilitator.join_group", token=token)
    return redirect(url_for("facilitator.group", group_id=g.id) + "#facilitators")


@bp.post("/groups/<int:group_id>/supervisor-invites", endpoint="supervisor_invite")
@login_required
def supervisor_invite(group_id: int):
    """The owner invites a supervisor: they read the record and co-sign notes, nothing live."""
    g = team.owned_group_or_403(group_id)
    if ActionForm().validate_on_submit():
        token = create_invite(g, current_user, supervisor=True)
        session["supervisor_link"] = links.external("facilitator.join_group", token=token)
    return redirect(url_for("facilitator.group", group_id=g.id) + "#facilitators")


def _as_words(role: str) -> str:
    return "the supervisor" if role == "supervisor" else "a co-facilitator"


def _landing(group_id: int, role: str) -> str:
    """A supervisor lands on the group's record (they have no group page); others on the group."""
    return url_for("facilitator.group_notes" if role == "supervisor" else "facilitator.group", group_id=group_id)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def join_group(token: str):
    """A co-facilitator's or supervisor's invitation: sign in (or create an account), then join the group."""
    if redeem("invite", token) is None and redeem("invite_sup", token) is None:
        return render_template("facilitator/invite_used.html"), 410
    form = AccountForm()
    if request.method == "POST" and ActionForm().validate_on_submit() and current_user.is_authenticated:
        g, role = accept_invite(token, current_user)
        flash(f"You are now {_as_words(role)} of {g.name}.", "ok")
        return redirect(_landing(g.id, role))
    if not current_user.is_authenticated and form.validate_on_submit():
        try:
            f = create_account(form.name.data, form.email.data, form.password.data)
        except AccountError as exc:
            flash(str(exc), "error")
        else:
            _start_login(f)
            g, role = accept_invite(token, f)
            flash(f"Welcome. You are now {_as_words(role)} of {g.name}.", "ok")
            return redirect(_landing(g.id, role))
    return render_template("facilitator/invite.html", form=form, action=ActionForm(), token=token)


@bp.post("/groups/<int:group_id>/sessions")
@login_required
def create_session(group_id: int):
    g = group_or_404(group_id)
    form = SessionForm()
    if not form.validate_on_submit():
        flash("Please check the session details: " + "; ".join(e for errs in form.errors.values() for e in errs),
              "error")
        return redirect(url_for("facilitator.group", group_id=g.id))
    starts = form.starts_at.data
    gs = ops.create_session(g, form.title.data, starts, form.video_url.data or "", form.auto_admit.data, current_user)
    return redirect(url_for("facilitator.console", session_id=gs.id))


@bp.route("/display/<token>")
def display(token: str):
    """The room display: read-only, its own link; the socket checks the same token."""
    if len(token) > 100:
        abort(404)
    gs = db.session.execute(select(GroupSession).where(GroupSession.display_token == token)).scalar_one_or_none()
    if gs is None or not gs.display_on:
        return render_template("facilitator/display_closed.html"), 404
    # The first screen is the one the socket will keep up to date (core/live/screens.py), so the room
    # never sees an empty page while it connects.
    state, version = live.load_state(gs.id)
    return render_template("facilitator/display.html", gs=gs, token=token,
                           screen=Markup(screens.display_html(views.display(gs, state, version))))


from facilitator import console_routes, member_routes, privacy_routes, trends_routes  # noqa: E402,F401  (register their routes)
