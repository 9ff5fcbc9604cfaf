"""Making a handout PDF for a request: the cache first, then the person's render budget, then the pool.

The HTML is rendered here (Jinja, in the request, as for the preview); the PDF is made by a worker
process (handouts.pool) unless SB_PDF_WORKERS=0, which renders in this process as before (it blocks
every live session while it runs: the benchmark's baseline, not for serving).
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from flask import current_app

from core.ratelimit import TokenBucket
from handouts import pool as render_pool
from handouts.cache import PdfCache, cache
from handouts.render import fetcher, html_to_pdf, pdf_html, static_roots

log = logging.getLogger(__name__)


class TooManyRenders(RuntimeError):
    """This person asked for more new PDFs than their budget allows."""


_budget_lock = threading.Lock()


def budget() -> TokenBucket:
    """The app's render budgets, one bucket per person: SB_PDF_RENDERS_PER_MINUTE, bursts of as many."""
    per_minute = current_app.config["PDF_RENDERS_PER_MINUTE"]
    with _budget_lock:
        if "handout_budget" not in current_app.extensions:
            current_app.extensions["handout_budget"] = TokenBucket(per_minute / 60, per_minute)
        return current_app.extensions["handout_budget"]


def make_pdf(template: str, context: dict[str, Any], paper: str, *, person: str, session_id: int | None = None,
             group_id: int | None = None) -> bytes:
    """The PDF bytes of a handout for `person` ("facilitator:3", "participant:12"). Raises TooManyRenders,
    render_pool.Busy, RenderTimeout or RenderFailed; the routes turn those into calm pages."""
    config = current_app.config
    html = pdf_html(template, context)
    pdfs, key = cache(), PdfCache.key(html, paper)
    cached = pdfs.get(key)
    if cached is not None:
        return cached
    if not budget().allow(person):
        log.info("handout refused: %s is over the render budget", person.split(":")[0])
        raise TooManyRenders(person)
    if config["PDF_WORKERS"]:
        pool = render_pool.pool(config["PDF_WORKERS"], config["PDF_QUEUE"], config["PDF_TIMEOUT_SECONDS"])
        pdf = pool.render(html, paper, static_roots(current_app))
    else:
        pdf = html_to_pdf(html, paper, fetcher())
    pdfs.put(key, pdf, max_bytes=config["PDF_CACHE_BYTES"], ttl=config["PDF_CACHE_SECONDS"],
              session_id=session_id, group_id=group_id)
    return pdf
