"""Session handouts: the packet, join sheet, agreements, summary and take-home sheets, and who may
get each of them."""
from __future__ import annotations

import re
import time

import pytest

from core.extensions import db
from core.models import Participant
from core.sockets import participant_cookie
from tests.handouts.conftest import ANA, BEN, CY, pdf_text


def canaries(text: str, who: dict) -> set[str]:
    return {key for key, word in who.items() if word in text}


# ---- take-home sheets ----------------------------------------------------------------------------


def test_a_take_home_sheet_holds_only_its_owners_answers(room):
    public = room["gs"].public_id
    for client, mine, others in ((room["ana_client"], ANA, (BEN, CY)), (room["ben_client"], BEN, (ANA, CY))):
        r = client.get(f"/s/{public}/take-home.pdf")
        assert r.status_code == 200 and r.mimetype == "application/pdf"
        assert 'filename="week-1-take-home-a4.pdf"' in r.headers["Content-Disposition"]
        text = pdf_text(r.data)
        assert canaries(text, mine) == set(mine)  # private answers included: they are theirs
        assert all(not canaries(text, other) for other in others)
        assert "Dailycheck-inlog" in text and "Ifyouneedhelpnow" in text and "emergencynumber" in text
        assert "Whatyouwouldliketotrythisweek" in text and mine["secret"] in text


def test_the_running_form_is_on_the_sheet_and_the_preview_matches(room):
    page = room["ana_client"].get(f"/s/{room['gs'].public_id}/take-home").data.decode()
    assert ANA["word"] + "out" in page and ANA["secret"] in page and BEN["need"] not in page
    assert f"/s/{room['gs'].public_id}/take-home.pdf?paper=a4" in page
    assert f"/s/{room['gs'].public_id}/take-home.pdf?paper=letter" in page


def test_a_facilitator_copy_leaves_out_private_answers_unless_in_the_room(room):
    f, gs = room["f"], room["gs"]
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/take-home/{room['ana'].id}.pdf").data)
    assert canaries(text, ANA) == {"need", "word"} and not canaries(text, BEN)
    assert "keptprivatearenotprintedonthiscopy" in text
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/take-home/{room['cy_id']}.pdf").data)
    assert canaries(text, CY) == set(CY) and not canaries(text, ANA)


def test_cards_that_reached_someone_and_their_pairs_answers_are_on_their_sheet(app, room):
    """Every kind's record prints: cards delivered to Ana (sender unnamed in this activity), her own
    card, her debrief; a card still waiting for the facilitator and Ben's debrief do not."""
    from activities import engine
    from core import catalogue
    from core.activity_models import ActivityRun

    ana, ben = room["ana"].engine_id, room["ben"].engine_id
    members = [{"id": ana, "name": "Ana", "in_room": False}, {"id": ben, "name": "Ben", "in_room": False}]

    def run(state, kind, member=None, **args):
        actor = {"role": "participant", "id": member} if member else {"role": "facilitator", "id": None}
        return engine.apply(state, {"type": kind, "actor": actor, **args}, 10.0)[0]

    with app.app_context():
        cards = engine.start(catalogue.library()["compassionate-feedback"], members, 0.0, 1)
        for member in (ana, ben):
            cards = run(cards, "set_open", member, open=True)
        cards = run(run(cards, "send", ben, to=ana, template=0, text="Kangaroocard"), "release", card="c1")
        cards = run(cards, "send", ben, to=ana, template=0, text="Kangaroowaiting")
        cards = run(cards, "send", ana, to=ben, template=1, text="Quokkacard")
        pairs = engine.start(catalogue.library()["empathic-listening"], members, 0.0, 1)
        pairs = run(run(pairs, "form_groups", how="manual", groups=[[ana, ben]]), "call_back")
        pairs = run(run(pairs, "debrief", ana, helped="Quokkahelped"), "debrief", ben, helped="Wombathelped")
        with db.transaction() as s:
            for n, (slug, state) in enumerate((("compassionate-feedback", cards), ("empathic-listening", pairs))):
                s.add(ActivityRun(session_id=room["gs"].id, position=5 + n, slug=slug, kind=state["kind"],
                                  title=catalogue.library()[slug].title, planned_minutes=10, started_at=n,
                                  ended_at=n + 1, state=state))
    text = pdf_text(room["ana_client"].get(f"/s/{room['gs'].public_id}/take-home.pdf").data)
    for expected in ("Whatreachedyou", "Kangaroocard", "Quokkacard", "Quokkahelped", "Whathelped?"):
        assert expected in text, expected
    assert "Kangaroowaiting" not in text and "Wombathelped" not in text and "FromBen" not in text


