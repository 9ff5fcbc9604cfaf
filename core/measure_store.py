"""Measure results between the live hub and the clinical record (core/clinical_models.MeasureResult).

A `measure` activity emits a ``score`` effect on every submission and ``score_deleted`` when a member
deletes their answers; the hub calls `store` in the same transaction as the state it wrote, so a result
is kept exactly when the live state says it was given. Only members (on the roster) get a stored result:
a guest's answers stay with the session's activity record and go with its content clock.

Members may also answer from their own page before the session (`save_before`); those results are
handed to the running measure activity as ``source: "before"`` (`before_commands`), and a risk answer
given that way reaches the facilitators at once (`risk_alert_command`), not only when the step starts.
"""
from __future__ import annotations

from sqlalchemy import select

from activities import instruments
from core.clinical_models import MeasureResult
from core.extensions import db
from core.member_models import Member
from core.models import GroupSession, Participant, utcnow

HUB = {"role": "facilitator", "id": None}


def _facilitator_id(actor: dict | None) -> int | None:
    actor_id = (actor or {}).get("id") or ""
    if (actor or {}).get("role") == "facilitator" and actor_id.startswith("f") and actor_id[1:].isdigit():
        return int(actor_id[1:])
    return None


def _member_of(s, session: GroupSession, engine_id: object) -> int | None:
    """The roster member behind an engine id ("p<participant id>") of this session, or None (a guest)."""
    if not isinstance(engine_id, str) or not engine_id[1:].isdigit() or engine_id[:1] != "p":
        return None
    p = s.get(Participant, int(engine_id[1:]))
    return p.member_id if p is not None and p.session_id == session.id else None


def _row(s, session_id: int, member_id: int, instrument: str) -> MeasureResult | None:
    return s.execute(select(MeasureResult).where(
        MeasureResult.session_id == session_id, MeasureResult.member_id == member_id,
        MeasureResult.instrument == instrument)).scalar_one_or_none()


def store(s, session: GroupSession, effects: list[dict], actor: dict | None) -> None:
    """Keep (or drop) members' results from a command's effects, in the caller's transaction."""
    for effect in effects:
        if effect.get("type") not in ("score", "score_deleted"):
            continue
        member_id = _member_of(s, session, effect.get("member"))
        if member_id is None:
            continue
        row = _row(s, session.id, member_id, str(effect.get("instrument")))
        if effect["type"] == "score_deleted":
            if row is not None:
                s.delete(row)
            continue
        if effect.get("source") == "before" and row is not None:
            continue  # handed back from the member's own page: already kept as they gave it
        if row is None:
            row = MeasureResult(group_id=session.group_id, session_id=session.id, member_id=member_id,
                                instrument=str(effect["instrument"])[:40])
            s.add(row)
        row.items, row.total = dict(effect.get("items") or {}), effect.get("total")
        row.band, row.risk = str(effect.get("band") or "")[:40], bool(effect.get("risk"))
        row.source = effect.get("source") if effect.get("source") in ("phone", "paper", "before") else "phone"
        row.entered_by = _facilitator_id(actor) if row.source == "paper" else None
        row.answered_at = utcnow()


def previous_totals(session: GroupSession, state: dict) -> dict[str, dict[str, int]]:
    """{engine id: {instrument: total}}: each present member's latest total from an earlier session."""
    seats = {f"p{p.id}": p.member_id for p in db.session.execute(
        select(Participant).where(Participant.session_id == session.id, Participant.member_id.is_not(None))).scalars()}
    wanted = {m["id"]: seats[m["id"]] for m in state.get("members", []) if m["id"] in seats}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(MeasureResult.member_id, MeasureResult.instrument, MeasureResult.total)
        .join(GroupSession, GroupSession.id == MeasureResult.session_id)
        .where(MeasureResult.member_id.in_(set(wanted.values())), MeasureResult.session_id != session.id,
               MeasureResult.total.is_not(None))
        .order_by(GroupSession.starts_at, MeasureResult.answered_at)).all()
    latest: dict[int, dict[str, int]] = {}
    for member_id, instrument, total in rows:
        latest.setdefault(member_id, {})[instrument] = total
    return {engine_id: latest[member_id] for engine_id, member_id in wanted.items() if member_id in latest}


def before_commands(session: GroupSession, state: dict) -> list[dict]:
    """Hub submissions of answers members gave on their page before the session, for the running measure
    activity: one per present member who has such a result and has not answered in the activity yet."""
    activity = state.get("activity") or {}
    if activity.get("kind") != "measure":
        return []
    instrument = (activity.get("instrument") or {}).get("id")
    answered = set(activity.get("answers", {})) | set(activity.get("passed", []) or [])
    seats = {p.member_id: f"p{p.id}" for p in db.session.execute(
        select(Participant).where(Participant.session_id == session.id, Participant.member_id.is_not(None))).scalars()}
    present = {m["id"] for m in state.get("members", [])}
    rows = db.session.execute(select(MeasureResult).where(
        MeasureResult.session_id == session.id, MeasureResult.instrument == instrument,
        MeasureResult.source == "before")).scalars()
    return [{"type": "activity", "action": "submit", "actor": HUB,
             "args": {"member": seats[r.member_id], "answers": dict(r.items), "source": "before"}}
            for r in rows if r.member_id in seats and seats[r.member_id] in present
            and seats[r.member_id] not in answered]


def save_before(member: Member, session: GroupSession, instrument_id: str, raw: object) -> MeasureResult:
    """A member's own answers from their page, for their next session. Raises ValueError (a human
    reason) for answers the instrument does not take."""
    inst = instruments.instrument(instrument_id)
    answers = instruments.clean(inst, raw)
    result = instruments.score(inst, answers)
    with db.transaction() as s:
        row = _row(s, session.id, member.id, inst.id)
        if row is None:
            row = MeasureResult(group_id=member.group_id, session_id=session.id, member_id=member.id,
                                instrument=inst.id)
            s.add(row)
        row.items, row.total, row.band, row.risk = answers, result.total, result.band, bool(result.risk)
        row.source, row.entered_by, row.answered_at = "before", None, utcnow()
    return row


def risk_alert_command(member: Member, instrument_id: str, result_risk: tuple[dict, ...]) -> dict | None:
    """The command that puts a before-the-session risk answer in the session's alert list (and on the
    console at once, if it is open): core.state's ``record_alert``, which only the hub may send."""
    if not result_risk:
        return None
    rule = result_risk[0]
    return {"type": "record_alert", "actor": {"role": "system", "id": None},
            "effect": {"type": "alert", "kind": "risk", "member": f"m{member.id}", "name": member.display_name,
                       "instrument": instrument_id, "field": rule["item"], "value": rule["value"],
                       "say": rule["say"], "before": True}}
