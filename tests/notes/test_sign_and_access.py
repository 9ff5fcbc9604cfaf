"""Sign and lock, addenda, co-sign only by the supervisor, and who may open the notes pages and act on
them: owner, co-facilitator, supervisor, another group's facilitator, a member's browser, a guest."""
from __future__ import annotations

import pytest

from core.clinical_models import ClinicalNote, NoteAddendum
from core.extensions import db
from core.models import AuditEvent
from tests.notes.conftest import add_role


def _note(app, gs, subject="group"):
    with app.app_context():
        return db.session.query(ClinicalNote).filter_by(session_id=gs.id, subject=subject).one()


def _fresh(app, note_id):
    with app.app_context():
        return db.session.get(ClinicalNote, note_id)


@pytest.fixture
def team(app, ended, make_facilitator, make_group):
    co, sup, other = make_facilitator("Co"), make_facilitator("Sup"), make_facilitator("Other")
    add_role(app, ended["g"], co, "co")
    add_role(app, ended["g"], sup, "supervisor")
    make_group(other, "Other group")
    guest = app.test_client()
    member = next(iter(ended["people"].values())).client
    return {**ended, "who": {"owner": ended["owner"].client, "co": co.client, "supervisor": sup.client,
                             "other": other.client, "member": member, "guest": guest}}


def test_sign_locks_the_note_and_later_changes_are_dated_addenda(app, team):
    owner, note = team["who"]["owner"], _note(app, team["gs"])
    assert owner.post(f"/notes/{note.id}/save", data={"section_note": "first words"}).status_code == 302
    assert _fresh(app, note.id).sections == {"note": "first words"}
    assert owner.post(f"/notes/{note.id}/save", data={"section_bogus": "x"}).status_code == 302
    assert "bogus" not in _fresh(app, note.id).sections
    owner.post(f"/notes/{note.id}/save", data={"section_note": "x" * 5001})
    assert _fresh(app, note.id).sections == {"note": "first words"}
    owner.post(f"/notes/{note.id}/addendum", data={"text": "too early"})  # drafts take no addenda
    owner.post(f"/notes/{note.id}/sign")
    signed = _fresh(app, note.id)
    assert signed.status == "signed" and signed.signed_name.startswith("Owner") and signed.signed_at
    owner.post(f"/notes/{note.id}/save", data={"section_note": "changed later"})
    assert _fresh(app, note.id).sections == {"note": "first words"}
    owner.post(f"/notes/{note.id}/addendum", data={"text": "an addendum"})
    page = owner.get(f"/sessions/{team['gs'].id}/notes")
    assert b"Signed by Owner" in page.data and b"an addendum" in page.data
    assert page.headers["Cache-Control"] == "no-store"
    with app.app_context():
        adds = db.session.query(NoteAddendum).filter_by(note_id=note.id).all()
        assert [a.text for a in adds] == ["an addendum"] and adds[0].created_at is not None
        actions = [e.action for e in db.session.query(AuditEvent).filter(AuditEvent.target == f"note:{note.id}")]
        assert actions == ["note_edit", "note_sign", "note_addendum"]
        assert all("first words" not in (e.target + e.target_name) for e in db.session.query(AuditEvent))
        assert db.session.query(AuditEvent).filter_by(action="read_notes").count() == 1


def test_only_the_supervisor_cosigns_a_signed_note_once(app, team):
    who, note = team["who"], _note(app, team["gs"])
    who["supervisor"].post(f"/notes/{note.id}/cosign")
    assert _fresh(app, note.id).cosigned_at is None  # not signed yet
    who["supervisor"].post(f"/notes/{note.id}/sign")
    who["supervisor"].post(f"/notes/{note.id}/save", data={"section_note": "by the supervisor"})
    assert _fresh(app, note.id).status == "draft" and "by the supervisor" not in _fresh(app, note.id).sections["note"]
    who["owner"].post(f"/notes/{note.id}/sign")
    for role in ("owner", "co"):
        who[role].post(f"/notes/{note.id}/cosign")
        assert _fresh(app, note.id).cosigned_at is None
    who["supervisor"].post(f"/notes/{note.id}/cosign")
    first = _fresh(app, note.id)
    assert first.cosigned_name.startswith("Sup")
    who["supervisor"].post(f"/notes/{note.id}/cosign")
    assert _fresh(app, note.id).cosigned_at == first.cosigned_at
    who["supervisor"].post(f"/notes/{note.id}/addendum", data={"text": "supervisor's view"})
    with app.app_context():
        assert db.session.query(NoteAddendum).filter_by(note_id=note.id).count() == 1


READERS = {"owner": 200, "co": 200, "supervisor": 200, "other": 404, "member": 302, "guest": 302}


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("page", ["/sessions/{sid}/notes", "/groups/{gid}/notes"])
def test_who_may_read_the_notes(app, team, role, page):
    r = team["who"][role].get(page.format(sid=team["gs"].id, gid=team["g"].id))
    assert r.status_code == READERS[role]
    if r.status_code == 302:
        assert "/login" in r.headers["Location"]


