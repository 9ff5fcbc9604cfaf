"""One past session of the demo group, replayed: members arrive, the plan runs, everyone answers, it ends.

The replay drives the same pure state machine the live hub runs (core.state.dispatch, with plan_go
prepared as core.catalogue.prepare prepares it), command by command at the times they would have
happened. So the archived ActivityRun rows, the final live-state document and the attendance rows
(by core.attendance.finalise, from the arrival and leaving times) are exactly what a live session
leaves behind, and so are the questionnaire results (core.measure_store.store from the score effects;
core/demo_record.py). Only the seed of each command comes from the demo's own random generator.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from activities import plan
from core import attendance, catalogue, demo_record, measure_store
from core.activity_models import ActivityRun, PlanItem
from core.extensions import db
from core.member_models import Attendance, Member
from core.models import Facilitator, Group, GroupSession, LiveState, Participant
from core.state import dispatch, initial_state
from facilitator import sessions

SYSTEM = {"role": "system", "id": None}
LATE_BY = (11 * 60 + 10, 13 * 60)  # seconds after the start a late member arrives (late is over 10 minutes)
SESSION_SECONDS = 88 * 60  # when the facilitator ends it, within the 90 minutes

Step = Callable[[dict], dict | None]  # the command to send at that moment, from the state then (None: nothing)


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class Replay:
    """The live-state document of one session and what its commands archived."""

    def __init__(self, session: GroupSession, group: Group, facilitator: Facilitator, rng: random.Random):
        self.session, self.group, self.rng = session, group, rng
        self.actor = {"role": "facilitator", "id": f"f{facilitator.id}"}
        self.state, self.version, self.runs = initial_state(), 0, []
        self.scored: list[tuple[float, dict, list[dict]]] = []  # (when, actor, effects) of measure answers
        self.steps: list[tuple[float, int, Step]] = []

    def at(self, when: float, step: Step | dict) -> None:
        self.steps.append((when, len(self.steps), step if callable(step) else (lambda _state, c=step: c)))

    def activity(self, when: float, action: str, actor: dict | None = None, **args) -> None:
        self.at(when, {"type": "activity", "action": action, "actor": actor or self.actor, "args": args})

    def plan_go(self, index: int) -> dict:
        """A plan_go as core.catalogue.prepare makes it: the activity, its brief, a seed, the options."""
        activity = catalogue.resolve(self.group.id, self.state["plan"][index]["slug"])
        runs = list(self.runs)
        if self.state.get("item") and self.state["item"]["kind"] == "round":
            runs.append({"kind": "round", "state": self.state["activity"]})
        options = {"distress_threshold": self.group.distress_threshold, "history": plan.airtime_history(runs),
                   "distress_families": catalogue.library().distress_families()}
        if activity.kind == "measure":  # each member's last total, for "last time" and the feedback drop flag
            options["previous_totals"] = measure_store.previous_totals(self.session, self.state)
        return {"type": "plan_go", "index": index, "actor": self.actor, "activity_def": activity,
                "brief": plan.brief(activity, catalogue.emotions()), "seed": self.rng.randrange(2**31),
                "options": options}

    def run(self) -> None:
        for when, _order, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            command = step(self.state)
            if command is None:
                continue
            self.state, effects = dispatch(self.state, command, when)
            self.version += 1
            self.runs += [e["run"] for e in effects if e.get("type") == "archive"]
            if any(e.get("type") in ("score", "score_deleted") for e in effects):
                self.scored.append((when, command["actor"], effects))


def _answers(field_ids: list[str], values: list) -> dict:
    answers = {}
    for field_id, value in zip(field_ids, values, strict=True):
        if field_id == "feeling":
            family = catalogue.library().emotion_family(value)
            value = {"word": value, "family": family.id if family else None}
        if value is not None:
            answers[field_id] = value
    return answers


def _round_turn(replay: Replay, passes: set[str]) -> Step:
    """The next turn of the go-around: the speaker passes (as themselves) or the facilitator moves on."""
    def step(state: dict) -> dict | None:
        activity = state.get("activity") or {}
        speaker = activity.get("speaker")
        if activity.get("kind") != "round" or speaker is None:
            return None
        if speaker in passes:
            return {"type": "activity", "action": "pass", "actor": {"role": "participant", "id": speaker}, "args": {}}
        return {"type": "activity", "action": "next", "actor": replay.actor, "args": {}}
    return step


def _spotlight(replay: Replay, member: str | None) -> Step:
    def step(state: dict) -> dict | None:
        if member is None or "need" not in state["activity"]["answers"].get(member, {}):
            return None
        return {"type": "activity", "action": "reveal", "actor": replay.actor, "args": {"field": "need", "member": member}}
    return step


def _form(replay: Replay, go: float, minutes: int, answers: dict[str, tuple[float, dict]], *,
          check_in: bool, spotlight: str | None) -> None:
    """A check-in or check-out: everyone answers (a late arrival soon after coming in), the facilitator shows
    the room the feelings summed up and one member's need (check-in), then closes the form in time."""
    for member, (joined, values) in answers.items():
        when = joined + replay.rng.randint(30, 90) if joined > go else go + replay.rng.randint(60, 240)
        replay.activity(when, "submit", {"role": "participant", "id": member}, answers=values)
    if check_in:
        replay.activity(go + 420, "reveal", field="feeling")
        replay.activity(go + 480, "hide")
        replay.at(go + 540, _spotlight(replay, spotlight))
        replay.activity(go + 600, "hide")
    replay.activity(go + minutes * 60 - 45, "close")


