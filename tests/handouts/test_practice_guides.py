"""Practice guides as pages and PDFs for facilitators, linked from the plan's library, from the
activities that lean on them, and from those activities' printed guides; take-home sheets print the
fields meant for home blank and never say "you did not write one" of a private commitment."""
from __future__ import annotations

from core.extensions import db
from tests.handouts.conftest import ANA, pdf_text

GUIDE = "/handouts/guides/repairing-ruptures"


def test_the_guide_reads_as_a_page_and_downloads_as_a_pdf(room):
    f = room["f"]
    page = f.client.get(GUIDE).data.decode()
    assert "Repairing ruptures in the group and with the facilitator" in page
    assert "Situations, worked through" in page and "What it may stir." in page
    r = f.client.get(GUIDE + ".pdf?paper=letter")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert 'filename="repairing-ruptures-guide-letter.pdf"' in r.headers["Content-Disposition"]
    text = pdf_text(r.data)
    assert "Practiceguideforfacilitators·notforparticipants" in text and "Whathelps" in text


def test_unknown_or_overlong_guides_are_not_found(room):
    f = room["f"]
    assert f.client.get("/handouts/guides/no-such-guide").status_code == 404
    assert f.client.get("/handouts/guides/" + "a" * 90).status_code == 404


def test_the_plan_and_the_activity_preview_link_the_guide(room):
    f, g, gs = room["f"], room["g"], room["gs"]
    plan = f.client.get(f"/sessions/{gs.id}/plan").data.decode()
    assert "Practice guides for facilitators" in plan and f'href="{GUIDE}"' in plan
    preview = f.client.get(f"/groups/{g.id}/activities/repair-script?session={gs.id}").data.decode()
    assert "Read alongside" in preview and f'href="{GUIDE}"' in preview
    other = f.client.get(f"/groups/{g.id}/activities/check-in?session={gs.id}").data.decode()
    assert "Read alongside" not in other
    text = pdf_text(f.client.get("/handouts/activities/repair-script/guide.pdf").data)
    assert "Readalongside" in text and "Repairingrupturesinthegroupandwiththefacilitator" in text


def test_the_take_home_sheet_prints_the_fields_for_home_blank(room):
    ana_client, gs = room["ana_client"], room["gs"]
    page = ana_client.get(f"/s/{gs.public_id}/take-home").data.decode()
    assert "To fill in at home" in page
    for label in ("During the step, how much discomfort did you feel at its strongest?", "What actually happened?",
                  "What did you notice in your body?"):
        assert label in page, label
    assert ANA["secret"] + "goal" in page  # what she wrote is there too


def test_a_private_commitment_is_never_called_missing_on_a_facilitators_copy(app, room):
    from core.models import LiveState

    f, gs, ana = room["f"], room["gs"], room["ana"]
    with app.app_context():
        with db.transaction() as s:
            live = s.get(LiveState, gs.id)
            state = dict(live.state)
            activity = dict(state["activity"])
            activity["fields"] = [{**fd, "audience": "private"} if fd["id"] == "commitment" else fd
                                  for fd in activity["fields"]]
            state["activity"] = activity
            live.state = state
    page = f.client.get(f"/sessions/{gs.id}/take-home/{ana.id}").data.decode()
    assert "You did not write one" not in page
    assert "You kept what you would like to try private" in page
    assert ANA["secret"] not in page
