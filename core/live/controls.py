"""The console's buttons and markers, as Jinja globals (``btn``, ``marker``) for the partials in
core/templates/live/console/. Written in Python rather than as Jinja macros because a panel has
hundreds of them (a round of 300 people: 2,000 buttons) and a macro call costs many times more.

A button says what it does in its data (facilitator/static/console-screen.js sends it): ``act`` is an
activity action (with ``args``), ``command`` a session command; ``ask`` is the question asked first,
``done`` what the status line says after; ``fallback`` is where focus goes when the button is disabled by
the change it made, ``then`` where it goes when the button goes away. ``more`` completes the name for
screen readers ("Pass" reads "Pass for Ana"). No style attributes (CSP)."""
from __future__ import annotations

import json
from html import escape
from typing import Any

from markupsafe import Markup

# data attribute per keyword, in the order they are written (the action first)
_DATA = (("act", "data-act"), ("command", "data-command"), ("done", "data-done"), ("ask", "data-ask"),
         ("fallback", "data-fallback"), ("then", "data-then"), ("pick", "data-pick"))


def _e(value: Any) -> str:
    """Escaped text (markup already made safe stays as it is); html.escape, several times faster here
    than markupsafe's escape, which wraps each piece in a Markup."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def btn(label: str, id: str | None = None, cls: str = "", more: str | None = None, args: dict | None = None,
        disabled: bool = False, submit: bool = False, **data: Any) -> Markup:
    parts = ['<button type="submit"' if submit else '<button type="button"']
    if id:
        parts.append(f' id="{_e(id)}"')
    if cls:
        parts.append(f' class="{_e(cls)}"')
    if args:
        parts.append(f' data-args="{escape(json.dumps(args))}"')
    for key, attr in _DATA:
        value = data.get(key)
        if value:
            parts.append(f' {attr}="{_e(value)}"')
    if disabled:
        parts.append(" disabled")
    parts.append(f">{_e(label)}")
    if more:
        parts.append(f'<span class="sr-only"> {_e(more)}</span>')
    parts.append("</button>")
    return Markup("".join(parts))


def marker(text: str, cls: str = "") -> Markup:
    return Markup(f'<span class="ca-marker {_e(cls)}">{_e(text)}</span>')