@pytest.mark.parametrize("status", ["removed", "left"])
def test_a_removed_or_departed_participant_gets_no_sheet(app, room, status):
    with app.app_context(), db.transaction() as s:
        s.get(Participant, room["ana"].id).status = status
    for suffix in ("", ".pdf"):
        r = room["ana_client"].get(f"/s/{room['gs'].public_id}/take-home{suffix}")
        assert r.status_code == 403 and ANA["need"].encode() not in r.data


def test_no_cookie_or_someone_elses_session_gets_no_sheet(app, room, make_session, join):
    gs = room["gs"]
    assert app.test_client().get(f"/s/{gs.public_id}/take-home.pdf").status_code == 403
    assert room["f"].client.get(f"/s/{gs.public_id}/take-home").status_code == 403
    assert app.test_client().get("/s/nosuchsession/take-home").status_code == 404
    other = make_session(room["g"], room["f"], "Week 2")
    other_client, _p = join(other, "Dee")
    secret = other_client.get_cookie(participant_cookie(other.public_id)).value
    forged = app.test_client()
    forged.set_cookie(participant_cookie(gs.public_id), secret)  # a real credential, for another session
    assert forged.get(f"/s/{gs.public_id}/take-home").status_code == 403
    forged.set_cookie(participant_cookie(other.public_id), secret)  # the same cookie where it belongs
    assert forged.get(f"/s/{other.public_id}/take-home").status_code == 200
    assert room["f"].client.get(f"/sessions/{gs.id}/take-home/{_p.id}").status_code == 404


# ---- facilitator handouts -------------------------------------------------------------------------


def test_the_summary_has_attendance_time_airtime_and_aggregates_only(room):
    r = room["f"].client.get(f"/sessions/{room['gs'].id}/handouts/summary.pdf")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    text = pdf_text(r.data)
    for expected in ("Attendanceandairtime", "Ana", "Ben", "Cy(intheroom)", "1:15", "0:45",
                     "Check-inround(3answered)", "Average4.0outof10", "Ownwords", "Activitiesandtime",
                     "Check-outround(stillrunning)"):
        assert expected in text, expected
    for who in (ANA, BEN, CY):
        assert not canaries(text, who)  # no private answers, and no text answers on paper


def test_the_packet_in_both_editions(room):
    f, gs = room["f"], room["gs"]
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf").data)
    assert "Sessionpacket·Facilitatoredition" in text and "Contents" in text
    assert re.search(r"Agenda\.{5,}3", text) and re.search(r"1\.Check-inround\.{5,}\d", text)
    assert "0:10" in text and "0:21" in text and "Inall46" in text  # agenda start times and total
    assert "Welcomethegroupandintroducethecheck-in." in text and "Safetynotes" in text
    assert "Whatissaidherestayshere." in text  # the group's agreements
    assert re.search(r"Page1of(\d+)", text)
    part = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf?edition=participant").data)
    assert "Participantedition" in part and "Circleonenumber" in part
    assert "Welcomethegroupandintroducethecheck-in." not in part and "Safetynotes" not in part
    assert not any(canaries(part, who) for who in (ANA, BEN, CY))


def test_the_join_sheet_and_the_agreements(room):
    f, gs, g = room["f"], room["gs"], room["g"]
    page = f.client.get(f"/sessions/{gs.id}/handouts/join-sheet").data.decode()
    assert 'alt="QR code that opens the join link for Week 1"' in page and 'src="data:image/svg+xml' in page
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/join-sheet.pdf").data)
    assert gs.join_code in text and gs.join_token in text
    text = pdf_text(f.client.get(f"/groups/{g.id}/handouts/agreements.pdf?paper=letter").data)
    assert "Ourgroupagreements" in text and "Anyonecanpass,atanytime,withoutgivingareason." in text


def test_the_session_handouts_page_links_everything(room):
    page = room["f"].client.get(f"/sessions/{room['gs'].id}/handouts").data.decode()
    preview = room["f"].client.get(f"/sessions/{room['gs'].id}/handouts/packet").data.decode()
    assert '<link rel="stylesheet" href="/static/handouts/print.css">' in preview
    assert room["f"].client.get("/static/handouts/print.css").status_code == 200
    for link in ("/handouts/packet.pdf", "/handouts/packet?edition=participant", "/handouts/join-sheet",
                 "/handouts/summary.pdf", f"/groups/{room['g'].id}/handouts/agreements",
                 f"/groups/{room['g'].id}/handouts/activities/check-in/worksheet",
                 f"/take-home/{room['ana'].id}.pdf", f"/take-home/{room['cy_id']}"):
        assert link in page, link


