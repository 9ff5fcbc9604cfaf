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
from typing import Any

from markupsafe import Markup, escape

_DATA = (("act", "data-act"), ("command", "data-command"), ("done", "data-done"), ("ask", "data-ask"),
         ("fallback", "data-fallback"), ("then", "data-then"), ("pick", "data-pick"))


def btn(label: str, id: str | None = None, cls: str = "", more: str | None = None, args: dict | None = None,
        disabled: bool = False, submit: bool = False, **data: Any) -> Markup:
    parts = [f'<button type="{"submit" if submit else "button"}"']
    if id:
        parts.append(f' id="{escape(id)}"')
    if cls:
        parts.append(f' class="{escape(cls)}"')
    for key, attr in _DATA[:2]:
        if data.get(key):
            parts.append(f' {attr}="{escape(data[key])}"')
    if args:
        parts.append(f' data-args="{escape(json.dumps(args))}"')
    for key, attr in _DATA[2:]:
        if data.get(key):
            parts.append(f' {attr}="{escape(data[key])}"')
    if disabled:
        parts.append(" disabled")
    parts.append(f">{escape(label)}")
    if more:
        parts.append(f'<span class="sr-only"> {escape(more)}</span>')
    parts.append("</button>")
    return Markup("".join(parts))


def marker(text: str, cls: str = "") -> Markup:
    return Markup(f'<span class="ca-marker {escape(cls)}">{escape(text)}</span>')
