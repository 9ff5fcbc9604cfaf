"""Who sees a person's answer, and what the room display may be shown of it.

One source for the "who sees this" lines (the views send them; the phones, the console and the printed
guide read them from here) and for the rule on projected summaries (docs/ENGINE_CONTRACT.md, "Audiences
and the room display"):

- ``private``: the member alone (facilitators learn only that an answer exists).
- ``facilitators``: the facilitators; never on the room display in any form (no summary, no count).
- ``summary``: the facilitators; the room may see a summary of everyone's answers, never one alone.
- ``group``: the facilitators; a facilitator may share one answer with the group and the room display.

A projected summary needs ``MIN_CONTRIBUTORS`` people, and no part of it (a bar, a bucket, a count of
one kind of answer) may stand for fewer than ``MIN_BUCKET`` people: one person's value is never shown
on its own.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MIN_CONTRIBUTORS = 3  # fewer people than this: no summary reaches the room (or the group)
MIN_BUCKET = 2  # a bar or bucket of a projected summary always stands for at least this many people
SHOWN_WHEN = f"Shown when at least {MIN_CONTRIBUTORS} people have answered."
WORDS_SHOWN_WHEN = f"Shown when a facilitator has approved the words of at least {MIN_CONTRIBUTORS} people."
NOT_SHOWN = "For the facilitators only: never shown on the room screen, not even as a summary."

AUDIENCES = ("private", "facilitators", "summary", "group")
PROJECTABLE = ("summary", "group")  # audiences whose summary may reach the room display

# What the person answering reads under each question (key: form_who_sees(field)).
WHO_SEES = {
    "private": "Only you see your answer. The facilitators see only that you answered.",
    "facilitators": "Only the facilitators see your answer. It is never shown on the room screen.",
    "summary": "Only the facilitators see your answer; the room may see a summary of everyone's answers, "
               "never yours alone.",
    "summary_words": "Only the facilitators see your answer with your name; the room may see your words among "
                     "everyone's, without names, after a facilitator has read them.",
    "group": "The facilitators see your answer; a facilitator may share it with the group and show it on the "
             "room screen (with your name only if names are shown there).",
    "group_words": "The facilitators see your answer; a facilitator may share it with the group, and the room "
                   "may see your words among everyone's, without names, after a facilitator has read them.",
    "debrief": "The facilitators see your answers; a facilitator may show one on the room screen, without your "
               f"name, once at least {MIN_CONTRIBUTORS} people have answered.",
    "cards_named": "The facilitators read your card first; then the person it is for (or the whole group) sees "
                   "it with your name. A facilitator may show it on the room screen.",
    "cards_facilitators": "The facilitators read your card first and know you wrote it; the person it is for "
                          "(or the whole group) sees it without your name, and so does the room screen if a "
                          "facilitator shows it.",
    "cards_anonymous": "Your name isn't kept with your card, not even for the facilitators. They read it first; "
                       "then the person it is for (or the whole group) sees it, and the room screen if they "
                       "show it.",
    "measure": "Only the facilitators see your answers and score. The room screen shows only how many people "
               f"have answered, once at least {MIN_CONTRIBUTORS} have.",
}

# The same audiences in the third person, for the facilitators' printed guide and console.
AUDIENCE_WORDS = {"private": "only the member", "facilitators": "facilitators only",
                  "summary": "facilitators, and the room as a summary",
                  "group": "the group, once a facilitator shares it"}


def form_who_sees(field: Mapping[str, Any]) -> str:
    """The WHO_SEES key of a form field."""
    audience = field["audience"]
    if field.get("show_as") == "words" and audience in PROJECTABLE:
        return f"{audience}_words"
    return audience


def enough(contributors: int) -> bool:
    return contributors >= MIN_CONTRIBUTORS


def count_for_room(count: int) -> int | None:
    """A progress count for the room ("N of M have answered"): none until MIN_CONTRIBUTORS have."""
    return count if count == 0 or enough(count) else None


SCALE_BANDS = ((0, 3), (4, 6), (7, 10))  # low, middle, high: fixed ends, so no band end is someone's answer


def scale_bands(values: Iterable[int]) -> list[dict[str, int]]:
    """A 0-10 scale as bands (0-3, 4-6, 7-10). A band holding one person is merged with its neighbour
    (the fuller one) until every band holds none or at least MIN_BUCKET people."""
    values = list(values)
    bands = [{"from": low, "to": high, "count": sum(1 for v in values if low <= v <= high)}
             for low, high in SCALE_BANDS]
    while len(bands) > 1:
        lonely = next((i for i, band in enumerate(bands) if 0 < band["count"] < MIN_BUCKET), None)
        if lonely is None:
            break
        neighbours = [i for i in (lonely - 1, lonely + 1) if 0 <= i < len(bands)]
        other = max(neighbours, key=lambda i: (bands[i]["count"], -i))
        low, high = sorted((lonely, other))
        bands[low:high + 1] = [{"from": bands[low]["from"], "to": bands[high]["to"],
                                "count": bands[low]["count"] + bands[high]["count"]}]
    return bands


def safe_counts(counts: Mapping[str, int], pool: str) -> dict[str, int]:
    """Unordered buckets (feeling families): those holding fewer than MIN_BUCKET people are pooled into
    ``pool``; the pool is dropped when it too holds fewer than MIN_BUCKET."""
    kept = {key: n for key, n in counts.items() if n >= MIN_BUCKET and key != pool}
    pooled = sum(n for key, n in counts.items() if key not in kept)
    if pooled >= MIN_BUCKET:
        kept[pool] = pooled
    return dict(sorted(kept.items(), key=lambda item: (item[0] == pool, -item[1], item[0])))


def word_list(words: Iterable[str]) -> list[dict[str, Any]]:
    """Moderated short answers as a word list: the same word (any case) once with its count, most
    frequent first, then alphabetical (never in the order people answered)."""
    counts: dict[str, dict[str, Any]] = {}
    for word in words:
        key = word.strip().casefold()
        if key:
            entry = counts.setdefault(key, {"word": word.strip(), "count": 0})
            entry["count"] += 1
    return sorted(counts.values(), key=lambda e: (-e["count"], e["word"].casefold()))
