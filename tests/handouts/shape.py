"""A handout laid out as the PDF would be (handouts/render.laid_out), for tests that look at its shape."""
from __future__ import annotations

from typing import Any

from handouts import fit
from handouts.render import fetcher, laid_out, pdf_html


def layout(template: str, context: dict[str, Any], paper: str) -> Any:
    return laid_out(pdf_html(template, context), paper, fetcher())


def short_pages(document: Any) -> list[str]:
    """Pages under a third full that are neither the last page nor the page before a part that starts on
    a page of its own (a worksheet in a packet, the cards to cut out, a landscape table)."""
    fills, starts = fit.fills(document), fit.starts(document)
    return [f"page {n + 1}: {f:.0%}" for n, f in enumerate(fills[:-1]) if f < 1 / 3 and n + 1 not in starts]
