"""Checks for text people type: names and free text. Invisible and control characters are refused."""
from __future__ import annotations

import re
import unicodedata

NAME_MAX = 30
_SPACE = re.compile(r"\s+")
ZWJ = "\u200d"  # joins emoji sequences; harmless on its own


def _bad_char(ch: str) -> bool:
    if ch in "\n\r\t" or ch == ZWJ:
        return False
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean_text(raw: object, limit: int, *, multiline: bool = False) -> str:
    """Normalised text, or ValueError with a message a person can act on."""
    if not isinstance(raw, str):
        raise ValueError("Please enter some text.")
    text = unicodedata.normalize("NFC", raw).strip()
    if any(_bad_char(ch) for ch in text):
        raise ValueError("Please remove hidden or control characters.")
    if not multiline:
        text = _SPACE.sub(" ", text)
    if len(text) > limit:
        raise ValueError(f"Please keep it to {limit} characters or fewer.")
    return text


def clean_name(raw: object) -> str:
    """A display name: a first name or pseudonym, one line, 1-30 characters."""
    name = clean_text(raw, NAME_MAX)
    if not name:
        raise ValueError("Please choose a name to show the group.")
    return name
