"""What is wrong with a library file, and reading one safely: `Problem(file, field, reason)` (field a
dotted path such as `settings.fields.1.type`, or "(file)"), `LibraryError` carrying them all, the
bounded read (activities/yaml_reader.py) and pydantic's errors in the same words."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import yaml_reader
from .schema import KINDS

MAX_FILE_BYTES = yaml_reader.MAX_BYTES
FILE_FIELD = yaml_reader.FILE_FIELD  # `field` of problems about the file as a whole


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file. `field` is a dotted path, or "(file)" for the whole file."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


class LibraryError(Exception):
    """Raised when the library (or a file) does not load; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the activity library"
        super().__init__("\n  ".join([head + ":", *map(str, self.problems)]))


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Read a YAML file with the bounded reader. Returns (data, problems); data is None when there are problems."""
    name = str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None, [Problem(name, FILE_FIELD, "no such file")]
    except IsADirectoryError:
        return None, [Problem(name, FILE_FIELD, "is a directory, not a file")]
    except OSError as exc:
        return None, [Problem(name, FILE_FIELD, f"cannot read: {exc.strerror or exc}")]
    data, problems = yaml_reader.read(raw)
    return data, [Problem(name, p.field, p.reason) for p in problems]


def pydantic_problems(name: str, exc: ValidationError, data: dict[str, Any]) -> list[Problem]:
    problems = []
    kind = data.get("kind")
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        # The discriminated union puts the kind tag first ("form.settings..."): strip it.
        if loc and isinstance(kind, str) and kind in KINDS and loc[0] == kind:
            loc = loc[1:]
        reason = err["msg"]
        if err["type"] == "union_tag_not_found":
            loc, reason = ["kind"], f"missing; expected one of {', '.join(KINDS)}"
        elif err["type"] == "union_tag_invalid":
            loc, reason = ["kind"], f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}"
        elif err["type"] == "missing":
            reason = "required field is missing"
        elif err["type"] == "extra_forbidden":
            reason = "unknown field (check the spelling)"
        elif reason.startswith("Value error, "):
            reason = reason[len("Value error, "):]
        problems.append(Problem(name, ".".join(loc) or FILE_FIELD, reason))
    return problems
