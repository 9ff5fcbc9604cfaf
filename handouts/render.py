"""Turn a handout template and its plain data into HTML (the preview) or PDF bytes (WeasyPrint).

WeasyPrint fetches every stylesheet, image and font URL it meets through a URL fetcher. Ours serves
only the app's own static folders (read from disk after resolving the path and checking that it
stays inside the folder) and data: URIs (the QR code); everything else (file:, http:, https:, ftp:,
other hosts, paths outside the static folders) is refused. Documents are parsed with a base URL on
a reserved, never-resolving origin, so relative links such as /static/handouts/print.css map to
files and nothing can reach the network.
"""
from __future__ import annotations

import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from handouts import fit

# The app logs at INFO; WeasyPrint's step-by-step progress lines are noise there.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

ORIGIN = "https://handouts.invalid"  # RFC 2606 .invalid: never resolves, even if something leaked
PAPERS = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged PDF, document title and language, for screen readers
CSS_HREF = "/static/handouts/print.css"
PREVIEW_CSS_HREF = "/static/handouts/preview.css"


class FetchRefused(ValueError):
    """A handout asked for something outside the app's static files."""


def static_roots(app: Flask) -> list[tuple[str, Path]]:
    """(URL prefix, folder) for the app's static folder and every blueprint's, longest prefix first."""
    roots: list[tuple[str, Path]] = []
    if app.static_folder and app.static_url_path is not None:
        roots.append((app.static_url_path.rstrip("/"), Path(app.static_folder).resolve()))
    for bp in app.blueprints.values():
        if bp.has_static_folder and bp.static_url_path:
            roots.append(((bp.url_prefix or "") + bp.static_url_path.rstrip("/"), Path(bp.static_folder).resolve()))
    return sorted(roots, key=lambda r: len(r[0]), reverse=True)


class StaticFetcher(URLFetcher):
    """Serves `ORIGIN/<static prefix>/<file>` from disk and data: URIs; refuses anything else."""

    def __init__(self, roots: list[tuple[str, Path]]):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)  # the parent only ever sees data:
        self.roots = roots

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}".lower() != ORIGIN or parts.query:
            raise FetchRefused(f"handouts fetch only the app's static files, not {url[:200]!r}")
        path = unquote(parts.path)
        for prefix, root in self.roots:
            if not path.startswith(prefix + "/"):
                continue
            target = (root / path[len(prefix) + 1:]).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                break
            mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mime})
        raise FetchRefused(f"not a static file of this app: {url[:200]!r}")


def fetcher(app: Flask | None = None) -> StaticFetcher:
    return StaticFetcher(static_roots(app or current_app))


@lru_cache(maxsize=len(PAPERS))
def paper_css(paper: str) -> CSS:
    """Page size only (the rest of the print styles live in static/print.css)."""
    size = PAPERS[paper]
    return CSS(string=f"@page {{ size: {size}; }} @page cover {{ size: {size}; }} "
                      f"@page log {{ size: {size} landscape; }} @page wide {{ size: {size} landscape; }}")


@lru_cache(maxsize=4)
def _parsed_css(url: str, mtime_ns: int, roots: tuple[tuple[str, Path], ...]) -> CSS:
    return CSS(url=url, url_fetcher=StaticFetcher(list(roots)))


PRINT_CSS = Path(__file__).resolve().parent / "static" / "print.css"  # the blueprint's static folder


def print_css(roots: list[tuple[str, Path]] | None = None) -> CSS:
    """static/print.css parsed once (again only when the file changes), loaded through the same
    restricted fetcher. Parsing it for every PDF cost about a fifth of a one-page render."""
    roots = static_roots(current_app) if roots is None else roots
    return _parsed_css(ORIGIN + CSS_HREF, PRINT_CSS.stat().st_mtime_ns, tuple(roots))


def render_html(template: str, context: dict[str, Any], **preview: Any) -> str:
    """The handout as HTML for the browser, with screen-only extras (download links) in `preview`."""
    return render_template(template, **context, css_href=CSS_HREF,
                           preview={**preview, "css": PREVIEW_CSS_HREF})


def pdf_html(template: str, context: dict[str, Any]) -> str:
    """The HTML a PDF is made from: the same template, without the preview's extras."""
    return render_template(template, **context, css_href=None, preview=None)


def html_to_pdf(html: str, paper: str, url_fetcher: StaticFetcher) -> bytes:
    """PDF bytes from `pdf_html()` output, on A4 or US Letter, fetching only through `url_fetcher`.
    Needs no Flask app: the render pool's worker processes run this (handouts/worker.py)."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    return laid_out(html, paper, url_fetcher).write_pdf(**PDF_OPTIONS)


def laid_out(html: str, paper: str, url_fetcher: StaticFetcher) -> Any:
    """The laid-out pages (a WeasyPrint Document), copyfitted against a last page of a few lines (handouts/fit.py)."""
    source = HTML(string=html, base_url=ORIGIN + "/", url_fetcher=url_fetcher)
    sheets = [print_css(url_fetcher.roots), paper_css(paper)]
    return fit.fitted(lambda extra: source.render(stylesheets=[*sheets, *extra], **PDF_OPTIONS))


def render_pdf(template: str, context: dict[str, Any], paper: str = DEFAULT_PAPER) -> bytes:
    """The handout as PDF bytes, rendered here and now (the CLI, the benchmark; the routes go through
    handouts.pool so that the serving process never renders)."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    return html_to_pdf(pdf_html(template, context), paper, fetcher())
