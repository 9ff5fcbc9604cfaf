"""A member's erasure takes their notes, measure results and the debrief's concerns about them (signed
or not); the record clock purges notes, addenda and measure results of old sessions."""
from __future__ import annotations

from datetime import timedelta

from core.clinical_models import ClinicalNote, MeasureResult, NoteAddendum
from core.extensions import db
from core.member_erasure import erase_member
from core.member_models import Member
from core.models import GroupSession, utcnow
from core.retention import purge_expired


def test_erasing_a_member_takes_their_note_results_and_concerns_even_from_a_signed_debrief(app, ended):
    gone, kept = ended["people"]["Quillontor"], ended["people"]["Marguerix"]
    owner = ended["owner"].client
    with app.app_context():
        debrief = db.session.query(ClinicalNote).filter_by(session_id=ended["gs"].id, subject="debrief").one()
    owner.post(f"/notes/{debrief.id}/save", data={f"section_concern_m{gone.id}": "worried about Q",
                                                  f"section_concern_m{kept.id}": "fine"})
    owner.post(f"/notes/{debrief.id}/sign")
    with app.app_context():
        erase_member(db.session.get(Member, gone.id), actor="facilitator", actor_id=ended["owner"].id)
        subjects = {n.subject for n in db.session.query(ClinicalNote).filter_by(session_id=ended["gs"].id)}
        assert f"m{gone.id}" not in subjects and f"m{kept.id}" in subjects
        assert db.session.query(MeasureResult).filter_by(member_id=gone.id).count() == 0
        assert db.session.query(MeasureResult).filter_by(member_id=kept.id).count() == 2
        sections = db.session.get(ClinicalNote, debrief.id).sections
        assert f"concern_m{gone.id}" not in sections and sections[f"concern_m{kept.id}"] == "fine"
        assert db.session.get(ClinicalNote, debrief.id).status == "signed"


def test_the_record_clock_purges_notes_addenda_and_results_of_old_sessions(app, ended):
    owner = ended["owner"].client
    with app.app_context():
        note = db.session.query(ClinicalNote).filter_by(session_id=ended["gs"].id, subject="group").one()
    owner.post(f"/notes/{note.id}/sign")
    owner.post(f"/notes/{note.id}/addendum", data={"text": "later"})
    with app.app_context():
        assert purge_expired()["notes"] == 0
        assert db.session.query(ClinicalNote).filter_by(session_id=ended["gs"].id).count() == 5
        db.session.get(GroupSession, ended["gs"].id).ended_at = utcnow() - timedelta(days=365 * 8)
        db.session.commit()
        counts = purge_expired()
        assert counts["notes"] == 5 and counts["measure_results"] == 6
        assert db.session.query(ClinicalNote).count() == 0 and db.session.query(NoteAddendum).count() == 0
        assert db.session.query(MeasureResult).count() == 0
