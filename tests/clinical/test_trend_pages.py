"""The trends pages, the member's record downloads and the member's own page: who may open them (an
access matrix), what they say, and that no member's page or export carries another member's name,
notes or answers."""
import pytest
from sqlalchemy import select

from core.clinical_models import ClinicalNote, NoteAddendum
from core.extensions import db
from core.models import AuditEvent, Group

ROUTES = ("/groups/{g}/members/{m}/trends", "/groups/{g}/trends", "/groups/{g}/members/{m}/record.csv",
          "/groups/{g}/members/{m}/record.pdf")


@pytest.fixture
def two_members(app, make_facilitator, make_group, make_member, weekly, result):
    """Group with Zebedee and Philippa, two weeks of PHQ-9/GAD-7 each, and a note about each of them,
    plus a group note and a debrief that name both (which never go into one member's record)."""
    f = make_facilitator("Owner")
    g = make_group(f)
    zeb = make_member(g, f, "Zebedee")
    phil = make_member(g, f, "Philippa")
    w1, w2 = weekly(g, f, 2)
    for gs, a, b in ((w1, 21, 7), (w2, 13, 3)):
        result(gs, zeb.id, "phq-9", a)
        result(gs, zeb.id, "gad-7", b + 10)
        result(gs, phil.id, "phq-9", b)
        result(gs, phil.id, "gad-7", b)
    with app.app_context(), db.transaction() as s:
        s.add(ClinicalNote(group_id=g.id, session_id=w1.id, member_id=zeb.id, subject=f"m{zeb.id}", format="dap",
                           sections={"data": "Zebedee spoke about the lighthouse.", "assessment": "", "plan": "ok"},
                           status="signed", signed_name="Owner 1", signed_at=w1.starts_at))
        s.add(ClinicalNote(group_id=g.id, session_id=w2.id, member_id=zeb.id, subject=f"m{zeb.id}", format="dap",
                           sections={"data": "Draft about marmalade."}, status="draft"))
        s.add(ClinicalNote(group_id=g.id, session_id=w1.id, member_id=phil.id, subject=f"m{phil.id}", format="dap",
                           sections={"data": "Philippa mentioned the greenhouse."}, status="draft"))
        s.add(ClinicalNote(group_id=g.id, session_id=w1.id, subject="group", format="plain",
                           sections={"note": "Groupnote-secret words."}, status="draft"))
        s.add(ClinicalNote(group_id=g.id, session_id=w1.id, subject="debrief", format="plain",
                           sections={"helped": "Debrief about Zebedee and Philippa."}, status="draft"))
        s.flush()
        signed = s.execute(select(ClinicalNote).where(ClinicalNote.subject == f"m{zeb.id}",
                                                      ClinicalNote.status == "signed")).scalar_one()
        s.add(NoteAddendum(note_id=signed.id, author_name="Owner 1", text="Addendum: the bus was late."))
    return {"f": f, "g": g, "zeb": zeb, "phil": phil, "weeks": (w1, w2)}


def test_member_trends_page_has_their_charts_and_numbers_only(app, two_members):
    t = two_members
    r = t["f"].client.get(f"/groups/{t['g'].id}/members/{t['zeb'].id}/trends")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    page = r.get_data(as_text=True)
    assert page.count('role="img"') == 2 and "PHQ-9" in page and "GAD-7" in page
    assert "<td>21</td>" in page and "improved" in page  # 21 -> 13: 8 points, reliable
    assert "Philippa" not in page
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "read_trends")).scalar_one()
    assert event.target == f"member:{t['zeb'].id}" and event.actor == f"facilitator:{t['f'].id}"


def test_group_trends_page_says_why_a_session_is_left_out(app, two_members, make_member, result):
    t = two_members
    r = t["f"].client.get(f"/groups/{t['g'].id}/trends")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "fewer than 3 members answered" in page and "(n = 2)" in page and 'role="img"' not in page
    cy = make_member(t["g"], t["f"], "Cy", link=False)
    result(t["weeks"][0], cy.id, "phq-9", 9)
    page = t["f"].client.get(f"/groups/{t['g'].id}/trends").get_data(as_text=True)
    assert 'role="img"' in page and "<td>12.3</td><td>3</td>" in page  # (21 + 7 + 9) / 3
    assert "Zebedee" not in page and "Philippa" not in page
    with app.app_context():
        assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "read_group_trends")).scalars().all()


