"""Answering before the session, on the member's own page: when the member's next session plans a
questionnaire (a ``measure`` activity: PHQ-9, GAD-7, the session feedback check), the page offers it,
one page per instrument, in its exact wording. The answers are kept as the member's result for that
session (``core.measure_store.save_before``, source "before"), handed to the measure activity when its
step starts, and may be changed or deleted until the session starts.

Only the member themself reaches these pages (their standing-link cookie, participant/member_access.py);
the answers go to the group's facilitators only. A risk answer (PHQ-9 item 9) shows the member the
group's crisis resources and alerts the facilitators at once (``record_alert`` through the live hub), so
the console shows it and it stays in the session's alert list. Nothing of the answers reaches a URL or
a log line; CSRF is the app-wide Flask-WTF protection (each form carries its token).
"""
from __future__ import annotations

import logging
import math

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from activities import instruments
from activities.instruments import Instrument
from core import audit, catalogue, live, measure_store
from core.activity_models import PlanItem
from core.auth import session_by_public_id
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Member
from core.models import GroupSession, LiveState, utcnow
from participant import bp
from participant.member_access import member_or_403
from participant.member_home import group_zone, next_session

log = logging.getLogger(__name__)
FORM_MAX = 4 * 1024  # a questionnaire's answers are well under 1 KB
SECONDS_PER_QUESTION = 15  # for "about N minutes" on the card
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five")
CLOSED = {
    "started": "Your session has started, so these questions are answered there now. "
               "If you join the session, you can answer (or change your answers) on your phone.",
    "ended": "This session has ended, so it no longer takes answers.",
}


# ---- what the next session asks ------------------------------------------------------------------


def planned(gs: GroupSession) -> dict[str, tuple[Instrument, str]]:
    """{instrument id: (the instrument, its activity's content note)} for the questionnaires the
    session's plan holds, in plan order, each once."""
    slugs = db.session.execute(select(PlanItem.slug).where(PlanItem.session_id == gs.id)
                               .order_by(PlanItem.position, PlanItem.id)).scalars()
    found: dict[str, tuple[Instrument, str]] = {}
    for slug in slugs:
        activity = catalogue.resolve(gs.group_id, slug)
        if activity is None or activity.kind != "measure":
            continue
        try:
            inst = instruments.instrument(activity.settings.instrument)
        except KeyError:
            continue
        found.setdefault(inst.id, (inst, activity.content_note or ""))
    return found


def closed_reason(gs: GroupSession) -> str | None:
    """"ended", "started" (the session is running, or a step of its plan has begun), or None while the
    session still takes answers given beforehand."""
    if gs.status == "ended":
        return "ended"
    row = db.session.get(LiveState, gs.id)
    state = dict(row.state) if row is not None else {}
    if state.get("phase") == "ended":
        return "ended"
    if state.get("phase", "lobby") != "lobby" or state.get("current") is not None:
        return "started"
    return None


def _own_results(member: Member, gs: GroupSession) -> dict[str, MeasureResult]:
    return {r.instrument: r for r in db.session.execute(select(MeasureResult).where(
        MeasureResult.session_id == gs.id, MeasureResult.member_id == member.id)).scalars()}


def _before_words(gs: GroupSession) -> str:
    """"Before Tuesday's session" (the group's own time zone), "Before today's session", or "Before your
    next session" when it has no start time."""
    if gs.starts_at is None:
        return "Before your next session"
    zone = group_zone(gs.group_id)
    local, today = gs.starts_at.astimezone(zone), utcnow().astimezone(zone).date()
    return "Before today's session" if local.date() == today else f"Before {local:%A}'s session"


def _minutes(insts: list[Instrument]) -> int:
    return max(2, math.ceil(sum(len(i.items) for i in insts) * SECONDS_PER_QUESTION / 60))


def card(member: Member) -> dict | None:
    """The "answer before the session" card on the member's page, or None (no questionnaire planned
    in their next session, or it no longer takes answers)."""
    gs = next_session(member)
    if gs is None or closed_reason(gs) is not None:
        return None
    insts = [inst for inst, _note in planned(gs).values()]
    if not insts:
        return None
    done = _own_results(member, gs)
    count = NUMBER_WORDS[len(insts)] if len(insts) < len(NUMBER_WORDS) else str(len(insts))
    noun = "short questionnaire" if len(insts) == 1 else "short questionnaires"
    return {"heading": f"{_before_words(gs)}: {count} {noun} (about {_minutes(insts)} minutes)",
            "links": [{"title": inst.name, "about": inst.about, "answered": inst.id in done,
                       "url": url_for("participant.member_measure", public_id=member.public_id,
                                      session=gs.public_id, instrument=inst.id)} for inst in insts]}


# ---- one questionnaire ---------------------------------------------------------------------------


def _lookup(public_id: str, session: str, instrument_id: str) -> tuple[Member, GroupSession, Instrument, str]:
    """The member (403 unless it is their own browser), a session of their group whose plan holds this
    questionnaire (404 otherwise; a session that is not their next one, unless it has already started
    or ended, is 404 too)."""
    member = member_or_403(public_id)
    gs = session_by_public_id(session)
    if gs is None or gs.group_id != member.group_id:
        abort(404)
    inst, note = planned(gs).get(instrument_id, (None, ""))
    if inst is None:
        abort(404)
    if closed_reason(gs) is None:
        upcoming = next_session(member)
        if upcoming is None or upcoming.id != gs.id:
            abort(404)
    return member, gs, inst, note


