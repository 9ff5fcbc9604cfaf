"""Form answer validation: one cleaner per field type; rejections name the question's label.

A cleaner returns the normalised value, or None when the answer is empty (blank text, empty list,
no feeling word), so that "not answered" has a single representation: the key is absent.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from activities.kinds import Rejected, is_int

EMOTION_WORD_MAX = 40
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
LIST_ITEM_MAX = 200
SCALE_MIN, SCALE_MAX = 0, 10

Field = dict[str, Any]


def field_by_id(fields: list[Field], field_id: str) -> Field | None:
    return next((field for field in fields if field["id"] == field_id), None)


def clean_answers(fields: list[Field], raw: object) -> dict[str, Any]:
    """Validate a whole submission: known fields only, right types and sizes, required ones present."""
    if not isinstance(raw, Mapping):
        raise Rejected("The answers were not understood.")
    known = {field["id"] for field in fields}
    unknown = [str(key)[:40] for key in raw if key not in known]
    if unknown:
        raise Rejected(f"This form has no question “{unknown[0]}”.")
    answers: dict[str, Any] = {}
    for field in fields:
        raw_value = raw.get(field["id"])
        value = None if raw_value is None else CLEANERS[field["type"]](field, raw_value)
        if value is not None:
            answers[field["id"]] = value
        elif field["required"]:
            raise Rejected(f"Please answer “{field['label']}”.")
    return answers


def _text(field: Field, value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        raise Rejected(f"“{field['label']}” takes text.")
    text = value.strip()
    if len(text) > limit:
        raise Rejected(f"“{field['label']}” can be at most {limit} characters.")
    return text or None


def _clean_emotion(field: Field, value: object) -> dict[str, str | None] | None:
    label = field["label"]
    if not isinstance(value, Mapping) or not set(value) <= {"word", "family"}:
        raise Rejected(f"“{label}” takes a feeling word.")
    word, family = value.get("word"), value.get("family")
    if not isinstance(word, str) or not (family is None or isinstance(family, str)):
        raise Rejected(f"“{label}” takes a feeling word.")
    word, family = word.strip(), (family or "").strip() or None
    if len(word) > EMOTION_WORD_MAX or (family is not None and len(family) > EMOTION_WORD_MAX):
        raise Rejected(f"“{label}”: please keep the feeling to {EMOTION_WORD_MAX} characters.")
    if not word:
        if family is not None:
            raise Rejected(f"“{label}” takes a feeling word.")
        return None
    return {"word": word, "family": family}


def _clean_scale(field: Field, value: object) -> int:
    if not is_int(value) or not SCALE_MIN <= value <= SCALE_MAX:
        raise Rejected(f"“{field['label']}” takes a whole number from {SCALE_MIN} to {SCALE_MAX}.")
    return value


def _clean_short_text(field: Field, value: object) -> str | None:
    return _text(field, value, SHORT_TEXT_MAX)


def _clean_long_text(field: Field, value: object) -> str | None:
    return _text(field, value, LONG_TEXT_MAX)


def _clean_list(field: Field, value: object) -> list[str] | None:
    if not isinstance(value, list):
        raise Rejected(f"“{field['label']}” takes a list.")
    items = [item for item in (_text(field, entry, LIST_ITEM_MAX) for entry in value) if item]
    if len(items) > field["max_items"]:
        raise Rejected(f"“{field['label']}” takes at most {field['max_items']} entries.")
    return items or None


CLEANERS: dict[str, Callable[[Field, Any], Any]] = {
    "emotion": _clean_emotion,
    "scale": _clean_scale,
    "short_text": _clean_short_text,
    "long_text": _clean_long_text,
    "list": _clean_list,
}
