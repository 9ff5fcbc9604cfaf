"""Names that could pass for someone else's, flagged to facilitators (never refused, never shown to
participants or the room display): the same name as someone already in the session once case, spaces,
punctuation and look-alike letters are set aside ("Вob" with a Cyrillic В, "B0b", "BOB"), and names
that mix Latin, Cyrillic and Greek letters.

The look-alike table is deliberately small: the Cyrillic and Greek letters that are drawn like Latin
ones in common fonts, plus a few Latin pairs (I/l/1, O/0, rn/m). It is a hint for a person, who then
decides; it is not a security boundary."""
from __future__ import annotations

import unicodedata

from core.text import draws_nothing

# Cyrillic and Greek letters drawn like a Latin one (upper and lower case).
_LATIN_LOOKALIKE = str.maketrans({
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ү": "Y", "Һ": "h",
    "а": "a", "е": "e", "ѕ": "s", "і": "i", "ј": "j", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u", "χ": "x", "α": "a",
    # Latin and digits drawn alike
    "I": "l", "1": "l", "|": "l", "0": "o",
})
_SEQUENCES = (("rn", "m"), ("vv", "w"))
WATCHED_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def name_key(name: str) -> str:
    """What a name looks like, roughly: equal keys mean a person could take one name for the other."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not draws_nothing(ch) or ch == " ")
    text = text.translate(_LATIN_LOOKALIKE).casefold()
    for seq, like in _SEQUENCES:
        text = text.replace(seq, like)
    letters = "".join(ch for ch in text if ch.isalnum())
    return letters or text.replace(" ", "")  # a name of emoji or punctuation only is compared as it is


def scripts(name: str) -> list[str]:
    """The watched scripts (Latin, Cyrillic, Greek) whose letters a name uses, in that order."""
    found = set()
    for ch in name:
        if ch.isalpha():
            word = unicodedata.name(ch, "").split(" ", 1)[0]
            if word in WATCHED_SCRIPTS:
                found.add(word)
    return [s for s in WATCHED_SCRIPTS if s in found]


def flags(people: list[dict]) -> dict[int, list[str]]:
    """id -> what a facilitator should know about that name, for people in arrival order (dicts with
    "id" and "name"). Each later arrival is compared with the earliest one its name looks like."""
    first_by_key: dict[str, dict] = {}
    result: dict[int, list[str]] = {}
    for person in people:
        notes = []
        key = name_key(person["name"])
        earlier = first_by_key.setdefault(key, person)
        if earlier is not person:
            same = earlier["name"] == person["name"]
            notes.append(f"{'same name as' if same else 'looks like'} {earlier['name']}, who is already here")
        mixed = scripts(person["name"])
        if len(mixed) > 1:
            notes.append("mixes " + " and ".join(s.title() for s in mixed) + " letters")
        if notes:
            result[person["id"]] = notes
    return result
