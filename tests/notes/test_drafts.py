"""Drafts made when a session ends: the group note names nobody, each member's note holds only that
member's data (the leak test), the debrief carries the feedback aggregates, per format; made once."""
from __future__ import annotations

import pytest

from core import notes
from core.clinical_models import ClinicalNote, MeasureResult
from core.extensions import db
from core.models import Group, GroupSession
from tests.notes.conftest import NAMES, SCORES, SECRET, WORDS


def _notes(app, gs):
    with app.app_context():
        return {n.subject: (n.format, dict(n.sections), n.member_id, n.status)
                for n in db.session.query(ClinicalNote).filter_by(session_id=gs.id)}


def _text(sections: dict) -> str:
    return "\n".join(sections.values())


def test_ending_a_session_makes_the_group_note_a_note_per_member_and_the_debrief(app, ended):
    got = _notes(app, ended["gs"])
    ids = {name: who.id for name, who in ended["people"].items()}
    assert set(got) == {"group", "debrief", *(f"m{i}" for i in ids.values())}
    assert all(status == "draft" for _f, _s, _m, status in got.values())
    fmt, sections, member_id, _ = got[f"m{ids['Quillontor']}"]
    assert fmt == "dap" and set(sections) == {"data", "assessment", "plan"} and member_id == ids["Quillontor"]
    data = sections["data"]
    assert "Attendance: present" in data and "joined" in data
    assert WORDS["Quillontor"] in data and "Used the pass." in data
    assert "PHQ-9: total 17 (moderately severe); a risk item was answered" in data
    assert SECRET["Quillontor"] not in data  # a private answer never reaches a note
    assert "Asked for a pause 1 time(s)." in _text(got[f"m{ids['Marguerix']}"][1])
    assert "(shared with the group)" in _text(got[f"m{ids['Zephyrine']}"][1])


def test_no_members_note_holds_another_members_name_or_answers_and_the_group_note_names_nobody(app, ended):
    got = _notes(app, ended["gs"])
    for name, who in ended["people"].items():
        text = _text(got[f"m{who.id}"][1])
        for other in NAMES:
            if other == name:
                continue
            assert other.lower() not in text.lower(), (name, other)
            assert WORDS[other] not in text and SECRET[other] not in text
            assert f"total {SCORES[other][0]} " not in text
    group = _text(got["group"][1])
    for name in NAMES:
        assert name.lower() not in group.lower() and WORDS[name] not in group and SECRET[name] not in group
    assert "3 present" in group and "Pause signals: 1." in group and "1 answer(s) were shared" in group
    assert "Check-out round" in group and "Facilitators: Owner" in group


def test_a_name_a_member_typed_about_another_is_scrubbed():
    from core.note_drafts import scrub

    assert scrub("I talked with Zephyrine and zephyrine's cat", ["Zephyrine"]) == \
        "I talked with another member and another member's cat"
    assert scrub("Zephyrinex stays", ["Zephyrine"]) == "Zephyrinex stays"


def test_the_debrief_has_the_feedback_aggregates_and_a_concern_per_member(app, ended):
    _fmt, sections, _m, _s = _notes(app, ended["gs"])["debrief"]
    assert {"helped", "hindered", "plan"} <= set(sections)
    assert {f"concern_m{who.id}" for who in ended["people"].values()} <= set(sections)
    assert "I felt safe enough to speak. mean 7.0 of 10 (3 answered)." in sections["helped"]
    for name in NAMES:
        assert name not in _text(sections)


def test_fewer_than_three_feedback_answers_are_not_summarised(app, held):
    with app.app_context():
        gone = db.session.query(MeasureResult).filter_by(instrument="session-feedback").first()
        db.session.delete(gone)
        db.session.commit()
    held["owner"].client.post(f"/sessions/{held['gs'].id}/end")
    helped = _notes(app, held["gs"])["debrief"][1]["helped"]
    assert "fewer than 3 answers" in helped and "mean" not in helped


@pytest.mark.parametrize("fmt,sections,factual", [
    ("plain", {"note"}, "note"), ("birp", {"behaviour", "intervention", "response", "plan"}, "behaviour"),
    ("soap", {"subjective", "objective", "assessment", "plan"}, "objective")])
def test_each_format_has_its_sections_and_the_facts_in_its_factual_one(app, held, fmt, sections, factual):
    with app.app_context():
        db.session.get(Group, held["g"].id).note_format = fmt
        db.session.commit()
    held["owner"].client.post(f"/sessions/{held['gs'].id}/end")
    member = held["people"]["Marguerix"]
    got_fmt, got, _m, _s = _notes(app, held["gs"])[f"m{member.id}"]
    assert got_fmt == fmt and set(got) == sections and "Attendance: present" in got[factual]
    assert _notes(app, held["gs"])["group"][0] == "plain"