def _round(replay: Replay, go: float, people: int, passes: set[str]) -> None:
    """A go-around: started, then one turn after another until everyone has spoken or passed."""
    replay.activity(go + 45, "start")
    turn = go + 45
    for _ in range(people):
        turn += replay.rng.randint(50, 130)
        replay.at(turn, _round_turn(replay, passes))


def replay_week(group: Group, facilitator: Facilitator, week: dict, start: datetime,
                came: list[tuple[Member, list]], rng: random.Random,
                measures: dict[int, dict[str, dict | None]]) -> GroupSession:
    """One ended session: plan, participants, the replayed live state and its runs, attendance, and the
    questionnaire results (``measures``: {member id: {instrument: answers, or None to pass}})."""
    gs = sessions.create_session(group, week["title"], start, "", False, facilitator)
    t0 = start.timestamp()
    joined = {m.id: t0 + (rng.randint(*LATE_BY) if row[0] == "late" else -rng.randint(60, 480)) for m, row in came}
    with db.transaction() as s:
        for position, (slug, minutes) in enumerate(week["plan"]):
            s.add(PlanItem(session_id=gs.id, position=position, slug=slug, minutes=minutes))
        people = {m.id: Participant(session_id=gs.id, member_id=m.id, display_name=m.display_name,
                                    status="left" if row[0] == "left_early" else "admitted",
                                    created_at=_at(joined[m.id] - 40), consent_at=_at(joined[m.id] - 30),
                                    admitted_at=_at(joined[m.id])) for m, row in came}
        s.add_all(people.values())
    replay = Replay(gs, group, facilitator, rng)
    items = [plan.entry(slug, catalogue.resolve(group.id, slug), minutes) for slug, minutes in week["plan"]]
    replay.at(t0 - 1800, {"type": "plan_set", "items": items, "actor": SYSTEM})
    for m, _row in came:
        info = {"id": people[m.id].engine_id, "name": m.display_name, "in_room": False}
        replay.at(joined[m.id], {"type": "member_join", "member_info": info, "actor": SYSTEM})
    replay.at(t0, {"type": "set_phase", "to": "running", "actor": replay.actor})
    ids = {m.display_name: people[m.id].engine_id for m, _row in came}
    cursor, last = t0 + 60, len(items) - 1
    for index, (slug, minutes) in enumerate(week["plan"]):
        if index == last:
            cursor = max(cursor, t0 + SESSION_SECONDS - (minutes + 1) * 60)
        replay.at(cursor, lambda _state, i=index: replay.plan_go(i))
        kind = items[index]["kind"]
        if index in (0, last):
            fields = [f.id for f in catalogue.resolve(group.id, slug).settings.fields]
            answers = {people[m.id].engine_id: (joined[m.id], _answers(fields, row[1:4] if index == 0 else row[4:7]))
                       for m, row in came if index == 0 or row[0] != "left_early"}
            _form(replay, cursor, minutes, answers, check_in=index == 0, spotlight=ids.get(week["spotlight"]))
        elif kind == "round":
            _round(replay, cursor, len(came), {ids[name] for name in week["passes"] if name in ids})
        elif kind == "measure":
            instrument = catalogue.resolve(group.id, slug).settings.instrument
            demo_record.measure(replay, cursor, minutes, {people[m.id].engine_id: (joined[m.id], measures[m.id][instrument])
                                                          for m, _row in came if instrument in measures.get(m.id, {})})
        if index != last:  # the facilitator stops each activity when its time is up (talk may go on)
            replay.at(cursor + minutes * 60 + rng.randint(0, 60), {"type": "plan_stop", "actor": replay.actor})
        cursor += minutes * 60 + rng.randint(60, 150)
    left: dict[int, float] = {}
    for m, row in came:
        if row[0] == "left_early":
            left[m.id] = t0 + SESSION_SECONDS - (week["plan"][-1][1] + 1) * 60 - rng.randint(180, 420)
            replay.at(left[m.id], {"type": "member_leave", "member": people[m.id].engine_id, "actor": SYSTEM})
    end = t0 + SESSION_SECONDS + rng.randint(0, 90)
    replay.at(end - 120, demo_record.followup(replay))  # spoke with them privately before they left
    replay.at(end, {"type": "set_phase", "to": "ended", "actor": replay.actor})
    replay.run()
    _store(gs, replay, end, came, joined, left)
    return db.session.get(GroupSession, gs.id)


def _store(gs: GroupSession, replay: Replay, end: float, came: list[tuple[Member, list]],
           joined: dict[int, float], left: dict[int, float]) -> None:
    with db.transaction() as s:
        s.add(LiveState(session_id=gs.id, version=replay.version, state=replay.state, updated_at=_at(end)))
        demo_record.store_results(s, gs, replay.scored)
        for run in replay.runs:
            s.add(ActivityRun(session_id=gs.id, position=run["position"], slug=run["slug"], title=run["title"],
                              kind=run["kind"], planned_minutes=run["planned_minutes"],
                              started_at=run["started_at"], ended_at=run["ended_at"], state=run["state"]))
        for m, _row in came:
            s.add(Attendance(session_id=gs.id, member_id=m.id, status="present", joined_at=_at(joined[m.id]),
                             left_at=_at(left[m.id]) if m.id in left else None))
        row = s.merge(gs)
        row.status, row.ended_at = "ended", _at(end)
    attendance.finalise(db.session.get(GroupSession, gs.id))


def excuse(gs: GroupSession, member: Member, facilitator: Facilitator) -> None:
    """The facilitator marks a member excused (they said so ahead): a correction the rules keep."""
    with db.transaction() as s:
        s.add(Attendance(session_id=gs.id, member_id=member.id, status="excused", edited_by=facilitator.id,
                         edited_at=gs.starts_at - timedelta(days=1)))
