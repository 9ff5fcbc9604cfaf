"""The demo group's clinical record: the PHQ-9, GAD-7 and session feedback answered in each replayed
session, the results kept as the hub keeps them, and each session's notes drafted, written and signed.

The totals per member and week are data (core/demo_content.yaml, `record`). Here they become item
answers (as even as the options allow, the odd points on items that differ per member), which the
replay (core/demo_sessions.py) submits to the `measure` engine as a phone would. The MeasureResult rows
come from the engine's ``score`` effects through core.measure_store.store, as in the live hub, so the
results, the archived runs and the live-state alerts agree, and every total and band is what
activities.instruments.score makes of the answers. The notes are the drafts a session end makes
(core.notes.drafts_for), then the facilitator's words from the content, signed with core.notes.sign.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from activities import alerts, instruments
from core import catalogue, measure_store, notes
from core.clinical_models import DEBRIEF_SUBJECT, GROUP_SUBJECT, ClinicalNote, MeasureResult
from core.extensions import db
from core.models import Facilitator, GroupSession, Participant

COLUMNS = ("phq-9", "gad-7", "session-feedback")  # a member's `record` row, in this order
RISK_ITEM = "q9"  # the PHQ-9's risk item: 0 unless it is the member's `risk_week`
DIFFICULTY = {"phq-9": "q10", "gad-7": "q8"}  # the unscored "how difficult" item, answered too
SIGNED_AFTER = timedelta(minutes=40)  # the facilitator writes and signs the notes that evening
ADDENDUM_AFTER = timedelta(hours=15)  # and phones the next morning

Step = Callable[[dict], dict | None]


def item_answers(instrument_id: str, total: int, shift: int, risk: bool = False) -> dict[str, int]:
    """Answers whose scored items add up to ``total``: the points spread evenly, the odd ones on the items
    ``shift`` picks (one member's pattern); the PHQ-9's item 9 is 0, or 1 with ``risk``."""
    inst = instruments.instrument(instrument_id)
    answers = {RISK_ITEM: int(risk)} if any(i.id == RISK_ITEM for i in inst.items) else {}
    spread = [i.id for i in inst.items if i.scored and i.id not in answers]
    rest = total - sum(answers.values())
    if not 0 <= rest <= max(o.value for o in inst.options) * len(spread):
        raise ValueError(f"demo content: {inst.title} total {total} cannot be answered")
    base, extra = divmod(rest, len(spread))
    answers.update({item: base + ((n - shift) % len(spread) < extra) for n, item in enumerate(spread)})
    if instrument_id in DIFFICULTY:
        answers[DIFFICULTY[instrument_id]] = min(3, total // 5)
    return answers


def week_answers(person: dict, position: int, week_index: int) -> dict[str, dict | None] | None:
    """{instrument: answers, or None to pass} for one member's week; None when they did not come."""
    row, came = person["record"][week_index], isinstance(person["weeks"][week_index], list)
    if (row is not None) != came:
        raise ValueError(f"demo content: {person['name']}, week {week_index + 1}: a record row exactly when they came")
    if row is None:
        return None
    risk = person.get("risk_week") == week_index + 1
    return {inst: None if total is None else item_answers(inst, total, position + k, risk and inst == "phq-9")
            for k, (inst, total) in enumerate(zip(COLUMNS, row, strict=True))}


def measure(replay, go: float, minutes: int, answers: dict[str, tuple[float, dict | None]]) -> None:
    """A questionnaire step of the replay: each member answers on their phone soon after it starts (or
    after they come in), or passes; the facilitator closes it when its time is up."""
    for member, (joined, values) in answers.items():
        when = max(go, joined) + replay.rng.randint(30, min(150, minutes * 60 - 60))
        actor = {"role": "participant", "id": member}
        if values is None:
            replay.activity(when, "pass", actor)
        else:
            replay.activity(when, "submit", actor, answers=values)
    replay.activity(go + minutes * 60 - 45, "close")


def followup(replay) -> Step:
    """The facilitator, having spoken with the member privately, follows up a risk alert still new, as
    the console does (the command as core.catalogue.prepare hands it to the engine)."""
    def step(state: dict) -> dict | None:
        entry = next((a for a in state.get("alerts", []) if a.get("kind") == "risk" and a["followup"] == alerts.NEW),
                     None)
        if entry is None:
            return None
        return catalogue.prepare(replay.session, state, {"type": "alert_followup", "alert": entry["id"],
                                                         "followup": alerts.SPOKE, "actor": replay.actor})
    return step


def store_results(s, gs: GroupSession, scored: list[tuple[float, dict, list[dict]]]) -> None:
    """Keep the replay's results with core.measure_store.store, each at the time it was given."""
    seats = {f"p{p.id}": p.member_id for p in s.execute(
        select(Participant).where(Participant.session_id == gs.id)).scalars()}
    for when, actor, effects in scored:
        measure_store.store(s, gs, effects, actor)
        s.flush()
        for effect in effects:
            if effect.get("type") == "score" and effect["member"] in seats:
                s.execute(update(MeasureResult).where(
                    MeasureResult.session_id == gs.id, MeasureResult.member_id == seats[effect["member"]],
                    MeasureResult.instrument == effect["instrument"]).values(answered_at=datetime.fromtimestamp(when, UTC)))


def _words(note: ClinicalNote, week: dict, members: dict[int, dict]) -> dict[str, str]:
    if note.subject == GROUP_SUBJECT:
        return {"note": f"{note.sections['note']}\n{week['group_note']}"} if week["group_note"] else {}
    if note.subject == DEBRIEF_SUBJECT:
        return {"hindered": week["hindered"], "plan": week["next_time"]}
    words = members.get(note.member_id)
    if not words:
        raise ValueError(f"demo content: {week['title']}: no note words for member {note.member_id}")
    return {key: text for key, text in words.items() if key in note.sections}


def write_notes(session_id: int, facilitator: Facilitator, week: dict, members: dict[int, dict],
                addenda: dict[int, str], sign: bool) -> None:
    """The drafts a session end makes; for a signed week, the facilitator's words in each (``members``:
    {member id: {section: text}}), the signature, and any addendum (``addenda``: {member id: text}), dated
    that evening and the morning after. Unsigned, they stay the drafts as made."""
    gs = db.session.get(GroupSession, session_id)
    notes.drafts_for(gs)
    if sign:
        for note in notes.notes_of(gs):
            words = _words(note, week, members)
            notes.sign(notes.save(note, words, facilitator, "owner") if words else note, facilitator, "owner")
    signed_at = gs.ended_at + SIGNED_AFTER
    with db.transaction() as s:
        s.execute(update(ClinicalNote).where(ClinicalNote.session_id == gs.id).values(
            created_at=gs.ended_at, updated_at=signed_at if sign else gs.ended_at, signed_at=signed_at if sign else None))
    if sign:
        morning = gs.ended_at + ADDENDUM_AFTER
        for note in notes.notes_of(gs):
            if note.member_id in addenda:
                added = notes.add_addendum(note, addenda[note.member_id].format(day=f"{morning:%A %d %B}"), facilitator)
                with db.transaction() as s:
                    s.merge(added).created_at = morning


def summary(group_id: int) -> str:
    """What the command prints about the record: weeks of results, risk answers, signed and draft notes."""
    ended = db.session.execute(select(GroupSession.id).where(GroupSession.group_id == group_id,
                                                             GroupSession.status == "ended")
                               .order_by(GroupSession.starts_at)).scalars().all()
    results = db.session.execute(select(MeasureResult.session_id, MeasureResult.risk)
                                 .where(MeasureResult.group_id == group_id)).all()
    statuses = db.session.execute(select(ClinicalNote.session_id, ClinicalNote.status)
                                  .where(ClinicalNote.group_id == group_id)).all()
    answered = [n for n, sid in enumerate(ended, start=1) if any(r.session_id == sid for r in results)]
    signed = [n for n, sid in enumerate(ended, start=1) if {st for i, st in statuses if i == sid} == {"signed"}]
    drafts = [n for n, sid in enumerate(ended, start=1) if "draft" in {st for i, st in statuses if i == sid}]
    risks = sum(1 for r in results if r.risk)
    return (f"{len(answered)} weeks of PHQ-9, GAD-7 and session feedback ({len(results)} results, "
            f"{risks} risk answer{'' if risks == 1 else 's'} followed up); "
            f"notes signed for {_span(signed)}, drafts for {_span(drafts)}")


def _span(weeks: list[int]) -> str:
    if not weeks:
        return "no week"
    if len(weeks) > 1 and weeks == list(range(weeks[0], weeks[-1] + 1)):
        return f"weeks {weeks[0]}-{weeks[-1]}"
    return ("week " if len(weeks) == 1 else "weeks ") + ", ".join(map(str, weeks))
