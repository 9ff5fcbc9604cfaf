"""How a laid-out handout sits on its pages, read from WeasyPrint's boxes, and one copyfitting step.

`fills`: how far down each page's content area the lowest content reaches (0..1). `split`: boxes a
reader needs whole (a question with its room to write, a bordered note, a card to cut out) that run over
a page break. `starts`: pages on which a part that begins on a page of its own begins (a worksheet in a
packet, the cards to cut out, a landscape table) — the page before one may end short.

`fitted`: when a document's last page would hold only a few lines, it is laid out once more a little
tighter (spacing and leading, never the type size of the text) and kept if that saves the page.
"""
from __future__ import annotations

from typing import Any

from weasyprint import CSS

WHOLE = ("q", "content-note", "crisis", "safety", "pg", "grid2", "breath-square", "step", "situation", "cut-card",
         "commitments", "measure-item", "frame", "pattern", "checklist", "text-block", "list-block", "cut-set")
PART_START = ("cutouts", "packet-section", "log-page", "pg-wide", "toc", "feelings")
ORPHAN = 0.25  # a last page filled less than this is worth one tighter try

TIGHT = CSS(string="""
body { line-height: 1.36; }
h2 { margin: 5mm 0 1.5mm; } h3 { margin: 3.5mm 0 1mm; }
p { margin-bottom: 2mm; } li { margin-bottom: 0.6mm; }
.q { margin-bottom: 3.5mm; } .q-label { margin-top: 3mm; }
.step { margin-bottom: 2mm; } .guide-part h2, .guide-part h3 { margin-top: 4mm; }
.write .line, .line { height: 8.5mm; } .list-lines li { height: 8.5mm; line-height: 10.5mm; }
.box, .q-box .box { height: 42mm; }
""")


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _boxes(page: Any):
    for child in page._page_box.children:
        if type(child).__name__ != "MarginBox":
            yield from child.descendants()


def fills(document: Any) -> list[float]:
    out = []
    for page in document.pages:
        box = page._page_box
        top, height = box.content_box_y(), box.height
        bottom = top
        for d in _boxes(page):
            if type(d).__name__ in ("TextBox", "LineBox") or getattr(d, "border_bottom_width", 0):
                bottom = max(bottom, d.position_y + d.margin_height())
        out.append(round((bottom - top) / height, 3) if height else 0.0)
    return out


def split(document: Any) -> list[str]:
    """"class: first words" of every box that must stay whole and runs over a page break."""
    seen: dict[int, int] = {}
    out: dict[int, str] = {}
    for n, page in enumerate(document.pages):
        for d in _boxes(page):
            element = getattr(d, "element", None)
            mine = _classes(element) & set(WHOLE)
            if not mine:
                continue
            if seen.setdefault(id(element), n) != n and id(element) not in out:
                out[id(element)] = f"{sorted(mine)[0]}: {' '.join(''.join(element.itertext()).split())[:60]}"
    return list(out.values())


def starts(document: Any) -> set[int]:
    """Pages that a part needing a page of its own begins at the top of."""
    out: set[int] = set()
    seen: set[int] = set()
    for n, page in enumerate(document.pages):
        top = page._page_box.content_box_y()
        for d in _boxes(page):
            element = getattr(d, "element", None)
            if element is None or id(element) in seen or not _classes(element) & set(PART_START):
                continue
            seen.add(id(element))
            if d.position_y - top < 3:  # CSS px: it opens the page
                out.add(n)
    return out


def fitted(render: Any) -> Any:
    """`render(extra_stylesheets)` -> a laid-out Document. The normal layout, or the tighter one when
    that saves a last page holding only a few lines."""
    document = render([])
    if len(document.pages) < 2 or fills(document)[-1] >= ORPHAN:
        return document
    tight = render([TIGHT])
    return tight if len(tight.pages) < len(document.pages) else document
