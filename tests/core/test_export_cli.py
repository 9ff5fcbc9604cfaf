"""`flask export attendance`: the grid as CSV on stdout or in a file, recorded as an operator's export;
only csv for now; a group that does not exist is a clear message and exit code 1."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import attendance, members
from core.extensions import db
from core.member_models import Attendance
from core.models import AuditEvent, Facilitator, GroupSession
from facilitator import sessions as ops

START = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)


@pytest.fixture
def three_by_two(app, make_facilitator, make_group):
    """Three members over two ended sessions: Ana present then late, Ben absent then excused, and
    "-Cy" (a name a spreadsheet would read as a formula) left early then present."""
    f = make_facilitator()
    g = make_group(f)
    with app.app_context():
        fac = db.session.get(Facilitator, f.id)
        ana, ben, cy = (members.add(g, n, f.id, started_on=START.date()) for n in ("Ana", "Ben", "-Cy"))
        for week, (a, c) in enumerate([((START, None), (START, START + timedelta(minutes=30))),
                                       ((START + timedelta(minutes=30), None), (START, None))]):
            starts = START + timedelta(days=7 * week)
            gs = ops.create_session(g, f"Week {week + 1}", starts, "", False, fac)
            with db.transaction() as s:
                for m, (joined, left) in ((ana, a), (cy, c)):
                    shift = timedelta(days=7 * week)
                    s.add(Attendance(session_id=gs.id, member_id=m.id, status="present", joined_at=joined + shift,
                                     left_at=left + shift if left else None))
                ended = s.merge(gs)
                ended.status, ended.ended_at = "ended", starts + timedelta(minutes=90)
            attendance.finalise(db.session.get(GroupSession, gs.id))
        attendance.correct(db.session.get(GroupSession, gs.id), ben, "excused", facilitator_id=f.id)
    return g


EXPECTED = ("member,status_on_roster,2026-11-03 Week 1,2026-11-10 Week 2,attended,of\n"
            "'-Cy,active,left_early,present,2,2\n"
            "Ana,active,present,late,2,2\n"
            "Ben,active,absent,excused,0,1\n")  # an excused absence does not count against anyone


def test_three_members_two_sessions_exact_csv(app, three_by_two):
    result = app.test_cli_runner().invoke(args=["export", "attendance", "--group", str(three_by_two.id),
                                                "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED and result.stderr == ""
    with app.app_context():
        actor = db.session.execute(select(AuditEvent.actor).where(AuditEvent.action == "export_attendance")).scalar()
    assert actor == "operator"


def test_output_file(app, three_by_two, tmp_path):
    out = tmp_path / "attendance.csv"
    result = app.test_cli_runner().invoke(args=["export", "attendance", "--group", str(three_by_two.id),
                                                "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == EXPECTED
    assert "3 member(s) over 2 session(s)" in result.stderr


def test_unknown_group_is_a_clear_error(app, tmp_path):
    out = tmp_path / "never.csv"
    result = app.test_cli_runner().invoke(args=["export", "attendance", "--group", "4242", "--output", str(out)])
    assert result.exit_code == 1
    assert "there is no group 4242" in result.stderr
    assert result.stdout == "" and not out.exists()
    with app.app_context():
        assert not db.session.execute(select(AuditEvent).where(AuditEvent.action == "export_attendance")).first()


@pytest.mark.parametrize("args, says", [
    (["--format", "xlsx"], "only csv for now"),
    (["--group", "0"], "--group"),
    ([], "--group"),
])
def test_wrong_options_say_what_is_wrong(app, three_by_two, args, says):
    base = ["export", "attendance"] + ([] if args == [] or args[0] == "--group" else ["--group", str(three_by_two.id)])
    result = app.test_cli_runner().invoke(args=base + args)
    assert result.exit_code != 0
    assert says in result.output