def test_bad_arguments(room):
    f, gs, g = room["f"], room["gs"], room["g"]
    assert f.client.get(f"/sessions/{gs.id}/handouts/packet?edition=everyone").status_code == 400
    assert f.client.get(f"/sessions/{gs.id}/handouts/summary.pdf?paper=a3").status_code == 400
    assert f.client.get("/handouts/activities/check-in/reference").status_code == 404  # not an info item
    assert f.client.get("/handouts/activities/no-such-thing/guide").status_code == 404
    assert f.client.get("/handouts/activities/check-in/script").status_code == 404
    assert f.client.get(f"/groups/{g.id}/handouts/activities/custom-999/guide").status_code == 404
    r = f.client.get("/handouts/activities/internal-working-models/reference.pdf?paper=letter")
    assert r.status_code == 200 and 'filename="internal-working-models-reference-letter.pdf"' in \
        r.headers["Content-Disposition"]


# ---- who gets what -------------------------------------------------------------------------------

GROUP_PAGES = [
    "/groups/{g}/handouts/agreements",
    "/groups/{g}/handouts/activities/check-in/guide",
    "/groups/{g}/handouts/activities/check-in/worksheet.pdf",
    "/sessions/{s}/handouts",
    "/sessions/{s}/handouts/packet",
    "/sessions/{s}/handouts/packet.pdf?edition=participant",
    "/sessions/{s}/handouts/join-sheet",
    "/sessions/{s}/handouts/summary",
    "/sessions/{s}/handouts/summary.pdf",
    "/sessions/{s}/take-home/{p}",
    "/sessions/{s}/take-home/{p}.pdf",
]
LIBRARY_PAGES = ["/handouts/activities/check-in/guide", "/handouts/activities/check-in/worksheet",
                 "/handouts/activities/attachment-patterns/reference", "/handouts/guides/repairing-ruptures",
                 "/handouts/guides/repairing-ruptures.pdf"]
# role -> expected status for group pages, library pages
EXPECTED = {"owner": (200, 200), "other_facilitator": (404, 200), "anonymous": (302, 302), "participant": (302, 302)}


@pytest.fixture
def clients(app, room, make_facilitator):
    return {"owner": room["f"].client, "other_facilitator": make_facilitator("Other").client,
            "anonymous": app.test_client(), "participant": room["ana_client"]}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_matrix(room, clients, role):
    client = clients[role]
    group_status, library_status = EXPECTED[role]
    for url in GROUP_PAGES:
        url = url.format(g=room["g"].id, s=room["gs"].id, p=room["ana"].id)
        r = client.get(url)
        assert r.status_code == group_status, (role, url, r.status_code)
        if r.status_code == 302:
            assert "/login" in r.location
    for url in LIBRARY_PAGES:
        assert client.get(url).status_code == library_status, (role, url)


def test_a_packet_with_the_agreements_activity_prints_the_groups_agreements_once(room, app):
    from core.activity_models import PlanItem

    f, gs, g = room["f"], room["gs"], room["g"]
    with app.app_context():
        with db.transaction() as s:
            s.add(PlanItem(session_id=gs.id, position=9, slug="group-agreements", minutes=10))
            s.get(type(g), g.id).agreements = "We start on time.\nAnyone can pass."
    for edition in ("facilitator", "participant"):
        html = f.client.get(f"/sessions/{gs.id}/handouts/packet?edition={edition}").data.decode()
        assert '<section id="sec-agreements"' not in html and 'href="#sec-agreements"' not in html
        assert "This group's agreements" in html
        assert html.count("We start on time.") == 1
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/packet.pdf?edition=participant").data)
    assert "Thisgroup'sagreements" in text.replace("\u2019", "'") and "Westartontime." in text


def test_the_summary_lists_every_pause_signal_and_alert_to_follow_up(room, app):
    from core.models import LiveState

    f, gs, ana, ben = room["f"], room["gs"], room["ana"], room["ben"]
    now = time.time()
    with app.app_context():
        with db.transaction() as s:
            live = s.get(LiveState, gs.id)
            live.state = {**live.state, "signals": [
                {"id": 1, "member": f"p{ana.id}", "name": "Ana", "kind": "pause", "at": now - 900, "ack_at": now - 880,
                 "ack_note": "Stepped out with her for a minute"},
                {"id": 2, "member": f"p{ben.id}", "name": "Ben", "kind": "pause", "at": now - 300, "ack_at": None,
                 "ack_note": ""}]}
    page = f.client.get(f"/sessions/{gs.id}/summary").data.decode()
    assert "Follow-up list (2, 1 still open)" in page
    assert "Stepped out with her for a minute" in page and "Not answered in the session" in page
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/summary.pdf").data)
    assert "Follow-uplist(2,1stillopen)" in text and text.index("Ana") < text.index("Notansweredinthesession")


def test_an_empty_summary_says_there_is_nothing_to_follow_up(room):
    f, gs = room["f"], room["gs"]
    text = pdf_text(f.client.get(f"/sessions/{gs.id}/handouts/summary.pdf").data)
    assert "Nothingtofollowup:nopausesignalsandnoalertsinthissession." in text
