"""The rows of the console's long lists (a form's answers and fill-in forms), each drawn once.

A check-in of 300 people is 300 answer rows, and each answer changes one of them; drawing and sending
all 300 for every answer made the console's view cost 100-200 ms and ~1 MB. So a partial asks for a
row with ``rows.row(template, common, **context)``: its key is a digest of the template name and what
it is drawn from, and the panel's markup carries only ``<template data-row="KEY"></template>`` in its
place. The view's ``rows`` holds the markup of the rows the console does not have yet (the ones not
in the last view this process sent); facilitator/static/console-screen.js puts each row in its slot
from ``rows`` or from the rows of the view it drew before, and asks for the whole view again (sync,
where every row is sent) if one is missing, e.g. after another process sent a view in between.

What this process keeps per session is the keys (digests) of the last view's rows, never their words
(core/live/console_pace.py holds them with the pace, and forgets them with it).
"""
from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from activities import jsondata


def _digest(*parts: Any) -> str:
    return jsondata.digest(parts, 12, default=str)


class Common:
    """What every row of a list is drawn from (the form's questions, the feeling words), digested once."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context, self.key = context, _digest(context)


class Rows:
    """One drawing's rows. ``known``: the keys the console has (None: draw every row in its place,
    for a reader of the markup alone, e.g. the tests)."""

    def __init__(self, known: frozenset[str] | None = frozenset()) -> None:
        self.known = known
        self.used: list[str] = []
        self.new: dict[str, str] = {}

    @staticmethod
    def common(**context: Any) -> Common:
        return Common(context)

    def row(self, template: str, common: Common, **context: Any) -> Markup:
        if self.known is None:
            return Markup(render_template(template, **common.context, **context))
        key = _digest(template, common.key, context)
        if key not in self.new and key not in self.known:
            self.new[key] = render_template(template, **common.context, **context)
        self.used.append(key)
        return Markup(slot(key))


def slot(key: str) -> str:
    """Where a row goes in the panel's markup."""
    return f'<template data-row="{key}"></template>'