def test_roster_and_group_page_link_to_trends(two_members):
    t = two_members
    roster = t["f"].client.get(f"/groups/{t['g'].id}/members").get_data(as_text=True)
    assert f"/groups/{t['g'].id}/members/{t['zeb'].id}/trends" in roster
    assert f"/groups/{t['g'].id}/trends" in t["f"].client.get(f"/groups/{t['g'].id}").get_data(as_text=True)


def _leaks(text: str, other: str) -> list[str]:
    words = {"zeb": ("Zebedee", "lighthouse", "marmalade", "bus was late"),
             "phil": ("Philippa", "greenhouse")}[other]
    return [w for w in (*words, "Groupnote-secret", "Debrief about") if w in text]


@pytest.mark.parametrize("who,other", [("zeb", "phil"), ("phil", "zeb")])
def test_no_member_sees_anything_of_the_other(app, two_members, who, other):
    t = two_members
    g, c = t["g"].id, t["f"].client
    me = t[who]
    page = c.get(f"/groups/{g}/members/{me.id}/trends").get_data(as_text=True)
    csv_text = c.get(f"/groups/{g}/members/{me.id}/record.csv").get_data(as_text=True)
    from core import member_export
    from core.member_models import Member

    with app.test_request_context():
        html = member_export_html(member_export, db.session.get(Member, me.id))
    with app.app_context(), db.transaction() as s:
        s.merge(db.session.get(Group, g)).members_see_trends = True
    own = me.client.get(f"/me/{me.public_id}").get_data(as_text=True)
    for text in (page, csv_text, html, own):
        assert _leaks(text, other) == []
    other_scores = {"zeb": ("21", "13"), "phil": ()}[other]
    assert not any(f"<td>{s}</td>" in page for s in other_scores)


def member_export_html(member_export, member) -> str:
    from handouts.render import pdf_html

    return pdf_html(member_export.RECORD_TEMPLATE, member_export.record_context(member))


def test_member_page_shows_own_chart_only_when_switched_on(app, two_members):
    t = two_members
    zeb = t["zeb"]
    page = zeb.client.get(f"/me/{zeb.public_id}").get_data(as_text=True)
    assert "My questionnaires" not in page and 'role="img"' not in page
    with app.app_context(), db.transaction() as s:
        s.merge(db.session.get(Group, t["g"].id)).members_see_trends = True
    page = zeb.client.get(f"/me/{zeb.public_id}").get_data(as_text=True)
    assert "My questionnaires" in page and page.count('role="img"') == 2 and "<td>21</td>" in page
    assert "Philippa" not in page
    # Philippa's page has only her own numbers (7 and 3), none of Zebedee's
    phil = t["phil"].client.get(f"/me/{t['phil'].public_id}").get_data(as_text=True)
    assert "<td>7</td>" in phil and "<td>21</td>" not in phil and "Zebedee" not in phil


# ---- access matrix ------------------------------------------------------------------------------

@pytest.fixture
def people(app, two_members, make_facilitator, make_group, add_role):
    t = two_members
    co, sup, stranger = make_facilitator("Co"), make_facilitator("Sup"), make_facilitator("Other")
    add_role(t["g"], co, "co")
    add_role(t["g"], sup, "supervisor")
    make_group(stranger, "Thursday group")
    return {"owner": t["f"].client, "co": co.client, "supervisor": sup.client, "other_group": stranger.client,
            "member": t["zeb"].client, "guest": app.test_client()}


ALLOWED = {"owner": True, "co": True, "supervisor": True, "other_group": False, "member": False, "guest": False}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", list(ALLOWED))
def test_access_matrix(two_members, people, route, who):
    t = two_members
    r = people[who].get(route.format(g=t["g"].id, m=t["zeb"].id))
    body = r.get_data()
    if ALLOWED[who]:
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        if route.endswith(".pdf"):
            assert body.startswith(b"%PDF")
        else:
            assert (b"The group's questionnaires" if route.endswith("/trends") and "members" not in route
                    else b"Zebedee") in body
    else:
        if who in ("member", "guest"):
            assert r.status_code in (302, 404)
            if r.status_code == 302:
                assert "/login" in r.headers["Location"]
        else:
            assert r.status_code == 404
        assert b"Zebedee" not in body and b"%PDF" not in body and b"questionnaires over time" not in body


def test_member_of_another_group_is_404(two_members, make_group, make_member):
    t = two_members
    other = make_group(t["f"], "Other group")
    stranger = make_member(other, t["f"], "Stranger", link=False)
    assert t["f"].client.get(f"/groups/{t['g'].id}/members/{stranger.id}/trends").status_code == 404
    assert t["f"].client.get(f"/groups/{t['g'].id}/members/{stranger.id}/record.csv").status_code == 404
