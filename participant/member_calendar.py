"""A member's own calendar file: the group's regular meeting as one recurring event, for the member only.

Nobody needs a member's contact details to remind them: they add the meeting to their own calendar. The
event says "Group session" and nothing else (no group name, link or description), because a phone's
calendar is seen by other people (series_ics.member_calendar).
"""
from __future__ import annotations

import logging

from flask import Response

from facilitator import series, series_ics
from participant import bp
from participant.member_access import member_or_403

log = logging.getLogger(__name__)
NO_SCHEDULE = "Your group has no regular meeting time yet, so there is nothing to add to your calendar.\n"


@bp.route("/me/<public_id>/calendar.ics")
def member_calendar(public_id: str):
    """The member (their own link's cookie) downloads the regular meeting; anyone else gets 403."""
    m = member_or_403(public_id)
    sched = series.schedule_of(m.group)
    if sched is None or not sched.active:
        log.info("member calendar: the group has no active schedule")
        return Response(NO_SCHEDULE, status=404, mimetype="text/plain", headers=series_ics.ICS_HEADERS)
    headers = {**series_ics.ICS_HEADERS, "Content-Disposition": 'attachment; filename="group-session.ics"'}
    return Response(series_ics.member_calendar(sched), mimetype="text/calendar", headers=headers)
