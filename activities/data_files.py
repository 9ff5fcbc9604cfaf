"""Shipped data files beside the library (measures, practice guides): each one YAML file named after its
id, read with the bounded reader and checked against its model; a directory loads all or nothing."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from activities import yaml_reader

M = TypeVar("M", bound=BaseModel)


def read(path: Path, model: type[M], key: str, error: type[Exception]) -> M:
    """One file as `model`; `error` lists every problem as "file: field: reason" lines. The `key` field
    must equal the file name."""
    data, problems = yaml_reader.read(path.read_bytes())
    if problems:
        raise error("\n".join(f"{path.name}: {p.field}: {p.reason}" for p in problems))
    try:
        item = model.model_validate(data)
    except ValidationError as exc:
        raise error("\n".join(f"{path.name}: {'.'.join(map(str, e['loc'])) or '(file)'}: "
                              f"{str(e['msg']).removeprefix('Value error, ')}" for e in exc.errors())) from None
    if getattr(item, key) != path.stem:
        raise error(f"{path.name}: {key}: must equal the file name ({path.stem})")
    return item


def load(directory: Path, read_one: Callable[[Path], M], key: str, error: type[Exception]) -> dict[str, M]:
    """Every `*.yaml` in `directory` by its `key`; `error` lists every broken file."""
    found: dict[str, M] = {}
    errors: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            item = read_one(path)
        except error as exc:
            errors.append(str(exc))
            continue
        found[getattr(item, key)] = item
    if errors:
        raise error("\n".join(errors))
    return found
