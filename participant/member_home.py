"""The member's own page between sessions, `/me/<public id>`: the next session, their take-home sheets
from the sessions they attended, their practice log, and "delete my data".

Only the member themself sees it (their standing-link cookie; anyone else, a rotated or revoked link,
or a member who has left gets 403). Take-home sheets are rendered by the handouts package, as the
participant's own sheet is, but reached through the standing link rather than a session's 24-hour cookie.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, current_app, render_template, url_for
from sqlalchemy import select

from core import catalogue, members
from core.auth import session_by_public_id
from core.extensions import db
from core.member_models import GroupSchedule, Member
from core.models import GroupSession, Participant, utcnow
from core.security import new_token
from participant import bp, practice
from participant.member_access import member_or_403


def endpoint_url(endpoint: str, **values) -> str | None:
    """A link to an endpoint another part of the app provides, or None while it does not exist."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def group_zone(group_id: int) -> ZoneInfo:
    schedule = db.session.get(GroupSchedule, group_id)
    try:
        return ZoneInfo(schedule.timezone) if schedule is not None else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when_words(when: datetime, zone: ZoneInfo) -> str:
    """"Tuesday 8 December 2026 at 18:30", in the group's own time zone (named unless it is UTC)."""
    local = when.astimezone(zone)
    words = f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"
    return words + (f" ({zone.key} time)" if zone.key != "UTC" else " (UTC)")


def _next_planned(member: Member) -> GroupSession | None:
    return db.session.execute(
        select(GroupSession).where(GroupSession.group_id == member.group_id, GroupSession.status == "planned",
                                   GroupSession.starts_at.is_not(None), GroupSession.starts_at >= utcnow())
        .order_by(GroupSession.starts_at, GroupSession.id)).scalars().first()


def next_session(member: Member) -> GroupSession | None:
    """The session `upcoming` describes: the one open now, else the group's next planned one."""
    return members.open_session(member.group) or _next_planned(member)


def upcoming(member: Member) -> dict | None:
    """The session open now (with a way in), else the group's next planned one, else None."""
    gs = members.open_session(member.group)
    zone = group_zone(member.group_id)
    if gs is not None:
        return {"open": True, "title": gs.title, "when": when_words(gs.starts_at, zone) if gs.starts_at else "",
                "join": endpoint_url("participant.member_session", public_id=member.public_id)}
    gs = _next_planned(member)
    if gs is None:
        return None
    return {"open": False, "title": gs.title, "when": when_words(gs.starts_at, zone), "join": None}


def attended(member: Member) -> list[tuple[GroupSession, Participant]]:
    """Each ended, unpurged session the member was let into, newest first, with their seat there (the
    latest, if they came in on more than one device)."""
    rows = db.session.execute(
        select(GroupSession, Participant).join(Participant, Participant.session_id == GroupSession.id)
        .where(Participant.member_id == member.id, Participant.admitted_at.is_not(None),
               GroupSession.status == "ended", GroupSession.purged_at.is_(None))
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc(), Participant.id.desc())).all()
    seen: dict[int, tuple[GroupSession, Participant]] = {}
    for gs, p in rows:
        seen.setdefault(gs.id, (gs, p))
    return list(seen.values())


def _entries(member: Member, today) -> list[dict]:
    labels = {f["id"]: f["label"] for f in catalogue.emotions()}
    return [practice.describe(e, labels) for e in practice.recent(member, today)]


def _meets_regularly(member: Member) -> bool:
    """The calendar entry is the group's regular meeting: offered only while the group has one."""
    from facilitator import series

    schedule = series.schedule_of(member.group)
    return schedule is not None and schedule.active


def own_trends(member: Member) -> list[dict] | None:
    """The member's own questionnaire charts, when their group shows members their trends; else None."""
    from core import trend_svg, trends

    if not member.group.members_see_trends:
        return None
    return trend_svg.member_blocks(trends.member_series(member), prefix="my-trend")


def render_home(member: Member, *, error: str | None = None, kind: str | None = None,
                values: dict | None = None, status: int = 200):
    """The page; after a refused practice entry, with the reason next to that form and its words kept."""
    today = utcnow().date()
    sheets = [{"title": gs.title, "date": f"{gs.starts_at or gs.ended_at or gs.created_at:%d %B %Y}",
               "html": url_for("participant.member_take_home", public_id=member.public_id, session=gs.public_id),
               "pdf": url_for("participant.member_take_home", public_id=member.public_id, session=gs.public_id,
                              pdf=True)}
              for gs, _p in attended(member)]
    from participant.member_measures import card

    return render_template(
        "participant/member_home.html", member=member, next_session=upcoming(member), sheets=sheets,
        trends=own_trends(member), before=card(member),
        calendar=endpoint_url("participant.member_calendar", public_id=member.public_id) if _meets_regularly(member)
        else None,
        erase=endpoint_url("participant.member_erase", public_id=member.public_id),
        families=catalogue.emotions(), entries=_entries(member, today), today=today.isoformat(),
        ladder=practice.attempts(practice.ladder_entries(member)), body_limit=practice.BODY_MAX,
        day_min=(today - timedelta(days=practice.PAST_DAYS)).isoformat(),
        day_max=(today + timedelta(days=practice.AHEAD_DAYS)).isoformat(),
        keys={k: new_token(16) for k in practice.FIELDS}, error=error, error_kind=kind,
        values=values or {}, limit=practice.TEXT_MAX, word_limit=practice.WORD_MAX,
        days=practice.PAST_DAYS), status


@bp.route("/me/<public_id>")
def member_home(public_id: str):
    return render_home(member_or_403(public_id))


def member_take_home(public_id: str, session: str, pdf: bool):
    """The member's own take-home sheet from one session they attended: every answer of theirs."""
    from handouts import session_context as sctx
    from handouts.routes import filename, respond

    member = member_or_403(public_id)
    gs = session_by_public_id(session)
    seat = next((p for g, p in attended(member) if gs is not None and g.id == gs.id), None)
    if seat is None:
        abort(404)
    context = sctx.take_home_context(gs, seat, catalogue.emotions(), include_private=True)
    return respond("handouts/take_home.html", context, filename(gs.title, "take-home"), pdf,
                   url_for("participant.member_home", public_id=member.public_id),
                   person=f"member:{member.id}", gs=gs)


_RULE = "/me/<public_id>/sessions/<session>/take-home"
bp.add_url_rule(_RULE, view_func=member_take_home, defaults={"pdf": False})
bp.add_url_rule(_RULE + ".pdf", view_func=member_take_home, defaults={"pdf": True})