def test_drafts_are_made_once_and_never_overwrite_an_edited_note(app, ended):
    with app.app_context():
        note = db.session.query(ClinicalNote).filter_by(session_id=ended["gs"].id, subject="group").one()
        note.sections = {"note": "edited by hand"}
        db.session.delete(db.session.query(ClinicalNote).filter_by(session_id=ended["gs"].id,
                                                                   subject="debrief").one())
        db.session.commit()
        assert notes.drafts_for(db.session.get(GroupSession, ended["gs"].id)) == 1  # only the debrief again
    got = _notes(app, ended["gs"])
    assert got["group"][1] == {"note": "edited by hand"} and "debrief" in got


def test_a_failing_draft_never_blocks_the_end(app, held, monkeypatch):
    from core import note_drafts

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(note_drafts, "drafts", broken)
    assert held["owner"].client.post(f"/sessions/{held['gs'].id}/end").status_code == 302
    with app.app_context():
        assert db.session.get(GroupSession, held["gs"].id).status == "ended"
    monkeypatch.undo()
    r = held["owner"].client.get(f"/sessions/{held['gs'].id}/notes")  # the page makes what is missing
    assert r.status_code == 200 and b"Group note" in r.data


def test_a_members_note_says_whether_they_took_their_turn_in_the_round_or_passed(app, held):
    from tests.notes.conftest import act

    console, socks = held["console"], held["socks"]
    act(console, "start")
    for _ in range(len(NAMES)):
        speaker = console.emit("sync", {}, callback=True)["view"]["activity"]["view"]["speaker"]
        if speaker is None:
            break
        name = speaker["name"]
        if name == "Quillontor":
            act(socks[name], "pass")
        else:
            act(console, "next")
    act(console, "finish")
    assert held["owner"].client.post(f"/sessions/{held['gs'].id}/end").status_code == 302
    got = _notes(app, held["gs"])
    ids = {name: who.id for name, who in held["people"].items()}
    assert "Go-around (talking piece): passed (their choice)." in got[f"m{ids['Quillontor']}"][1]["data"]
    for name in ("Zephyrine", "Marguerix"):
        assert "Go-around (talking piece): took a turn (" in got[f"m{ids[name]}"][1]["data"]


def test_a_risk_answer_given_before_the_session_is_in_that_members_note(app, held):
    from core import live, measure_store
    from core.member_models import Member

    with app.app_context():
        gs = db.session.get(GroupSession, held["gs"].id)
        marg = db.session.get(Member, held["people"]["Marguerix"].id)
        rule = {"item": "q9", "value": 2, "say": "Speak with them today."}
        assert live.execute(gs, measure_store.risk_alert_command(marg, "phq-9", (rule,)))["ok"]
    assert held["owner"].client.post(f"/sessions/{held['gs'].id}/end").status_code == 302
    got = _notes(app, held["gs"])
    ids = {name: who.id for name, who in held["people"].items()}
    assert "Alert (risk) during Answered before the session" in got[f"m{ids['Marguerix']}"][1]["data"]
    assert "Alert (risk)" not in got[f"m{ids['Zephyrine']}"][1]["data"]


def test_ending_a_session_lands_on_its_summary_which_links_to_the_note_drafts(app, held):
    client, sid = held["owner"].client, held["gs"].id
    assert f"/sessions/{sid}/notes" not in client.get(f"/sessions/{sid}/summary").get_data(as_text=True)
    ended = client.post(f"/sessions/{sid}/end")
    assert ended.status_code == 302 and ended.headers["Location"].endswith(f"/sessions/{sid}/summary")
    page = client.get(f"/sessions/{sid}/summary").get_data(as_text=True)
    assert f"/sessions/{sid}/notes" in page and "Write and sign the notes" in page


def test_passes_across_activities_are_counted_in_the_members_note(app, held):
    console, socks = held["console"], held["socks"]
    assert console.emit("command", {"type": "plan_go", "index": 0}, callback=True)["ok"]  # Quillontor's pass resets
    assert socks["Quillontor"].emit("command", {"type": "pass"}, callback=True)["ok"]
    assert held["owner"].client.post(f"/sessions/{held['gs'].id}/end").status_code == 302
    got = _notes(app, held["gs"])
    ids = {name: who.id for name, who in held["people"].items()}
    assert "Used the pass 2 times." in got[f"m{ids['Quillontor']}"][1]["data"]
    assert "Used the pass" not in got[f"m{ids['Zephyrine']}"][1]["data"]
