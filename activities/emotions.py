"""The emotions file (`emotions.yaml`): families of feeling words for the emotion picker, the feelings
list on paper and the check-in's alert rule."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .problems import FILE_FIELD, Problem, pydantic_problems

_WORD = Annotated[str, Field(min_length=1, max_length=40)]
_FAMILY_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EmotionFamily(_Strict):
    """A family of feeling words (sad, scared, ...) for the emotion picker and the feelings list."""

    id: str
    label: Annotated[str, Field(min_length=1, max_length=40)]
    note: Annotated[str, Field(max_length=300)] = ""  # one plain line for the handout
    words: Annotated[list[_WORD], Field(min_length=3, max_length=16)]
    # How a feeling of this family weighs a check-in's intensity (activities/kinds/form_distress.py).
    # Left out of model_dump: the emotion picker reaches participants, the alert rule is for facilitators.
    distress: Annotated[Literal["likely", "low_energy", "never", "unclear"], Field(exclude=True)]

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _FAMILY_ID.match(v):
            raise ValueError("family id must be lower_snake_case, starting with a letter")
        return v


class EmotionsFile(_Strict):
    intro: Annotated[str, Field(max_length=500)] = ""
    families: Annotated[list[EmotionFamily], Field(min_length=2, max_length=12)]

    @field_validator("families")
    @classmethod
    def _unique(cls, families: list[EmotionFamily]) -> list[EmotionFamily]:
        ids = [f.id for f in families]
        if len(ids) != len(set(ids)):
            raise ValueError("family ids must be unique")
        seen: dict[str, str] = {}
        for fam in families:
            for word in fam.words:
                key = word.casefold()
                if key in seen:
                    raise ValueError(f"the word {word!r} appears in both {seen[key]!r} and {fam.id!r}")
                seen[key] = fam.id
        return families


def validate_emotions(path: Path, data: Any) -> tuple[EmotionsFile | None, list[Problem]]:
    name = str(path)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        return None, [Problem(name, FILE_FIELD, f"top level must be a mapping of fields, got {got}")]
    try:
        return EmotionsFile.model_validate(data), []
    except ValidationError as exc:
        return None, pydantic_problems(name, exc, {})
