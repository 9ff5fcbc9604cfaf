"""Practice guides for facilitators: reading, not an exercise (repairing ruptures, ...). Pure.

One YAML file per guide in ``activities/guides/``, validated at start-up with the library (a broken
file stops the app, like a broken activity). An activity names the guides it leans on in ``guides:``
(checked: a guide must exist). A guide is for facilitators only: it never reaches a participant,
the room display or a participant's handout.

A guide: ``intro``, ``sections`` (principles: heading, body, optional points) and ``situations``
(worked examples: what happens, what it may stir, what helps in order, words one might use).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

from pydantic import Field

from activities import data_files
from activities.schema import SLUG, Line, Strict, Text

GUIDES_DIR = Path(__file__).resolve().parent / "guides"


class Section(Strict):
    heading: Line
    body: Text
    points: Annotated[list[Line], Field(max_length=8)] = []


class Situation(Strict):
    title: Line
    what_happens: Text
    what_it_may_stir: Text
    what_helps: Annotated[list[Line], Field(min_length=1, max_length=8)]
    you_might_say: Annotated[str, Field(max_length=2000)] = ""


class Guide(Strict):
    slug: Annotated[str, Field(pattern=SLUG.pattern, max_length=60)]
    title: Line
    summary: Annotated[str, Field(min_length=1, max_length=160)]
    intro: Text
    sections: Annotated[list[Section], Field(min_length=1, max_length=12)]
    situations: Annotated[list[Situation], Field(max_length=16)] = []


class GuideError(Exception):
    """A guide file that does not load: every problem, as "file: field: reason" lines."""


def _read(path: Path) -> Guide:
    return data_files.read(path, Guide, "slug", GuideError)


def load(directory: Path = GUIDES_DIR) -> dict[str, Guide]:
    """Every guide in ``directory`` by slug; raises GuideError listing every broken file."""
    return data_files.load(directory, _read, "slug", GuideError)


@functools.cache
def shipped() -> dict[str, Guide]:
    """The guides that ship with the app (read once), in title order."""
    return dict(sorted(load().items(), key=lambda kv: kv[1].title.casefold()))


def unknown(slugs: list[str]) -> list[str]:
    """The names in ``slugs`` that are not a shipped guide (an empty list when all are)."""
    try:
        known = shipped()
    except GuideError:
        return []  # reported once, by the library's start-up check
    return [s for s in slugs if s not in known]
