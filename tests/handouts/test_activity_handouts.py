"""Every library activity as a facilitator guide and a participant worksheet, built once by the CLI:
the guide holds the whole script, the worksheet the prompts and nothing facilitator-only."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from activities.library import load_library
from handouts import context as ctx
from handouts.cli import handouts_cli
from handouts.render import render_pdf
from tests.handouts.conftest import pdf_text, squash

# Builds and reads back a guide and a worksheet for every library activity (~40 PDFs): make test
# only, not make test-fast.
pytestmark = pytest.mark.slow

LIB = load_library()
SLUGS = [a.slug for a in LIB.all()]
EMOTIONS = [f.model_dump() for f in LIB.emotions]
A4, LETTER = (595, 842), (612, 792)


@pytest.fixture(scope="module")
def built(pdf_app, tmp_path_factory):
    """`flask handouts build`, run once: every other test here reads its output."""
    out = tmp_path_factory.mktemp("built")
    result = pdf_app.test_cli_runner().invoke(handouts_cli, ["build", "--out", str(out)])
    return out, result


@pytest.fixture(scope="module")
def texts(built):
    out, _ = built
    return {slug: {what: pdf_text((out / f"{slug}-{what}.pdf").read_bytes()) for what in ("guide", "worksheet")}
            for slug in SLUGS}


def test_build_writes_two_pdfs_per_activity_and_says_how_many(built):
    out, result = built
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s}-{w}.pdf" for s in SLUGS for w in ("guide", "worksheet"))
    n = len(SLUGS)
    assert f"Wrote {2 * n} PDFs ({n} guides, {n} worksheets) to {out}" in result.output
    assert all((out / name).read_bytes().startswith(b"%PDF-") for name in (f"{SLUGS[0]}-guide.pdf",))


def test_build_refuses_an_unknown_paper(pdf_app, tmp_path):
    result = pdf_app.test_cli_runner().invoke(handouts_cli, ["build", "--out", str(tmp_path), "--paper", "a3"])
    assert result.exit_code != 0 and "a3" in result.output and not list(tmp_path.iterdir())


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_holds_the_whole_script(texts, slug):
    a, text = LIB[slug], texts[slug]["guide"]
    expected = [a.title, a.purpose, a.intro, *a.prompts, *a.safety_notes, *a.debrief, *a.hybrid_notes,
                *a.materials, a.content_note, *(s.text for s in a.steps), *(s.say for s in a.steps)]
    missing = [t for t in expected if t and squash(t) not in text]
    assert not missing


@pytest.mark.parametrize("slug", SLUGS)
def test_worksheet_has_the_prompts_and_nothing_for_facilitators_only(texts, slug):
    a, text = LIB[slug], texts[slug]["worksheet"]
    sheet = ctx.worksheet_data(a, EMOTIONS)
    shown = [a.title, a.intro, *sheet["questions"], *([] if a.kind == "form" else a.prompts)]
    assert not [t for t in shown if squash(t) not in text]
    facilitator_only = [a.purpose, *(s.text for s in a.steps), *(s.say for s in a.steps), *a.safety_notes,
                        *a.debrief, *a.hybrid_notes]
    leaked = [t for t in facilitator_only if t and squash(t)[:50] in text]
    assert not leaked
    assert "Youmightsay" not in text and "Safetynotes" not in text and "Stepbystep" not in text


def test_form_worksheets_size_the_writing_space_to_the_answer():
    by_space = {f["label"]: q["space"] for f, q in zip(
        LIB["check-in"].settings.model_dump()["fields"], ctx.worksheet_data(LIB["check-in"], EMOTIONS)["blocks"],
        strict=True)}
    assert by_space == {"What are you feeling right now?": "emotion", "How strong is it?": "scale",
                        "What do you need today? (optional)": "lines"}
    ladder = {q["label"]: q for q in ctx.worksheet_data(LIB["exposure-ladder"], EMOTIONS)["blocks"]
              if q["type"] == "question"}
    assert ladder["The step you will try first"]["space"] == "lines"
    assert ladder["Your plan for the step"]["space"] == "box"
    readings = {q["label"]: q for q in ctx.worksheet_data(LIB["other-possible-readings"], EMOTIONS)["blocks"]
                if q["type"] == "question"}
    assert any(q["space"] == "list" and q["n"] >= 3 for q in readings.values())


def test_the_check_in_worksheet_lists_every_feeling_word_and_the_scale(texts):
    text = texts["check-in"]["worksheet"]
    for family in LIB.emotions:
        assert squash(family.label) in text
        assert all(squash(word) in text for word in family.words)
    assert "012345678910" in text and "Circleonenumber" in text


def test_breathing_worksheet_is_a_practice_sheet(texts):
    text = texts["box-breathing"]["worksheet"]
    assert "Breathein4" in text and "Hold4" in text and "Practicelog" in text


def test_istatement_worksheet_has_the_frame_to_fill_in(texts):
    text = texts["i-statement-builder"]["worksheet"]
    assert "Ifeel___when___,because___.WhatI'dlikeis___." in text
    assert "because" in text and "WhatI'dlikeis" in text


def test_a_measure_worksheet_prints_the_instrument_as_published(texts):
    from activities import instruments

    text = texts["phq-9"]["worksheet"]
    phq = instruments.instrument("phq-9")
    assert squash(phq.stem) in text and all(squash(item.text) in text for item in phq.items)
    assert "Nearlyeveryday" in text and "Extremelydifficult" in text and squash(phq.licence)[:60] in text
    assert "Moderate" not in text and squash(phq.risk[0].say)[:40] not in text  # scoring is for facilitators
    assert squash(phq.risk[0].say)[:40] in texts["phq-9"]["guide"]


@pytest.mark.parametrize("slug", [a.slug for a in LIB.by_kind("info")])
def test_reference_handout_for_psychoeducation(pdf_app, slug):
    a = LIB[slug]
    with pdf_app.app_context():
        text = pdf_text(render_pdf("handouts/reference.html", ctx.reference_context(a)))
    for section in a.settings.sections:
        assert squash(section.heading) in text and squash(section.body) in text
    assert squash(a.steps[0].text)[:50] not in text


def test_pdfs_are_tagged_titled_and_in_english(built):
    out, _ = built
    reader = PdfReader(io.BytesIO((out / "check-in-guide.pdf").read_bytes()))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Check-in round: facilitator guide"
    assert root["/Lang"] == "en" and bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root


def _size(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_paper_sizes(pdf_app, built):
    out, _ = built
    assert _size((out / "check-in-worksheet.pdf").read_bytes()) == A4
    with pdf_app.app_context():
        letter = render_pdf("handouts/worksheet.html", ctx.worksheet_context(LIB["check-in"], EMOTIONS), "letter")
        with pytest.raises(ValueError):
            render_pdf("handouts/worksheet.html", ctx.worksheet_context(LIB["check-in"], EMOTIONS), "a3")
    assert _size(letter) == LETTER


def test_running_header_and_page_x_of_y(texts):
    text = texts["empathic-listening"]["guide"]
    pages = max(int(n) for n in re.findall(r"Page(\d+)of", text))
    assert pages >= 2 and f"Page1of{pages}" in text and f"Page{pages}of{pages}" in text
    assert "Facilitatorguide·notforparticipants" in text
