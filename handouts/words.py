"""Small wording helpers shared by the handout builders (handouts/context.py, guide_data.py,
session_context.py): durations, clock times, group sizes, sentence frames."""
from __future__ import annotations

from typing import Any

from activities import privacy
from core import vocabulary as vocab

AUDIENCE_WORDS = privacy.AUDIENCE_WORDS  # one source with the phones' "who sees this" lines
phrase = vocab.phrase
BLANK = "___"  # blanks in sentence frames (the I-statement)


def duration_words(seconds: int) -> str:
    """90 -> "1 min 30 s", 120 -> "2 minutes", 45 -> "45 seconds"."""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} seconds"
    if not rest:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes} min {rest} s"


def clock(minutes: int) -> str:
    """Minutes from the start as h:mm ("0:00", "1:05")."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def people_words(low: int, high: int) -> str:
    return f"{low} to {high} people" if low != high else f"{low} people"


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _label(text: str) -> str:
    """A sentence-frame fragment as a row label: ", because " -> "because"."""
    return text.strip().lstrip(",.;:").strip()


def frame_rows(template: str) -> dict[str, Any]:
    """ "I feel ___ when ___." -> rows [("I feel"), ("when")] each followed by a blank, plus the tail."""
    parts = template.split(BLANK)
    rows = [_label(p) for p in parts[:-1]]
    return {"template": template, "rows": rows, "tail": _label(parts[-1])}