WRITE = {"owner": True, "co": True, "supervisor": False, "other": False, "member": False, "guest": False}


@pytest.mark.parametrize("role", WRITE)
def test_who_may_edit_and_sign_a_draft(app, team, role):
    note = _note(app, team["gs"], "debrief")
    r = team["who"][role].post(f"/notes/{note.id}/save", data={"section_hindered": f"by {role}"})
    assert r.status_code in ((302,) if role in ("owner", "co", "supervisor", "member", "guest") else (404,))
    assert (_fresh(app, note.id).sections["hindered"] == f"by {role}") is WRITE[role]
    team["who"][role].post(f"/notes/{note.id}/sign")
    assert (_fresh(app, note.id).status == "signed") is WRITE[role]


@pytest.mark.parametrize("role", ["owner", "co", "supervisor", "other", "member", "guest"])
def test_who_may_add_an_addendum_and_cosign(app, team, role):
    note = _note(app, team["gs"])
    team["who"]["owner"].post(f"/notes/{note.id}/sign")
    team["who"][role].post(f"/notes/{note.id}/addendum", data={"text": f"from {role}"})
    team["who"][role].post(f"/notes/{note.id}/cosign")
    with app.app_context():
        added = db.session.query(NoteAddendum).filter_by(note_id=note.id).count()
    assert added == (1 if role in ("owner", "co", "supervisor") else 0)
    assert (_fresh(app, note.id).cosigned_at is not None) is (role == "supervisor")


@pytest.mark.parametrize("path", ["/groups/{gid}", "/sessions/{sid}/console", "/sessions/{sid}/summary",
                                  "/groups/{gid}/members", "/groups/{gid}/attendance"])
def test_a_supervisor_has_no_live_or_running_pages(app, team, path):
    r = team["who"]["supervisor"].get(path.format(gid=team["g"].id, sid=team["gs"].id))
    assert r.status_code == 404


def test_a_supervisor_cannot_join_the_live_session_by_socket(app, held, make_facilitator, sock):
    sup = make_facilitator("Sup")
    add_role(app, held["g"], sup, "supervisor")
    sc = sock(sup.client, held["gs"], "facilitator")
    assert not sc.is_connected()


def test_the_group_list_shows_supervised_groups_linking_to_their_notes(app, team):
    r = team["who"]["supervisor"].get("/groups")
    assert f"/groups/{team['g'].id}/notes".encode() in r.data
    assert f'href="/groups/{team["g"].id}"'.encode() not in r.data


def test_a_supervisor_invitation_adds_the_supervisor_role(app, ended, make_facilitator):
    from core.auth import membership

    owner = ended["owner"].client
    owner.post(f"/groups/{ended['g'].id}/supervisor-invites")
    with owner.session_transaction() as s:
        link = s["supervisor_link"]
    newcomer = make_facilitator("Newsup")
    r = newcomer.client.post("/invite/" + link.rsplit("/invite/", 1)[1], data={})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/groups/{ended['g'].id}/notes")
    with app.app_context():
        assert membership(newcomer.id, ended["g"].id).role == "supervisor"
        assert db.session.query(AuditEvent).filter_by(action="supervisor_join").count() == 1


def test_record_settings_are_the_owners(app, team):
    from core.models import Group

    data = {"note_format": "soap", "members_see_trends": "y", "safety_procedure": "Call the duty worker."}
    assert team["who"]["co"].post(f"/groups/{team['g'].id}/record-settings", data=data).status_code == 403
    team["who"]["owner"].post(f"/groups/{team['g'].id}/record-settings", data={**data, "note_format": "nope"})
    with app.app_context():
        assert db.session.get(Group, team["g"].id).note_format == "dap"
    team["who"]["owner"].post(f"/groups/{team['g'].id}/record-settings", data=data)
    with app.app_context():
        g = db.session.get(Group, team["g"].id)
        assert (g.note_format, g.members_see_trends, g.safety_procedure) == ("soap", True, "Call the duty worker.")
        assert db.session.query(AuditEvent).filter_by(action="group_record_settings").count() == 1


def test_the_supervisor_reaches_each_members_record_from_the_notes_list(app, team):
    sup, gid = team["who"]["supervisor"], team["g"].id
    page = sup.get(f"/groups/{gid}/notes").get_data(as_text=True)
    assert f"/groups/{gid}/trends" in page
    for name, who in team["people"].items():
        link = f"/groups/{gid}/members/{who.id}/trends"
        assert link in page and name in page
        assert sup.get(link).status_code == 200
    assert sup.get(f"/groups/{gid}/trends").status_code == 200
    assert team["who"]["other"].get(f"/groups/{gid}/notes").status_code == 404
