"""Attendance rules: what `finalise` makes of the times (present, late, left early, absent), that a
facilitator's correction and a cancellation stay, the grid's order and totals, a guest who became a
member mid-session, and the live path through real joins, admission, leaving and the end."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import attendance, attendance_grid, members, roster
from core.attendance import AttendanceError
from core.extensions import db
from core.member_models import Attendance, Member
from core.models import AuditEvent, Facilitator, GroupSession, Participant
from facilitator import sessions as ops

START = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)
END = START + timedelta(minutes=90)


@pytest.fixture
def world(app, make_facilitator, make_group):
    f = make_facilitator()
    g = make_group(f)
    with app.app_context():
        yield {"f": f, "g": g, "fac": db.session.get(Facilitator, f.id)}


def session_at(world, title="Week 1", starts_at=START) -> GroupSession:
    return ops.create_session(world["g"], title, starts_at, "", False, world["fac"])


def member(world, name, **kw) -> Member:
    return members.add(world["g"], name, world["f"].id, started_on=kw.pop("started_on", START.date()), **kw)


def visit(gs, m, joined=None, left=None, status="present") -> None:
    with db.transaction() as s:
        s.add(Attendance(session_id=gs.id, member_id=m.id, status=status, joined_at=joined, left_at=left))


def end_at(gs, when=END) -> None:
    with db.transaction() as s:
        gs = s.merge(gs)
        gs.status, gs.ended_at = "ended", when
    attendance.finalise(gs)


def status_of(gs, m) -> str | None:
    db.session.rollback()
    return db.session.execute(select(Attendance.status).where(Attendance.session_id == gs.id,
                                                              Attendance.member_id == m.id)).scalar_one_or_none()


@pytest.mark.parametrize("joined, left, expected", [
    (START + timedelta(minutes=3), None, "present"),
    (START - timedelta(minutes=20), END - timedelta(minutes=5), "present"),
    (START + timedelta(minutes=25), None, "late"),
    (START, END - timedelta(minutes=30), "left_early"),
    (START + timedelta(minutes=40), END - timedelta(minutes=20), "late"),  # missed more at the start
    (START + timedelta(minutes=15), END - timedelta(minutes=50), "left_early"),  # missed more at the end
])
def test_finalise_reads_the_times(world, joined, left, expected):
    gs = session_at(world)
    ana = member(world, "Ana")
    visit(gs, ana, joined, left)
    end_at(gs)
    assert status_of(gs, ana) == expected


def test_active_members_who_never_came_are_absent_and_others_have_no_row(world):
    gs = session_at(world)
    came, stayed_away = member(world, "Ana"), member(world, "Ben")
    resting, waiting = member(world, "Cy", status="break"), member(world, "Dee", status="waiting")
    not_yet = member(world, "Eve", started_on=START.date() + timedelta(days=7))
    visit(gs, came, START)
    end_at(gs)
    assert status_of(gs, came) == "present"
    assert status_of(gs, stayed_away) == "absent"
    assert [status_of(gs, m) for m in (resting, waiting, not_yet)] == [None, None, None]


def test_a_correction_is_kept_when_the_session_ends(world):
    gs = session_at(world)
    ana, ben = member(world, "Ana"), member(world, "Ben")
    visit(gs, ana, START + timedelta(minutes=30))
    with db.transaction() as s:
        s.merge(gs).status = "live"
    attendance.correct(gs, ana, "present", START + timedelta(minutes=30), None, facilitator_id=world["f"].id)
    attendance.correct(gs, ben, "excused", facilitator_id=world["f"].id)
    with db.transaction() as s:  # Ben's phone joins and leaves after all: the correction stands
        seat = Participant(session_id=gs.id, display_name="Ben", member_id=ben.id, status="left", admitted_at=START)
        s.add(seat)
    attendance.arrived(gs, seat)
    attendance.departed(gs, seat)
    end_at(gs)
    attendance.finalise(gs)  # again: nothing changes
    assert (status_of(gs, ana), status_of(gs, ben)) == ("present", "excused")
    assert db.session.execute(select(Attendance.left_at).where(Attendance.member_id == ben.id)).scalar() is None
    targets = db.session.execute(select(AuditEvent.target).where(AuditEvent.action == "attendance_edit")).scalars()
    assert sorted(targets) == sorted([f"member:{ana.id}", f"member:{ben.id}"])


def test_without_a_planned_start_the_first_admission_is_the_start(world, make_session):
    gs = session_at(world, starts_at=None)
    first = START
    with db.transaction() as s:  # a guest let in first
        s.add(Participant(session_id=gs.id, display_name="Guest", status="admitted", admitted_at=first))
    on_time, late = member(world, "Ana"), member(world, "Ben")
    visit(gs, on_time, first + timedelta(minutes=5))
    visit(gs, late, first + timedelta(minutes=15))  # the guest's admission is the start, not Ana's
    end_at(gs, first + timedelta(minutes=90))
    assert (status_of(gs, on_time), status_of(gs, late)) == ("present", "late")


def test_a_session_run_hours_away_from_its_planned_start_counts_from_its_first_admission(world):
    gs = session_at(world)
    ran = START + timedelta(hours=3)
    ana, ben = member(world, "Ana"), member(world, "Ben")
    visit(gs, ana, ran)
    visit(gs, ben, ran + timedelta(minutes=5))
    end_at(gs, ran + timedelta(minutes=90))
    assert (status_of(gs, ana), status_of(gs, ben)) == ("present", "present")


def test_correction_is_validated_and_saves_nothing_when_wrong(world):
    gs = session_at(world)
    ana = member(world, "Ana")
    fid = world["f"].id
    with pytest.raises(AttendanceError, match="not started"):
        attendance.correct(gs, ana, "present", facilitator_id=fid)
    with db.transaction() as s:
        s.merge(gs).status = "live"
    wrong = [
        ("here", None, None, "unknown_status"),
        ("present", START - timedelta(days=1), None, "other_day"),
        ("present", START + timedelta(minutes=30), START, "left_before_joined"),
        ("present", START.replace(tzinfo=None), None, "naive_time"),
        ("absent", START, None, "times_without_visit"),
    ]
    for status, joined, left, reason in wrong:
        with pytest.raises(AttendanceError) as caught:
            attendance.correct(gs, ana, status, joined, left, facilitator_id=fid)
        assert caught.value.reason == reason
    assert status_of(gs, ana) is None


def test_cancel_a_planned_session_marks_every_active_member(world):
    gs = session_at(world)
    ana, ben, resting = member(world, "Ana"), member(world, "Ben"), member(world, "Cy", status="break")
    attendance.cancel(gs, world["f"].id)
    db.session.rollback()
    gs = db.session.get(GroupSession, gs.id)
    assert gs.status == "ended" and gs.ended_at is not None
    assert [status_of(gs, m) for m in (ana, ben, resting)] == ["cancelled", "cancelled", None]
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "session_cancel",
                                                       AuditEvent.session_id == gs.id)).scalar_one()
    attendance.finalise(gs)
    assert status_of(gs, ana) == "cancelled"
    with pytest.raises(AttendanceError):
        attendance.cancel(gs, world["f"].id)  # already cancelled


def test_a_session_someone_took_part_in_cannot_be_cancelled(world):
    gs = session_at(world)
    with db.transaction() as s:
        s.merge(gs).status = "live"
        s.add(Participant(session_id=gs.id, display_name="Guest", status="admitted", admitted_at=START))
    with pytest.raises(AttendanceError, match="took part"):
        attendance.cancel(gs, world["f"].id)
    assert db.session.get(GroupSession, gs.id).status == "live"


def test_grid_order_columns_and_totals(world):
    ana, ben = member(world, "Ana"), member(world, "Ben")
    member(world, "Cy", status="break"), member(world, "Dee", status="waiting")
    gone, gone_unseen = member(world, "Eli"), member(world, "Fay", status="left")
    s1, s2 = session_at(world, "Week 1"), session_at(world, "Week 2", START + timedelta(days=7))
    s3 = session_at(world, "Week 3", START + timedelta(days=14))
    session_at(world, "Week 5", START + timedelta(days=28))  # planned: not a column
    live = session_at(world, "Week 4", START + timedelta(days=21))
    visit(s1, ana, START)
    visit(s1, ben, START + timedelta(minutes=30))
    end_at(s1)  # Ana present, Ben late, Eli absent
    members.set_status(gone, "left", world["f"].id)
    visit(s2, ana, s2.starts_at)
    end_at(s2, s2.starts_at + timedelta(minutes=90))  # Ana present, Ben absent
    attendance.cancel(s3, world["f"].id)
    with db.transaction() as s:
        s.merge(live).status = "live"
    visit(live, ben, live.starts_at)
    g = attendance_grid.grid(world["g"])
    assert [c.title for c in g.columns] == ["Week 1", "Week 2", "Week 3", "Week 4"]
    assert [(c.status, c.cancelled, c.came) for c in g.columns] == [
        ("ended", False, 2), ("ended", False, 1), ("ended", True, 0), ("live", False, 1)]
    assert [r.name for r in g.rows] == ["Ana", "Ben", "Cy", "Dee", "Eli"]
    assert [c.status for c in g.rows[1].cells] == ["late", "absent", "cancelled", "present"]
    assert [(r.attended, r.of) for r in g.rows] == [(2, 2), (1, 2), (0, 0), (0, 0), (0, 1)]
    assert gone_unseen.id not in {r.member_id for r in g.rows}


def test_a_guest_made_a_member_mid_session_counts_from_their_admission(app, world, join):
    gs = session_at(world, starts_at=None)
    _c, guest = join(gs, "Gia")  # a request: its teardown ends this test's database session too
    gs = db.session.get(GroupSession, gs.id)
    roster.admit(gs, db.session.get(Participant, guest.id), world["f"].id)
    m = members.from_guest(gs, db.session.get(Participant, guest.id), world["f"].id)
    db.session.rollback()
    row = db.session.execute(select(Attendance).where(Attendance.member_id == m.id)).scalar_one()
    assert row.joined_at == db.session.get(Participant, guest.id).admitted_at
    ops.end(db.session.get(GroupSession, gs.id), db.session.get(Facilitator, world["f"].id))
    assert status_of(gs, m) == "present"


def test_a_guest_who_left_and_was_made_a_member_after_the_end_is_recorded_as_leaving(world, join):
    gs = session_at(world)
    _c, guest = join(gs, "Gia")
    gs = db.session.get(GroupSession, gs.id)
    roster.admit(gs, db.session.get(Participant, guest.id), world["f"].id)
    with db.transaction() as s:  # admitted on time, removed 20 minutes in
        p = s.get(Participant, guest.id)
        p.status, p.admitted_at, p.removed_at = "removed", START, START + timedelta(minutes=20)
    end_at(gs)
    m = members.from_guest(db.session.get(GroupSession, gs.id), db.session.get(Participant, guest.id),
                           world["f"].id)
    assert status_of(gs, m) == "left_early"


def test_cancel_an_open_session_nobody_was_let_into(world, join):
    gs = session_at(world)
    ana_id, gs_id = member(world, "Ana").id, gs.id
    ops.mark_live(gs)
    join(gs, "Waiting Walt")  # in the waiting room, never admitted (the request ends this test's db session)
    gs, ana = db.session.get(GroupSession, gs_id), db.session.get(Member, ana_id)
    attendance.cancel(gs, world["f"].id)
    db.session.rollback()
    assert db.session.get(GroupSession, gs.id).status == "ended"
    from core import live

    assert live.load_state(gs.id)[0]["phase"] == "ended"  # open screens show the calm closing screen
    assert status_of(gs, ana) == "cancelled"
