"""The live screens drawn on the server. The room display's markup is rendered here from the display
view alone (core/views.py ``display``), by the Jinja partials in core/templates/live/display/ (one per
activity kind), and sent with that view; the page morphs it into place (static/vendor/idiomorph.min.js)
and only ticks the clocks itself. Nothing reaches the markup that the display view does not carry.

The console's "Now" panel is drawn the same way from the facilitator view, by the partials in
core/templates/live/console/ (facilitator/static/console-screen.js morphs it and sends what its buttons
say)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template

from core import views
from core.models import GroupSession

# The kinds whose console controls are drawn here; the others are still drawn by console-partner.js
# and console-measure.js.
CONSOLE_KINDS = frozenset({"round", "form", "pacer", "info"})


def display_html(view: dict) -> str:
    """The display's screen for this view (also the first page load, facilitator/routes.py)."""
    host = urlsplit(view["join"]["url"]).netloc if view.get("join") else ""
    return render_template("live/display/screen.html", v=view, host=host)


def display(session: GroupSession, state: dict, version: int) -> dict:
    """The display view with its markup (``html``), as the display receives it."""
    view = views.display(session, state, version)
    view["html"] = display_html(view)
    return view


def console_html(view: dict) -> str | None:
    """The console's "Now" panel for this facilitator view (None: no activity, or a kind the page draws)."""
    activity = view.get("activity")
    if activity is None or activity["view"].get("kind") not in CONSOLE_KINDS:
        return None
    return render_template("live/console/activity.html", v=view, moved=moved)


def console(session: GroupSession, state: dict, version: int) -> dict:
    """The facilitator view with the "Now" panel's markup (``html``)."""
    view = views.facilitator(session, state, version)
    view["html"] = console_html(view)
    return view


def moved(order: list[str], member: str, step: int) -> tuple[list[str], int] | None:
    """A round's order with ``member`` moved one place up (-1) or down (1), and the place it lands on
    (from 1); None when it cannot move that way."""
    if member not in order:
        return None
    i = order.index(member)
    j = i + step
    if not 0 <= j < len(order):
        return None
    new = list(order)
    new[i], new[j] = new[j], new[i]
    return new, j + 1