def _form_answers(inst: Instrument) -> tuple[dict[str, object], dict[str, int]]:
    """(what the form posted, as the instrument's clean() reads it; the values they ticked, to keep on
    the page). Only item ids with small whole numbers are kept for the page; anything else stays in the
    first dict for clean() to refuse with its reason."""
    items = {item.id for item in inst.items}
    raw: dict[str, object] = {}
    for key, value in request.form.items():
        if key == "csrf_token":
            continue
        raw[key] = int(value) if value.isdigit() and len(value) <= 3 else value
    ticked = {k: v for k, v in raw.items() if k in items and isinstance(v, int)}
    return raw, ticked


def _page(member: Member, gs: GroupSession, inst: Instrument, note: str, *, values: dict | None = None,
          error: str | None = None, status: int = 200):
    from handouts.session_context import crisis_lines

    saved = _own_results(member, gs).get(inst.id)
    reason = closed_reason(gs)
    shown = values if values is not None else (dict(saved.items) if saved is not None else {})
    risk = saved is not None and saved.risk and reason is None
    return render_template(
        "participant/member_measures.html", member=member, gs=gs, inst=inst, note=note,
        options={item.id: instruments.options_of(inst, item) for item in inst.items}, values=shown,
        saved=saved, error=error, closed=CLOSED.get(reason or ""), crisis=crisis_lines(gs.group) if risk else [],
        when=_before_words(gs),
        home=url_for("participant.member_home", public_id=member.public_id),
        action=url_for("participant.member_measure", public_id=member.public_id, session=gs.public_id,
                       instrument=inst.id),
        delete=url_for("participant.member_measure_delete", public_id=member.public_id, session=gs.public_id,
                       instrument=inst.id)), status


def _risk(inst: Instrument, row: MeasureResult | None) -> tuple[dict, ...]:
    """The risk rules the saved answers meet (PHQ-9 item 9 above "Not at all"), if any."""
    return instruments.score(inst, dict(row.items)).risk if row is not None else ()


def _pairs(risk: tuple[dict, ...]) -> set[tuple[str, int]]:
    return {(rule["item"], rule["value"]) for rule in risk}


def _alert(member: Member, gs: GroupSession, inst: Instrument, risk: tuple[dict, ...]) -> None:
    """Tell the facilitators at once (the console, and the session's alert list)."""
    command = measure_store.risk_alert_command(member, inst.id, risk)
    if command is not None and not live.execute(gs, command).get("ok"):
        log.warning("member measure: the risk alert was refused (session %s)", gs.id)


@bp.route("/me/<public_id>/sessions/<session>/before/<instrument>", methods=["GET", "POST"])
def member_measure(public_id: str, session: str, instrument: str):
    member, gs, inst, note = _lookup(public_id, session, instrument)
    if request.method == "GET":
        return _page(member, gs, inst, note)
    if closed_reason(gs) is not None:
        return _page(member, gs, inst, note, status=409)
    if (request.content_length or 0) > FORM_MAX or len(request.form) > len(inst.items) + 1:
        log.info("member measure refused: %s", "too large")
        return _page(member, gs, inst, note, values={}, status=413,
                     error="That was more than this questionnaire takes. Please choose your answers again.")
    raw, ticked = _form_answers(inst)
    before = _pairs(_risk(inst, _own_results(member, gs).get(inst.id)))
    try:
        row = measure_store.save_before(member, gs, inst.id, raw)
    except ValueError as exc:
        log.info("member measure refused: %s", "not valid")
        return _page(member, gs, inst, note, values=ticked, error=str(exc), status=400)
    with db.transaction():
        audit.record("measure_before", actor="member_self", session=gs, target=f"member:{member.id}")
    risk = _risk(inst, row)
    if risk and _pairs(risk) != before:  # new, or a different answer: the same one is not announced twice
        _alert(member, gs, inst, risk)
    return redirect(url_for("participant.member_measure", public_id=member.public_id, session=gs.public_id,
                            instrument=inst.id, _anchor="thanks"), 303)


@bp.post("/me/<public_id>/sessions/<session>/before/<instrument>/delete")
def member_measure_delete(public_id: str, session: str, instrument: str):
    """Delete the member's answers given on this page (nothing once the session has started)."""
    member, gs, inst, note = _lookup(public_id, session, instrument)
    if closed_reason(gs) is not None:
        return _page(member, gs, inst, note, status=409)
    with db.transaction() as s:
        row = s.execute(select(MeasureResult).where(
            MeasureResult.session_id == gs.id, MeasureResult.member_id == member.id,
            MeasureResult.instrument == inst.id, MeasureResult.source == "before")).scalar_one_or_none()
        if row is not None:
            s.delete(row)
            audit.record("erase_own_answers", actor="member_self", session=gs, target=f"member:{member.id}")
    flash("Your answers have been deleted." if row is not None else "There were no answers to delete.", "ok")
    return redirect(url_for("participant.member_home", public_id=member.public_id), 303)
