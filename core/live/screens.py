"""The live screens drawn on the server. The room display's markup is rendered here from the display
view alone (core/views.py ``display``), by the Jinja partials in core/templates/live/display/ (one per
activity kind), and sent with that view; the page morphs it into place (static/vendor/idiomorph.min.js)
and only ticks the clocks itself. Nothing reaches the markup that the display view does not carry.

The console's "Now" panel is drawn the same way from the facilitator view, by the partials in
core/templates/live/console/ (facilitator/static/console-screen.js morphs it and sends what its buttons
say)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, render_template
from jinja2 import Undefined

from activities import privacy
from core import views
from core.live import console_pairs, console_rows, controls
from core.models import GroupSession

# The kinds whose console controls are drawn here (every kind the engine has; a test holds it to that).
CONSOLE_KINDS = frozenset({"round", "form", "pacer", "info", "cards", "pairs", "measure"})


def install(app: Flask) -> None:
    """The partials' test ``absent`` (a value that is None or not in the view at all: a view leaves out
    what does not apply) and the console's ``btn`` and ``marker``."""
    app.jinja_env.tests["absent"] = lambda value: value is None or isinstance(value, Undefined)
    app.jinja_env.globals.update(btn=controls.btn, marker=controls.marker)


def display_html(view: dict) -> str:
    """The display's screen for this view (also the first page load, facilitator/routes.py)."""
    host = urlsplit(view["join"]["url"]).netloc if view.get("join") else ""
    return render_template("live/display/screen.html", v=view, host=host)


def display(session: GroupSession, state: dict, version: int) -> dict:
    """The display view with its markup (``html``), as the display receives it."""
    view = views.display(session, state, version)
    view["html"] = display_html(view)
    return view


def console_html(view: dict, rows: console_rows.Rows | None = None) -> str | None:
    """The console's "Now" panel for this facilitator view (None: no activity). With ``rows``, its long
    lists' rows are slots and their markup is in ``rows.new`` (core/live/console_rows.py); without,
    every row is drawn in its place."""
    activity = view.get("activity")
    if activity is None or activity["view"].get("kind") not in CONSOLE_KINDS:
        return None
    return render_template("live/console/activity.html", v=view, together=console_pairs.together,
                           min_contributors=privacy.MIN_CONTRIBUTORS, rows=rows or console_rows.Rows(None))


def plan_html(view: dict) -> str:
    """The console's plan panel: Next / Back / Stop and the plan's items."""
    return render_template("live/console/plan.html", v=view)


def draw_console(view: dict, known: frozenset[str] = frozenset()) -> frozenset[str]:
    """Adds to the facilitator view the markup of the "Now" panel (``html``), the rows it names that are
    not in ``known`` (``rows``) and the plan's markup (``plan_html``); returns the keys of its rows."""
    rows = console_rows.Rows(known)
    view["html"] = console_html(view, rows)
    view["rows"] = rows.new
    view["plan_html"] = plan_html(view)
    return frozenset(rows.used)


def with_rows(view: dict) -> str:
    """The "Now" panel's markup with its rows in their slots (the console page's first load, before
    its script runs; a view sent with every row, as ``console`` makes it)."""
    html = view.get("html") or ""
    for key, markup in (view.get("rows") or {}).items():
        html = html.replace(console_rows.slot(key), markup)
    return html


def console(session: GroupSession, state: dict, version: int) -> dict:
    """The facilitator view with its markup and every row, as a console receives it when it (re)joins."""
    view = views.facilitator(session, state, version)
    draw_console(view)
    return view
