"""The live screens drawn on the server. The room display's markup is rendered here from the display
view alone (core/views.py ``display``), by the Jinja partials in core/templates/live/display/ (one per
activity kind), and sent with that view; the page morphs it into place (static/vendor/idiomorph.min.js)
and only ticks the clocks itself. Nothing reaches the markup that the display view does not carry."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template

from core import views
from core.models import GroupSession


def display_html(view: dict) -> str:
    """The display's screen for this view (also the first page load, facilitator/routes.py)."""
    host = urlsplit(view["join"]["url"]).netloc if view.get("join") else ""
    return render_template("live/display/screen.html", v=view, host=host)


def display(session: GroupSession, state: dict, version: int) -> dict:
    """The display view with its markup (``html``), as the display receives it."""
    view = views.display(session, state, version)
    view["html"] = display_html(view)
    return view
