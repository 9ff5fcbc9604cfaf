"""The group's schedule page (any facilitator of the group) and the facilitators' calendar feed URL."""
from __future__ import annotations

import logging

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField

from core.auth import group_or_404
from core.extensions import db
from core.links import external
from core.models import Group, GroupSession, utcnow
from facilitator import bp, series, series_ics
from facilitator.forms import ActionForm

log = logging.getLogger(__name__)
SHOW_DATES = 6


def _number(raw: object) -> int | None:
    """A posted whole number, or None (the rules then say what is wrong, in words)."""
    if isinstance(raw, int):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    return int(text) if text.isdigit() and len(text) <= 4 else None


class ScheduleForm(FlaskForm):
    every_weeks = SelectField("How often", choices=[SelectChoice(n, w) for n, w in series.EVERY.items()],
                              coerce=_number, validate_choice=False)
    weekday = SelectField("Day", choices=[SelectChoice(n, d) for n, d in enumerate(series.WEEKDAYS)],
                          coerce=_number, validate_choice=False)
    time_of_day = StringField("Start time", render_kw={"type": "time"})
    minutes = StringField("Length in minutes",
                          render_kw={"type": "number", "inputmode": "numeric", "min": series.MINUTES_MIN,
                                     "max": series.MINUTES_MAX})
    timezone = SelectField("Time zone", validate_choice=False)
    first_date = StringField("Starting from", render_kw={"type": "date"})


def _form(sched) -> ScheduleForm:
    form = ScheduleForm(obj=sched) if sched is not None else ScheduleForm(
        data={"every_weeks": 1, "weekday": utcnow().weekday(), "minutes": "90",
              "first_date": utcnow().date().isoformat()})
    form.timezone.choices = ([] if sched is not None else [SelectChoice("", "Choose a time zone")]) + [
        SelectChoice(z, z.split("/", 1)[-1].replace("_", " "), optgroup=z.split("/", 1)[0] if "/" in z else None)
        for z in series.timezone_choices()]
    return form


def _next_session(group: Group) -> GroupSession | None:
    return db.session.execute(select(GroupSession).where(
        GroupSession.group_id == group.id, GroupSession.status == "planned", GroupSession.starts_at > utcnow())
        .order_by(GroupSession.starts_at).limit(1)).scalar_one_or_none()


def _page(group: Group, form: ScheduleForm, status: int = 200):
    sched = series.schedule_of(group)
    dates = ([d.astimezone(series.zone(sched)) for d in series.occurrences(sched, utcnow(), SHOW_DATES)]
             if sched is not None and sched.active else [])
    upcoming = _next_session(group)
    return render_template("facilitator/schedule.html", group=group, schedule=sched, form=form, dates=dates,
                           upcoming=upcoming, upcoming_local=(upcoming.starts_at.astimezone(series.zone(sched))
                                                              if upcoming is not None and sched is not None else None),
                           action=ActionForm(), feed_link=session.pop("feed_link", None),
                           weekdays=series.WEEKDAYS), status


@bp.route("/groups/<int:group_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(group_id: int):
    """The regular rhythm: shown with its next dates; saving it makes the next session if none is planned."""
    g = group_or_404(group_id)
    sched = series.schedule_of(g)
    form = _form(sched)
    if not form.is_submitted():
        return _page(g, form)
    if not form.validate():
        log.info("schedule refused: the form did not validate (%s)", ",".join(sorted(form.errors)))
        flash("The schedule was not saved. Please reload the page and try again.", "error")
        return _page(g, form, 400)
    try:
        series.set_schedule(g, current_user.id, every_weeks=form.every_weeks.data, weekday=form.weekday.data,
                            time_of_day=form.time_of_day.data or "", minutes=_number(form.minutes.data),
                            timezone=form.timezone.data or "", first_date=form.first_date.data or "")
    except series.ScheduleError as exc:
        log.info("schedule refused: %s", exc.field)
        getattr(form, exc.field).errors = [str(exc)]
        flash("The schedule was not saved: " + str(exc), "error")
        return _page(g, form, 400)
    flash("Schedule saved. The next session is ready on the group page.", "ok")
    return redirect(url_for("facilitator.schedule", group_id=g.id))


@bp.post("/groups/<int:group_id>/schedule/stop")
@login_required
def schedule_stop(group_id: int):
    g = group_or_404(group_id)
    if ActionForm().validate_on_submit():
        series.clear_schedule(g, current_user.id)
        flash("The regular schedule is off. Sessions already made stay as they are.", "ok")
    return redirect(url_for("facilitator.schedule", group_id=g.id))


@bp.post("/groups/<int:group_id>/schedule/feed")
@login_required
def schedule_feed(group_id: int):
    """A new calendar feed link for the facilitators; the old one stops working at once."""
    g = group_or_404(group_id)
    if ActionForm().validate_on_submit():
        try:
            secret = series.new_feed(g, current_user.id)
        except series.ScheduleError as exc:
            flash(str(exc), "error")
        else:
            session["feed_link"] = external("facilitator.calendar_feed", secret=secret)
    return redirect(url_for("facilitator.schedule", group_id=g.id) + "#feed")


@bp.route("/calendar/<secret>.ics")
def calendar_feed(secret: str):
    """The facilitators' calendar feed: whoever holds the link's secret (their calendar app), no sign-in."""
    sched = series.by_feed(secret)
    if sched is None:
        log.info("calendar feed refused: not a live link")
        abort(404)
    body = series_ics.facilitator_feed(sched, db.session.get(Group, sched.group_id))
    return Response(body, mimetype="text/calendar", headers=series_ics.ICS_HEADERS)
