"""Checks for text people type: names and free text. Invisible and control characters are refused, and
so are names that would show as nothing."""
from __future__ import annotations

import re
import unicodedata

NAME_MAX = 30
_SPACE = re.compile(r"\s+")
ZWJ = "\u200d"  # joins emoji sequences; harmless on its own
# Letters and symbols by Unicode's account that draw nothing: the Hangul fillers, the braille blank, the
# Khmer inherent vowels. Never needed in a name, and the way to make one that looks empty or like another.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_DRAWS_NOTHING = {"Mn", "Me", "Cf", "Cc", "Zs", "Zl", "Zp"}  # marks, variation selectors, format, spaces


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


def draws_nothing(ch: str) -> bool:
    return ch in BLANKS or ch.isspace() or unicodedata.category(ch) in _DRAWS_NOTHING


def clean_name(raw: object) -> str:
    """A display name: a first name or pseudonym, one line, 1-30 characters, something people can see."""
    name = clean_text(raw, NAME_MAX)
    if not name:
        raise ValueError("Please choose a name to show the group.")
    if all(draws_nothing(ch) for ch in name):
        raise ValueError("That name would show as blank. Please choose a name people can see.")
    if any(ch in BLANKS for ch in name):
        raise ValueError("Please remove the blank characters: they show as empty space.")
    return name
