"""`flask handouts build --out DIR [--paper a4|letter]`: every library activity's facilitator guide and
participant worksheet as PDFs, for printing a binder or checking the content after an edit.

Registered by the app factory with `app.cli.add_command(handouts_cli)`.
"""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from core import catalogue
from handouts import context as ctx
from handouts.render import DEFAULT_PAPER, PAPERS, render_pdf

handouts_cli = AppGroup("handouts", help="Printable handouts (PDF).")


@handouts_cli.command("build")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the PDFs to (created if missing).")
@click.option("--paper", type=click.Choice(list(PAPERS)), default=DEFAULT_PAPER, show_default=True)
def build_command(out: Path, paper: str) -> None:
    """Write <slug>-guide.pdf and <slug>-worksheet.pdf for every activity in the library."""
    out.mkdir(parents=True, exist_ok=True)
    activities = catalogue.library().all()
    emotions = catalogue.emotions()
    started = time.perf_counter()
    written = 0
    with click.progressbar(activities, label=f"Rendering {len(activities)} activities ({paper})",
                           item_show_func=lambda a: a.slug if a is not None else None) as bar:
        for activity in bar:
            for what, template, context in (
                    ("guide", "handouts/guide.html", ctx.guide_context(activity)),
                    ("worksheet", "handouts/worksheet.html", ctx.worksheet_context(activity, emotions))):
                (out / f"{activity.slug}-{what}.pdf").write_bytes(render_pdf(template, context, paper))
                written += 1
    seconds = time.perf_counter() - started
    click.echo(f"Wrote {written} PDFs ({len(activities)} guides, {len(activities)} worksheets) to {out} "
               f"in {seconds:.1f} s.")
