"""Two retention clocks: content (answers, practice log) goes after the group's days; the attendance
record stays until its years are up; former members go only when nothing of their record is left."""
from __future__ import annotations

from datetime import date, timedelta

from core import members
from core.extensions import db
from core.member_models import Attendance, Member, PracticeEntry
from core.models import Group, GroupSession, Participant, utcnow
from core.retention import purge_expired


def _ended(app, gs, days_ago: int) -> None:
    with app.app_context():
        s = db.session.get(GroupSession, gs.id)
        s.status, s.ended_at = "ended", utcnow() - timedelta(days=days_ago)
        db.session.commit()


def _entry(member_id: int, key: str, days_ago: int) -> PracticeEntry:
    return PracticeEntry(member_id=member_id, kind="evening", day=date.today(), client_key=key,
                         data={"went_well": "a walk", "repair": "", "lesson": ""},
                         created_at=utcnow() - timedelta(days=days_ago))


def test_content_goes_at_30_days_and_attendance_stays(app, make_facilitator, make_group, make_session, make_member,
                                                      opened):
    fac = make_facilitator()
    g = make_group(fac)
    sam = make_member(g, fac)
    gs = opened(make_session(g, fac))
    sam.client.post(f"/me/{sam.public_id}/session", data={"agree": "y"})
    with app.app_context():
        db.session.add_all([_entry(sam.id, "old", 40), _entry(sam.id, "new", 2)])
        db.session.add(Attendance(session_id=gs.id, member_id=sam.id, status="present", joined_at=utcnow()))
        db.session.commit()
    _ended(app, gs, 31)
    with app.app_context():
        counts = purge_expired()
        assert counts["sessions"] == 1 and counts["practice_entries"] == 1 and counts["attendance"] == 0
        assert db.session.query(Participant).filter_by(session_id=gs.id).count() == 0
        assert [e.client_key for e in db.session.query(PracticeEntry)] == ["new"]
        assert db.session.query(Attendance).filter_by(member_id=sam.id).one().status == "present"
        assert db.session.get(Member, sam.id).display_name == "Sam"


def test_the_record_clock_removes_old_attendance_and_former_members(app, make_facilitator, make_group, make_session,
                                                                    make_member):
    fac = make_facilitator()
    g = make_group(fac)
    sam, ana = make_member(g, fac, "Sam"), make_member(g, fac, "Ana")
    old, recent = make_session(g, fac, "2018"), make_session(g, fac, "Last year")
    with app.app_context():
        db.session.get(Group, g.id).record_retention_years = 7
        for gs in (old, recent):
            for m in (sam.id, ana.id):
                db.session.add(Attendance(session_id=gs.id, member_id=m, status="present"))
        db.session.commit()
        members.set_status(db.session.get(Member, sam.id), "left", fac.id, on=date.today() - timedelta(days=8 * 366))
    _ended(app, old, 8 * 366)
    _ended(app, recent, 300)
    with app.app_context():
        counts = purge_expired()
        assert counts["attendance"] == 2
        assert {(a.session_id, a.member_id) for a in db.session.query(Attendance)} == {
            (recent.id, sam.id), (recent.id, ana.id)}
        assert counts["members"] == 0  # Sam still has last year's attendance on the record
    _ended(app, recent, 8 * 366)
    with app.app_context():
        counts = purge_expired()
        assert counts["attendance"] == 2 and counts["members"] == 1
        assert db.session.get(Member, sam.id) is None
        assert db.session.get(Member, ana.id) is not None  # active members stay on the roster


def test_the_owner_sets_the_record_clock_and_a_co_facilitator_cannot(app, make_facilitator, make_group):
    owner, co = make_facilitator(), make_facilitator()
    g = make_group(owner)
    from core.models import GroupMember

    with app.app_context():
        db.session.add(GroupMember(group_id=g.id, facilitator_id=co.id, role="co"))
        db.session.commit()
    form = {"name": g.name, "description": "", "agreements": "Be kind.", "retention_days": 30,
            "distress_threshold": 8, "crisis_text": ""}
    assert co.client.post(f"/groups/{g.id}/edit", data={**form, "record_retention_years": 10}).status_code == 403
    assert owner.client.post(f"/groups/{g.id}/edit", data={**form, "record_retention_years": 10}).status_code == 302
    assert owner.client.post(f"/groups/{g.id}/edit", data={**form, "record_retention_years": 99}).status_code == 302
    with app.app_context():
        assert db.session.get(Group, g.id).record_retention_years == 10
