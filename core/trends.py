"""Measure trends: one member's totals per instrument across sessions, and the group's means per session.

Read from MeasureResult (core/clinical_models.py) only; nothing is written. A member's series carries
the reliable change of each point from the first one (the baseline) and from the one before, by the
instrument's own rule (activities.instruments.change). The group's mean of a session is shown only
when at least MIN_FOR_MEAN members answered: fewer would let anyone who knows who was there work out a
person's score, so those sessions are listed as left out instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from activities import instruments
from activities.instruments import Instrument
from core.attendance import session_day
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Member
from core.models import Group, GroupSession

MIN_FOR_MEAN = 3
# Instruments in the order pages and exports show them; any other shipped one follows by id.
PREFERRED_ORDER = ("phq-9", "gad-7", "session-feedback")


@dataclass(frozen=True)
class Point:
    """One total of one member at one session."""

    session_id: int
    date: date
    title: str  # the session's title
    total: int
    band: str
    source: str
    from_baseline: str | None  # "improved" | "worsened" | "no reliable change" | None (first point, no rule)
    from_previous: str | None


@dataclass(frozen=True)
class MeanPoint:
    """The group's mean total at one session, from `n` members' answers."""

    session_id: int
    date: date
    title: str
    mean: float
    n: int


@dataclass(frozen=True)
class LeftOut:
    """A session whose mean is not shown: fewer than MIN_FOR_MEAN answers."""

    session_id: int
    date: date
    title: str
    n: int


def known_instrument(instrument_id: str) -> Instrument | None:
    try:
        return instruments.instrument(instrument_id)
    except KeyError:
        return None


def ordered_ids(ids) -> list[str]:
    """Instrument ids in display order (see PREFERRED_ORDER)."""
    return sorted(set(ids), key=lambda i: (PREFERRED_ORDER.index(i) if i in PREFERRED_ORDER else len(PREFERRED_ORDER), i))


def _session_key(gs: GroupSession) -> tuple:
    return (session_day(gs), gs.starts_at or gs.ended_at or gs.created_at, gs.id)


def member_series(member: Member) -> dict[str, list[Point]]:
    """{instrument id: the member's points, by session start} for every shipped instrument they answered
    with a complete total. Only this member's own results, in their own group."""
    rows = db.session.execute(
        select(MeasureResult, GroupSession).join(GroupSession, GroupSession.id == MeasureResult.session_id)
        .where(MeasureResult.member_id == member.id, MeasureResult.group_id == member.group_id,
               GroupSession.group_id == member.group_id, MeasureResult.total.is_not(None))).all()
    by_instrument: dict[str, list[tuple[MeasureResult, GroupSession]]] = {}
    for result, gs in rows:
        by_instrument.setdefault(result.instrument, []).append((result, gs))
    series: dict[str, list[Point]] = {}
    for instrument_id in ordered_ids(by_instrument):
        inst = known_instrument(instrument_id)
        if inst is None:
            continue
        found = sorted(by_instrument[instrument_id], key=lambda pair: _session_key(pair[1]))
        points: list[Point] = []
        for result, gs in found:
            baseline = points[0].total if points else None
            previous = points[-1].total if points else None
            points.append(Point(session_id=gs.id, date=session_day(gs), title=gs.title, total=result.total,
                                band=result.band or instruments.band_of(inst, result.total), source=result.source,
                                from_baseline=instruments.change(inst, baseline, result.total),
                                from_previous=instruments.change(inst, previous, result.total)))
        series[instrument_id] = points
    return series


def group_trends(group: Group) -> tuple[dict[str, list[MeanPoint]], dict[str, list[LeftOut]]]:
    """({instrument: means per session with at least MIN_FOR_MEAN totals}, {instrument: sessions left out})."""
    rows = db.session.execute(
        select(MeasureResult.instrument, MeasureResult.total, GroupSession)
        .join(GroupSession, GroupSession.id == MeasureResult.session_id)
        .where(MeasureResult.group_id == group.id, GroupSession.group_id == group.id,
               MeasureResult.total.is_not(None))).all()
    totals: dict[str, dict[int, list[int]]] = {}
    sessions: dict[int, GroupSession] = {}
    for instrument_id, total, gs in rows:
        sessions[gs.id] = gs
        totals.setdefault(instrument_id, {}).setdefault(gs.id, []).append(total)
    means: dict[str, list[MeanPoint]] = {}
    left_out: dict[str, list[LeftOut]] = {}
    for instrument_id in ordered_ids(totals):
        if known_instrument(instrument_id) is None:
            continue
        shown, hidden = [], []
        for sid in sorted(totals[instrument_id], key=lambda s: _session_key(sessions[s])):
            gs, values = sessions[sid], totals[instrument_id][sid]
            if len(values) >= MIN_FOR_MEAN:
                shown.append(MeanPoint(sid, session_day(gs), gs.title, round(sum(values) / len(values), 1),
                                       len(values)))
            else:
                hidden.append(LeftOut(sid, session_day(gs), gs.title, len(values)))
        means[instrument_id], left_out[instrument_id] = shown, hidden
    return means, left_out


def group_means(group: Group) -> dict[str, list[MeanPoint]]:
    """{instrument: [mean per session]} only for sessions with at least MIN_FOR_MEAN totals."""
    return group_trends(group)[0]
