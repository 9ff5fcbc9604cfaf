"""`flask --app wsgi demo`: the demo group, its sessions and engine states, the refusal beside real groups."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from activities import engine, instruments
from core import demo
from core.activity_models import ActivityRun, PlanItem
from core.clinical_models import ClinicalNote, MeasureResult, NoteAddendum
from core.extensions import db
from core.member_models import Attendance, GroupSchedule, Member, PracticeEntry
from core.models import Facilitator, Group, GroupSession, LiveState, Participant

LINK = re.compile(r"^\s+(\S+)\s+https?://\S+/m/(\S+)$", re.M)
PASSWORD = re.compile(r"password: (\S+)")


def run_demo(app, *args: str):
    return app.test_cli_runner().invoke(args=["demo", *args])


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.fixture
def made(app):
    result = run_demo(app)
    assert result.exit_code == 0, result.output
    return result


def demo_group(app) -> Group:
    groups = demo.demo_groups()
    assert len(groups) == 1
    return groups[0]


def test_builds_eight_members_six_ended_sessions_and_one_ready(app, made):
    with app.app_context():
        group = demo_group(app)
        roster = {m.display_name: m for m in db.session.execute(select(Member).where(Member.group_id == group.id))
                  .scalars()}
        assert len(roster) == 8
        assert sorted(m.status for m in roster.values()).count("active") == 6
        assert {roster["Sam"].status, roster["Leon"].status} == {"break", "left"}
        sessions = list(db.session.execute(select(GroupSession).where(GroupSession.group_id == group.id)
                                           .order_by(GroupSession.starts_at)).scalars())
        ended, ahead = sessions[:6], sessions[6:]
        assert [s.status for s in ended] == ["ended"] * 6 and all(s.ended_at > s.starts_at for s in ended)
        gaps = {(b.starts_at - a.starts_at).days for a, b in zip(sessions, sessions[1:], strict=False)}
        assert gaps == {7}
        assert len(ahead) == 1 and ahead[0].status == "planned"
        plan_of = [[i.slug for i in db.session.execute(select(PlanItem).where(PlanItem.session_id == s.id)
                                                      .order_by(PlanItem.position)).scalars()] for s in sessions]
        assert all(p[0] == "check-in" and p[-1] == "check-out" and len(p) >= 3 for p in plan_of)
        assert plan_of[6] == plan_of[5]  # the next session's plan is the last one's, copied
        schedule = db.session.get(GroupSchedule, group.id)
        assert (schedule.weekday, schedule.time_of_day, schedule.minutes, schedule.timezone) == (
            1, "18:30", 90, "Europe/London")
        assert roster["Aisha"].started_on == ended[2].starts_at.date()


def test_attendance_matches_the_roster_and_the_participants(app, made):
    with app.app_context():
        group = demo_group(app)
        ended = list(db.session.execute(select(GroupSession).where(GroupSession.group_id == group.id,
                                                                   GroupSession.status == "ended")).scalars())
        rows = db.session.execute(select(Attendance, Member.display_name).join(Member)
                                  .where(Member.group_id == group.id)).all()
        by_member: dict[str, int] = {}
        for _row, name in rows:
            by_member[name] = by_member.get(name, 0) + 1
        # Every member has a row for each session they were on the roster for: Aisha from week 3, Leon to week 4.
        assert by_member == {"Maya": 6, "Tomasz": 6, "Priya": 6, "Sam": 6, "Jo": 6, "Ray": 6, "Aisha": 4, "Leon": 4}
        statuses = [row.status for row, _name in rows]
        assert statuses.count("excused") == 1 and statuses.count("left_early") == 1
        assert statuses.count("late") >= 2 and 2 <= statuses.count("absent") <= 4
        assert statuses.count("present") > len(statuses) * 0.7
        for gs in ended:
            people = {p.member_id: p for p in db.session.execute(select(Participant)
                                                                 .where(Participant.session_id == gs.id)).scalars()}
            came = {r.member_id: r for r in db.session.execute(select(Attendance).where(
                Attendance.session_id == gs.id, Attendance.status.in_(("present", "late", "left_early")))).scalars()}
            assert set(people) == set(came)
            for member_id, p in people.items():
                assert p.admitted_at == came[member_id].joined_at and p.consent_at is not None
                assert p.status == ("left" if came[member_id].status == "left_early" else "admitted")


def test_every_engine_state_is_one_the_engine_reads(app, made):
    with app.app_context():
        runs = list(db.session.execute(select(ActivityRun)).scalars())
        ended = select(GroupSession.id).where(GroupSession.status == "ended")
        assert len(runs) == count(PlanItem, PlanItem.session_id.in_(ended)) == 40  # every planned activity ran (18 of them questionnaires)
        for run in runs:
            view = engine.facilitator_view(run.state)
            assert run.state["kind"] == run.kind and isinstance(view, dict)
        forms = [r for r in runs if r.slug in ("check-in", "check-out")]
        assert len(forms) == 12 and all(r.state["phase"] == "closed" for r in forms)
        rounds = [r for r in runs if r.kind == "round"]
        assert rounds and all(r.state["phase"] == "finished" for r in rounds)
        assert any(status == "passed" for r in rounds for status in r.state["status"].values())
        commitments = [a.get("commitment") for r in forms if r.slug == "check-out" for a in r.state["answers"].values()]
        assert "Ask my sister for a walk on Sunday" in commitments
        feelings = [a["feeling"] for r in forms if r.slug == "check-in" for a in r.state["answers"].values()]
        assert {"word": "nervous", "family": "scared"} in feelings
        states = list(db.session.execute(select(LiveState.state)).scalars())
        assert sum(1 for s in states if s["phase"] == "ended") == 6


def test_practice_log_entries_are_recent_and_keyed_once(app, made):
    with app.app_context():
        entries = list(db.session.execute(select(PracticeEntry)).scalars())
        assert {e.kind for e in entries} == {"morning", "evening", "ladder"}
        assert len({e.member_id for e in entries}) >= 4
        assert len({(e.member_id, e.client_key) for e in entries}) == len(entries)
        newest = max(e.day for e in entries)
        assert all((newest - e.day).days <= 14 for e in entries)
        ladders = [e for e in entries if e.kind == "ladder"]
        assert all({"step", "expected", "actual"} <= set(e.data) for e in ladders)
        assert any({"feared", "happened", "body"} <= set(e.data) for e in ladders)
        steps = [(e.member_id, e.data["step"]) for e in ladders]
        assert len(steps) > len(set(steps)), "one demo step is tried twice, so the page shows tries side by side"


def test_prints_sign_in_links_and_the_export_hint(app, client, made):
    out = made.output
    assert "/login" in out and "demo@example.org" in out
    with app.app_context():
        group_id = demo_group(app).id
    assert f"flask --app wsgi export attendance --group {group_id} --format csv" in out
    assert "6 weeks of PHQ-9, GAD-7 and session feedback" in out
    assert "notes signed for weeks 1-5, drafts for week 6" in out and "export member " in out
    links = LINK.findall(out)
    assert len(links) == 7 and "Leon" not in dict(links)  # a member who left has no link
    r = client.post("/login", data={"email": "demo@example.org", "password": PASSWORD.search(out).group(1)})
    assert r.status_code == 302
    assert client.get(f"/groups/{group_id}").status_code == 200
    member = app.test_client()
    r = member.get(f"/m/{links[0][1]}")
    assert r.status_code == 302 and "/me/" in r.headers["Location"]
    assert member.get(r.headers["Location"]).status_code == 200  # the member's own page opens


def test_refuses_beside_a_real_group_and_force_adds_the_demo(app, make_facilitator):
    from facilitator.sessions import create_group

    owner = make_facilitator()
    with app.app_context():
        create_group(db.session.get(Facilitator, owner.id), "Thursday group", "", "", 30)
    refused = run_demo(app)
    assert refused.exit_code == 1 and "--force" in refused.output
    with app.app_context():
        assert count(Group) == 1 and count(Member) == 0 and count(Facilitator) == 1
    forced = run_demo(app, "--force")
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        names = sorted(db.session.execute(select(Group.name)).scalars())
        assert names == ["Thursday group", "Tuesday evening group (demo)"]


def test_a_second_run_replaces_the_demo_group_and_the_password(app, made):
    with app.app_context():
        first = demo_group(app).id
        record = [count(MeasureResult), count(ClinicalNote), count(NoteAddendum)]
    again = run_demo(app)
    assert again.exit_code == 0, again.output
    assert f"Replaced the earlier demo group (id {first})" in again.output
    assert PASSWORD.search(again.output).group(1) != PASSWORD.search(made.output).group(1)
    with app.app_context():
        demo_group(app)
        assert count(Group) == 1 and count(Member) == 8 and count(Facilitator) == 1
        assert count(GroupSession) == 7
        assert [count(MeasureResult), count(ClinicalNote), count(NoteAddendum)] == record  # erased, not doubled


def test_the_same_seed_gives_the_same_sessions(app):
    def answers() -> list:
        with app.app_context():
            runs = db.session.execute(select(ActivityRun).order_by(ActivityRun.session_id, ActivityRun.position))
            return [(r.slug, r.ended_at - r.started_at, sorted(r.state.get("status", {}).values()))
                    for r in runs.scalars()]

    assert run_demo(app, "--seed", "5").exit_code == 0
    first = answers()
    assert run_demo(app, "--seed", "5").exit_code == 0
    assert answers() == first
    assert run_demo(app, "--seed", "6").exit_code == 0
    assert answers() != first


def test_export_prints_a_grid_of_eight_members_by_six_sessions(app, made):
    with app.app_context():
        group_id = demo_group(app).id
    result = app.test_cli_runner().invoke(args=["export", "attendance", "--group", str(group_id), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "," in line]
    header, rows = lines[0], lines[1:9]
    assert header.count("Week ") == 6
    assert sorted(r.split(",")[0] for r in rows) == ["Aisha", "Jo", "Leon", "Maya", "Priya", "Ray", "Sam", "Tomasz"]


@pytest.mark.parametrize(("local_now", "next_day"), [
    ("2026-12-08 19:00", "2026-12-08"),  # a Tuesday during the meeting: tonight's is the one to run
    ("2026-12-08 20:05", "2026-12-15"),  # after it: next week's
    ("2026-07-01 09:00", "2026-07-07"),  # a Wednesday in summer time
])
def test_the_next_session_is_the_first_not_over_and_the_past_ones_are(app, local_now, next_day):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.fromisoformat(local_now).replace(tzinfo=ZoneInfo("Europe/London"))
    with app.app_context():
        made = demo.build(seed=3, now=now)
        sessions = list(db.session.execute(select(GroupSession).where(GroupSession.group_id == made.group_id)
                                           .order_by(GroupSession.starts_at)).scalars())
        assert all(s.ended_at <= now for s in sessions[:6])
        local = [s.starts_at.astimezone(ZoneInfo("Europe/London")) for s in sessions]
        assert {(t.weekday(), t.strftime("%H:%M")) for t in local} == {(1, "18:30")}
        assert str(local[6].date()) == next_day and sessions[6].status == "planned"
        assert all(e.created_at <= now for e in db.session.execute(select(PracticeEntry)).scalars())


# ---- the clinical record ------------------------------------------------------------------------


def past_sessions(app) -> list[GroupSession]:
    return list(db.session.execute(select(GroupSession).where(
        GroupSession.group_id == demo_group(app).id, GroupSession.status == "ended")
        .order_by(GroupSession.starts_at)).scalars())


def results_of(name: str) -> dict[str, list[MeasureResult]]:
    rows = db.session.execute(select(MeasureResult).join(Member).join(GroupSession, GroupSession.id ==
                                                                       MeasureResult.session_id)
                              .where(Member.display_name == name).order_by(GroupSession.starts_at)).scalars()
    out: dict[str, list[MeasureResult]] = {}
    for r in rows:
        out.setdefault(r.instrument, []).append(r)
    return out


def test_results_for_every_attending_member_each_week_and_none_for_the_absent(app, made):
    with app.app_context():
        for gs in past_sessions(app):
            came = set(db.session.execute(select(Attendance.member_id).where(
                Attendance.session_id == gs.id, Attendance.status.in_(("present", "late", "left_early")))).scalars())
            rows = list(db.session.execute(select(MeasureResult).where(MeasureResult.session_id == gs.id)).scalars())
            for instrument in ("phq-9", "gad-7"):
                assert {r.member_id for r in rows if r.instrument == instrument} == came
            assert {r.member_id for r in rows if r.instrument == "session-feedback"} <= came
            for r in rows:  # every total and band is the instrument's own scoring of the stored answers
                score = instruments.score(instruments.instrument(r.instrument), r.items)
                assert (r.total, r.band, r.risk, r.source) == (score.total, score.band, bool(score.risk), "phone")
                assert gs.starts_at < r.answered_at < gs.ended_at
        assert count(MeasureResult) == 119  # 40 attendances x 3, less one pass on the session feedback


def test_one_member_improves_one_worsens_and_the_feedback_drop_is_flagged(app, made):
    phq = instruments.instrument("phq-9")
    with app.app_context():
        maya, sam = results_of("Maya"), results_of("Sam")
        assert len(maya["phq-9"]) == 6 and len(sam["phq-9"]) == 5
        assert maya["phq-9"][0].total - maya["phq-9"][-1].total >= phq.reliable_change
        assert instruments.change(phq, maya["phq-9"][0].total, maya["phq-9"][-1].total) == "improved"
        assert instruments.change(phq, sam["phq-9"][0].total, sam["phq-9"][-1].total) == "worsened"
        drop = sam["session-feedback"][-1]
        state = db.session.get(LiveState, drop.session_id).state
        flags = [a for a in state["alerts"] if a["kind"] == "feedback"]
        assert [(a["name"], a["why"]) for a in flags] == [("Sam", "drop")]


def test_one_risk_answer_in_week_three_followed_up_in_that_session(app, made):
    with app.app_context():
        risky = list(db.session.execute(select(MeasureResult).where(MeasureResult.risk.is_(True))).scalars())
        assert len(risky) == 1 and risky[0].instrument == "phq-9" and risky[0].items["q9"] == 1
        assert risky[0].session_id == past_sessions(app)[2].id
        seat = db.session.execute(select(Participant).where(Participant.session_id == risky[0].session_id,
                                                            Participant.member_id == risky[0].member_id)).scalar_one()
        alerts = db.session.get(LiveState, risky[0].session_id).state["alerts"]
        risk = [a for a in alerts if a["kind"] == "risk"]
        assert len(risk) == 1 and risk[0]["member"] == seat.engine_id and risk[0]["field"] == "q9"
        assert (risk[0]["followup"], risk[0]["by_name"]) == ("spoke_with_them", "Demo Facilitator")
        states = [s for s in db.session.execute(select(LiveState.state)).scalars()]
        assert sum(1 for s in states for a in s.get("alerts", []) if a["kind"] == "risk") == 1
        run = db.session.execute(select(ActivityRun).where(ActivityRun.session_id == risky[0].session_id,
                                                           ActivityRun.slug == "phq-9")).scalar_one()
        assert run.state["answers"][seat.engine_id] == risky[0].items  # the archive and the result agree


def test_notes_signed_for_weeks_one_to_five_and_drafts_for_week_six(app, made):
    with app.app_context():
        names = set(db.session.execute(select(Member.display_name)).scalars())
        for week, gs in enumerate(past_sessions(app), start=1):
            notes = list(db.session.execute(select(ClinicalNote).where(ClinicalNote.session_id == gs.id)).scalars())
            came = set(db.session.execute(select(Attendance.member_id).where(
                Attendance.session_id == gs.id, Attendance.status.in_(("present", "late", "left_early")))).scalars())
            assert {n.subject for n in notes} == {"group", "debrief"} | {f"m{m}" for m in came}
            assert {n.status for n in notes} == ({"signed"} if week < 6 else {"draft"})
            for note in notes:
                if note.member_id is None:
                    continue
                own = db.session.get(Member, note.member_id).display_name
                text = " ".join(note.sections.values()) + " ".join(
                    db.session.execute(select(NoteAddendum.text).where(NoteAddendum.note_id == note.id)).scalars())
                assert not [n for n in names - {own} if re.search(rf"\b{n}\b", text)], (own, text)
                assert note.sections["data"].startswith("Attendance:")
                if week < 6:
                    assert note.sections["assessment"] and note.signed_name == "Demo Facilitator"
                    assert gs.ended_at < note.signed_at
        addendum = db.session.execute(select(NoteAddendum)).scalar_one()
        note = db.session.get(ClinicalNote, addendum.note_id)
        assert addendum.text.startswith("Phoned on") and note.session_id == past_sessions(app)[2].id
        assert note.member_id == db.session.execute(select(MeasureResult.member_id)
                                                    .where(MeasureResult.risk.is_(True))).scalar_one()


def test_export_member_gives_six_sessions_with_phq9_and_gad7(app, made):
    with app.app_context():
        maya = db.session.execute(select(Member).where(Member.display_name == "Maya")).scalar_one()
    assert f"export member {maya.id} --format csv" in made.output
    result = app.test_cli_runner().invoke(args=["export", "member", str(maya.id), "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == 6 and all(r[0] == "Maya" for r in rows)
    phq, gad = header.index("PHQ-9 total"), header.index("GAD-7 total")
    assert all(r[phq].isdigit() and r[gad].isdigit() for r in rows)
    assert int(rows[0][phq]) > int(rows[-1][phq])
