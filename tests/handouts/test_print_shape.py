"""Every built handout keeps its shape on paper (A4 and US Letter): no page but the last of a document
(or of a part that takes pages of its own) is under a third full, and no box a reader needs whole is
split across pages. Every card or checklist a guide lists as material prints as pages to cut out."""
from __future__ import annotations

import re

import pytest

from activities.library import load_library
from core.extensions import db
from handouts import context as ctx
from handouts import fit, layouts
from handouts import session_context as sctx
from handouts.render import pdf_html
from tests.handouts.shape import layout, short_pages

# Lays out every library activity's handouts on two papers (~140 layouts): make test only.
pytestmark = pytest.mark.slow

LIB = load_library()
EMOTIONS = [f.model_dump() for f in LIB.emotions]
DOCS = [(a.slug, what) for a in LIB.all() for what in ("guide", "worksheet", *(["reference"] if a.kind == "info" else []))]
PAPERS = ("a4", "letter")


def _context(slug: str, what: str) -> dict:
    a = LIB[slug]
    return {"guide": lambda: ctx.guide_context(a), "worksheet": lambda: ctx.worksheet_context(a, EMOTIONS),
            "reference": lambda: ctx.reference_context(a)}[what]()


@pytest.mark.parametrize(("slug", "what"), DOCS)
def test_every_library_handout_fills_its_pages_and_keeps_its_boxes_whole(pdf_app, slug, what):
    with pdf_app.test_request_context():
        for paper in PAPERS:
            document = layout(f"handouts/{what}.html", _context(slug, what), paper)
            assert not short_pages(document), (paper, fit.fills(document))
            assert not fit.split(document), paper


# CONTENT: a material line that names something to cut out -> the set of cards that prints it
MATERIAL_WORDS = {"scenario card": "Scenario cards", "role card": "Role cards", "debrief card": "Debrief card",
                  "listener prompt card": "Listener prompt card", "observer checklist": "Observer checklist",
                  "repair steps card": "Repair steps card", "card slip": "Card slips"}


def _named(activity) -> set[str]:
    lines = " ".join(activity.materials).casefold()
    return {title for words, title in MATERIAL_WORDS.items() if words in lines}


@pytest.mark.parametrize("slug", [a.slug for a in LIB.all() if _named(a)])
def test_every_card_a_guide_lists_as_material_prints_to_cut_out(pdf_app, slug):
    a = LIB[slug]
    sets = {s["title"]: s for s in layouts.cutouts(a)}
    assert _named(a) <= set(sets), _named(a) - set(sets)
    assert all(s["cards"] for s in sets.values())
    with pdf_app.test_request_context():
        html = pdf_html("handouts/guide.html", ctx.guide_context(a))
    for title in _named(a):
        assert f"<h3 class=\"cut-set-title\">{title}</h3>" in html


def test_no_material_line_names_a_printed_card_this_list_does_not_know():
    """A new kind of printed card in a guide's materials needs its cut-out set (and a line in MATERIAL_WORDS).
    Blank cards and the worksheet itself are not cut-outs."""
    unknown = [(a.slug, m) for a in LIB.all() for m in a.materials
               if re.search(r"\b(cards?|slips?|checklist)\b", m, re.I) and re.search(r"print", m, re.I)
               and "worksheet" not in m.casefold() and not _named_line(m)]
    assert not unknown


def _named_line(line: str) -> bool:
    return any(words in line.casefold() for words in MATERIAL_WORDS)


def _plan(app, gs, slugs):
    from core.activity_models import PlanItem

    with app.app_context():
        with db.transaction() as s:
            for n, slug in enumerate(slugs, 10):
                s.add(PlanItem(session_id=gs.id, position=n, slug=slug, minutes=LIB[slug].duration))


TEN = ["group-agreements", "check-in", "go-around", "empathic-listening", "repair-script", "thought-check",
       "box-breathing", "compassionate-feedback", "helped-hindered", "check-out"]


def test_a_ten_item_packet_is_compact_and_keeps_its_shape(app, room):
    from facilitator.plans import plan_rows

    gs = room["gs"]
    _plan(app, gs, TEN)
    with app.test_request_context():
        from core import catalogue
        from core.models import GroupSession

        session = db.session.get(GroupSession, gs.id)
        rows = plan_rows(session)
        for edition in ("facilitator", "participant"):
            document = layout("handouts/packet.html", sctx.packet_context(session, rows, edition, catalogue.emotions()),
                              "a4")
            assert not short_pages(document), (edition, fit.fills(document))
            assert not fit.split(document), edition
            pages = len(document.pages)
            # 14 activities (the room's 4 and these 10): one page each would be the floor; 34 was the old 10-item packet
            assert pages <= (60 if edition == "facilitator" else 40), (edition, pages)


def test_the_take_home_sheet_keeps_its_shape_and_prints_the_fields_for_home(app, room):
    from core import catalogue
    from core.models import GroupSession, Participant

    with app.test_request_context():
        session = db.session.get(GroupSession, room["gs"].id)
        ana = db.session.get(Participant, room["ana"].id)
        context = sctx.take_home_context(session, ana, catalogue.emotions())
        document = layout("handouts/take_home.html", context, "a4")
    assert not short_pages(document) and not fit.split(document)
    ladder = next(a for a in context["home"]["activities"] if a["title"] == LIB["exposure-ladder"].title)
    assert [q["label"] for q in ladder["later"]] == [
        f.label for f in LIB["exposure-ladder"].settings.fields if f.at_home]
