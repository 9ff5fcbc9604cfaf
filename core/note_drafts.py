"""What a session's note drafts are prefilled with: plain sentences built from the session's own record.

A member's draft is built only from that member's own data (their attendance row, their seats' entries
in the kinds' summaries, their own answers that facilitators may see, their measure results, the alerts
about them); `scrub` then replaces any other member's name that the member may have typed themself. The
group note names nobody: counts, times and what the facilitator shared with the group, without names.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from activities import alerts as alert_list
from activities import instruments
from core import live, records
from core import vocabulary as vocab
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Attendance, Member
from core.models import Facilitator, GroupMember, GroupSession, Participant

SECTIONS = {"plain": ("note",), "dap": ("data", "assessment", "plan"),
            "birp": ("behaviour", "intervention", "response", "plan"),
            "soap": ("subjective", "objective", "assessment", "plan")}
FACTUAL = {"plain": "note", "dap": "data", "birp": "behaviour", "soap": "objective"}
DEBRIEF_SECTIONS = ("helped", "hindered", "plan")
FEEDBACK = "session-feedback"
FEEDBACK_MIN = 3  # fewer answers than this are not summarised (they would point at a person)
ALERT_KINDS = ("distress", "risk", "feedback")
SHOWN = ("facilitators", "group")


def _clock(at: datetime | float | None) -> str:
    if at is None:
        return "?"
    if isinstance(at, (int, float)):
        at = datetime.fromtimestamp(at, UTC)
    return at.strftime("%H:%M UTC")


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes else f"{round(seconds)} s"


def scrub(text: str, other_names: list[str]) -> str:
    """Replace other members' names (whole words, any case) with "another member"."""
    for name in sorted({n.strip() for n in other_names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "another member", text, flags=re.IGNORECASE)
    return text


def seats(gs: GroupSession, member_id: int) -> list[Participant]:
    return list(db.session.execute(select(Participant).where(Participant.session_id == gs.id,
                                                             Participant.member_id == member_id)).scalars())


def _attendance_line(row: Attendance) -> str:
    line = f"Attendance: {vocab.phrase(vocab.ATTENDANCE, row.status)}"
    if row.joined_at is not None:
        line += f", joined {_clock(row.joined_at)}"
    if row.left_at is not None:
        line += f", left {_clock(row.left_at)}"
    return line + "."


def _participation(runs: list[dict], turns: dict, state: dict, engine_ids: set[str]) -> list[str]:
    """This member's own entries in the kinds' summaries: turns and airtime in rounds (from each round's
    per-member status), airtime elsewhere, passes and pause signals."""
    lines = []
    for run in runs:
        seconds = sum(float(s) for m, s in run["summary"]["airtime"].items() if m in engine_ids)
        if run["kind"] == "round":
            statuses = [st for m, st in turns.get((run["title"], run["started_at"]), {}).items() if m in engine_ids]
            if any(st in ("done", "speaking") for st in statuses) or (seconds and "passed" not in statuses):
                lines.append(f"{run['title']}: {vocab.STATUSES['done'].phrase} ({_duration(seconds)}).")
            elif statuses:
                lines.append(f"{run['title']}: {vocab.phrase(vocab.STATUSES, statuses[-1])}.")
            else:
                lines.append(f"{run['title']}: did not take part.")
        elif seconds:
            lines.append(f"{run['title']}: spoke for {_duration(seconds)}.")
    passes = sum(n for m, n in state.get("pass_count", {}).items() if m in engine_ids)
    if passes or any(m in engine_ids for m in state.get("passes", [])):
        lines.append("Used the pass." if passes <= 1 else f"Used the pass {passes} times.")
    signals = sum(1 for s in state.get("signals", []) if s.get("member") in engine_ids)
    if signals:
        lines.append(f"Asked for a pause {signals} time(s).")
    return lines


def round_turns(gs: GroupSession) -> dict[tuple, dict[str, str]]:
    """{(title, started_at): {engine id: status}} of each archived round: who spoke, passed, was not reached."""
    return {(r["title"], r["started_at"]): dict(r["state"].get("status") or {})
            for r in records.session_runs(gs) if r["kind"] == "round"}


def _answers(gs: GroupSession, people: list[Participant]) -> list[str]:
    """Their own answers facilitators may see (never private ones; cards are addressed to others, so
    only counted; measures come from MeasureResult)."""
    lines, cards = [], 0
    for p in people:
        for entry in records.session_record(gs, p):
            if entry["kind"] == "measure":
                continue
            for it in entry["record"]["items"]:
                if it["audience"] not in SHOWN:
                    continue
                if entry["kind"] == "cards":
                    cards += 1
                    continue
                value = it["text"] if it["text"] is not None else "; ".join(it["entries"] or [])
                shared = " (shared with the group)" if it["audience"] == "group" else ""
                lines.append(f"{entry['title']}, {it['label']}: {value}{shared}.")
    if cards:
        lines.append(f"Wrote {cards} card(s) in the feedback exercises.")
    return lines


def _title(instrument_id: str) -> str:
    try:
        return instruments.instrument(instrument_id).title
    except KeyError:
        return instrument_id


def _measures(gs: GroupSession, member_id: int) -> list[str]:
    rows = db.session.execute(select(MeasureResult).where(MeasureResult.session_id == gs.id,
                                                          MeasureResult.member_id == member_id)
                              .order_by(MeasureResult.instrument)).scalars()
    lines = []
    for r in rows:
        score = f"total {r.total}" if r.total is not None else "not scored"
        band = f" ({r.band})" if r.band else ""
        risk = "; a risk item was answered above its limit" if r.risk else ""
        lines.append(f"{_title(r.instrument)}: {score}{band}{risk}.")
    return lines


def _alerts(state: dict, engine_ids: set[str]) -> list[str]:
    return [f"Alert ({a.get('kind', 'distress')}) during {a.get('activity') or 'the session'} at "
            f"{_clock(a.get('at'))}: {alert_list.FOLLOWUP_WORDS.get(a.get('followup'), 'not followed up yet')}."
            for a in alert_list.facilitator_view(state)
            if a.get("member") in engine_ids and a.get("kind", "distress") in ALERT_KINDS]


def member_text(gs: GroupSession, row: Attendance, runs: list[dict], state: dict, others: list[str],
                turns: dict) -> str:
    """The factual section of one member's note, from that member's data only."""
    people = seats(gs, row.member_id)
    ids = {p.engine_id for p in people}
    alert_ids = ids | {f"m{row.member_id}"}  # a risk answer given on their page before the session
    lines = [_attendance_line(row), *_participation(runs, turns, state, ids), *_answers(gs, people),
             *_measures(gs, row.member_id), *_alerts(state, alert_ids)]
    return scrub("\n".join(lines), others)


def facilitator_names(gs: GroupSession) -> list[str]:
    return list(db.session.execute(select(Facilitator.name).join(GroupMember).where(
        GroupMember.group_id == gs.group_id, GroupMember.role.in_(("owner", "co"))).order_by(Facilitator.name)
    ).scalars())


def _shared_count(gs: GroupSession) -> int:
    people = db.session.execute(select(Participant).where(Participant.session_id == gs.id)).scalars()
    return sum(1 for p in people for entry in records.session_record(gs, p)
               for it in entry["record"]["items"] if it["audience"] == "group")


def group_text(gs: GroupSession, runs: list[dict], state: dict) -> str:
    """The group note: no member's name, no answer, only counts, times and activities."""
    rows = db.session.execute(select(Attendance.status).where(Attendance.session_id == gs.id)).scalars().all()
    start = gs.starts_at or gs.created_at
    lines = [f"Date: {(gs.ended_at or start):%d %b %Y}."]
    started = min((r["started_at"] for r in runs), default=None)
    if started is not None and gs.ended_at is not None:
        lines.append(f"Duration: {_clock(started)} to {_clock(gs.ended_at)} "
                     f"({_duration(gs.ended_at.timestamp() - started)}).")
    lines.append("Facilitators: " + (", ".join(facilitator_names(gs)) or "none recorded") + ".")
    counts = [f"{rows.count(s)} {t.phrase}" for s, t in vocab.ATTENDANCE.items() if rows.count(s)]
    guests = db.session.execute(select(Participant.id).where(Participant.session_id == gs.id,
                                                             Participant.member_id.is_(None),
                                                             Participant.admitted_at.is_not(None))).all()
    lines.append("Attendance: " + (", ".join(counts) or "no members recorded")
                 + (f"; {len(guests)} guest(s)" if guests else "") + ".")
    for r in runs:
        end = r["ended_at"] or (gs.ended_at.timestamp() if gs.ended_at else r["started_at"])
        lines.append(f"Activity: {r['title']} ({r['kind']}), {_clock(r['started_at'])}, "
                     f"{_duration(end - r['started_at'])} (planned {r['planned_minutes']} min).")
    shared = _shared_count(gs)
    lines.append(f"Themes: {shared} answer(s) were shared with the group." if shared
                 else "Themes: nothing was shared with the group in writing.")
    lines.append(f"Pause signals: {len(state.get('signals', []))}.")
    alerts = [a for a in alert_list.facilitator_view(state) if a.get("kind", "distress") in ALERT_KINDS]
    followed = sum(1 for a in alerts if a.get("followup") != alert_list.NEW)
    lines.append(f"Alerts: {len(alerts)}, {followed} followed up.")
    return "\n".join(lines)


def feedback_lines(gs: GroupSession) -> str:
    """The session-feedback aggregates: per item the mean and how many answered, from 3 answers up."""
    rows = list(db.session.execute(select(MeasureResult.items).where(MeasureResult.session_id == gs.id,
                                                                     MeasureResult.instrument == FEEDBACK)).scalars())
    try:
        items = [(i.id, i.text) for i in instruments.instrument(FEEDBACK).items]
    except KeyError:
        items = sorted({(k, k) for r in rows for k in r})
    lines = []
    for item_id, text in items:
        values = [r[item_id] for r in rows if isinstance(r.get(item_id), (int, float))]
        lines.append(f"{text} mean {sum(values) / len(values):.1f} of 10 ({len(values)} answered)."
                     if len(values) >= FEEDBACK_MIN else f"{text} fewer than {FEEDBACK_MIN} answers.")
    return "Session feedback: " + ("\n".join(lines) if rows else "no answers.")


def drafts(gs: GroupSession, fmt: str) -> dict[str, dict[str, Any]]:
    """{subject: {"member_id", "format", "sections"}} for the group note, each attending member, the debrief."""
    runs, turns = records.run_summaries(gs), round_turns(gs)
    state, _version = live.load_state(gs.id)
    attended = list(db.session.execute(select(Attendance, Member).join(Member).where(
        Attendance.session_id == gs.id, Attendance.status.in_(("present", "late", "left_early")))
        .order_by(Member.id)).all())
    all_names = {m.id: m.display_name for m in db.session.execute(
        select(Member).where(Member.group_id == gs.group_id)).scalars()}
    all_names.update({p.member_id: p.display_name for p in db.session.execute(
        select(Participant).where(Participant.session_id == gs.id)).scalars() if p.member_id})
    guest_names = [p.display_name for p in db.session.execute(select(Participant).where(
        Participant.session_id == gs.id, Participant.member_id.is_(None))).scalars()]
    out = {"group": {"member_id": None, "format": "plain", "sections": {"note": group_text(gs, runs, state)}}}
    for row, member in attended:
        others = [n for mid, n in all_names.items() if mid != member.id] + guest_names
        sections = dict.fromkeys(SECTIONS[fmt], "")
        sections[FACTUAL[fmt]] = member_text(gs, row, runs, state, others, turns)
        out[f"m{member.id}"] = {"member_id": member.id, "format": fmt, "sections": sections}
    debrief = {"helped": feedback_lines(gs), "hindered": "", "plan": ""}
    debrief.update({f"concern_m{member.id}": "" for _row, member in attended})
    out["debrief"] = {"member_id": None, "format": "plain", "sections": debrief}
    return out
