"""A group's own activities: built from the facilitator's form or a YAML file, checked with the same
schema as the library, and stored as plain data. Problems come back as (field, message) pairs that
name the field in words a facilitator can act on."""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import select

from activities import guides, yaml_reader
from activities.engine import KINDS as ENGINE_KINDS
from activities.schema import ActivityAdapter
from core import catalogue
from core.activity_models import CustomActivity
from core.extensions import db
from core.models import Facilitator, Group

# Kinds a group can make itself: those with live screens today.
OWN_KINDS: tuple[str, ...] = tuple(k for k in ("info", "round", "form", "pacer") if k in ENGINE_KINDS)
Problems = list[tuple[str, str]]
T = TypeVar("T")
log = logging.getLogger(__name__)


class ActivityProblems(Exception):
    """The activity could not be saved; `problems` are (field, message) pairs."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


def own_activities(group: Group) -> list[tuple[str, Any]]:
    """(plan slug, activity) for the group's own activities, oldest first."""
    return [(slug, a) for slug, a in catalogue.available(group.id) if slug.startswith(catalogue.CUSTOM_PREFIX)]


def slugify(text: str, sep: str = "-", limit: int = 50) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, ascii_text).strip(sep)[:limit].strip(sep)


def create(group: Group, data: dict, actor: Facilitator | None) -> tuple[str, CustomActivity]:
    """Validate and store; the slug comes from the title and is unique in the group. Returns (plan slug, row)."""
    base = slugify(str(data.get("slug") or data.get("title") or "")) or "activity"
    problems = validate({**data, "slug": base})
    if problems:
        raise ActivityProblems(problems)
    with db.transaction() as s:
        taken = set(s.execute(select(CustomActivity.slug).where(CustomActivity.group_id == group.id)).scalars())
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        activity = ActivityAdapter.validate_python({**data, "slug": slug})
        row = CustomActivity(group_id=group.id, slug=slug, data=activity.model_dump(mode="json"),
                             created_by=actor.id if actor is not None else None)
        s.add(row)
        s.flush()
    return catalogue.custom_slug(row), row


# ---- validation, in words -----------------------------------------------------------------------


def _count(n: object, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _message(err: Mapping[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    messages = {
        "missing": "is required",
        "string_too_short": "cannot be empty" if ctx.get("min_length") == 1 else
                            f"needs at least {_count(ctx.get('min_length'), 'character', 'characters')}",
        "string_too_long": f"is too long: please keep it to {ctx.get('max_length')} characters or fewer",
        "too_short": f"needs at least {_count(ctx.get('min_length'), 'entry', 'entries')}",
        "too_long": f"has too many entries (at most {ctx.get('max_length')})",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "literal_error": f"must be one of: {ctx.get('expected')}",
        "extra_forbidden": "is not part of the activity format (check the spelling)",
        "string_type": "must be text",
        "list_type": "must be a list",
        "dict_type": "must be a set of fields",
        "model_type": "must be a set of fields",
        "bool_parsing": "must be yes or no (true or false)",
    }
    if kind in messages:
        return messages[kind]
    return str(err["msg"]).removeprefix("Value error, ")


def validate(data: Any) -> Problems:
    """(dotted field, message) for everything wrong, using the library's schema; [] when it is fine."""
    if not isinstance(data, dict):
        return [("(file)", "the file must be a set of fields (title, kind, summary, ...)")]
    kind = data.get("kind")
    if kind not in OWN_KINDS:
        return [("kind", f"please choose one of: {', '.join(OWN_KINDS)}")]
    try:
        ActivityAdapter.validate_python(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [str(part) for part in err["loc"]]
            if loc and loc[0] == kind:  # the discriminated union puts the kind tag first
                loc = loc[1:]
            problems.append((".".join(loc) or "(file)", _message(err)))
        return problems
    return [("guides", f"there is no guide called {g!r}") for g in guides.unknown(list(data.get("guides") or []))]


def describe(path: str) -> str:
    """A schema path in words: settings.fields.1.type -> settings › fields › item 2 › type."""
    return " › ".join(f"item {int(p) + 1}" if p.isdigit() else p for p in path.split("."))


def read_yaml(raw: bytes) -> tuple[dict | None, Problems]:
    """Parse and check an uploaded file with the library's bounded reader, off the event loop.

    Refusals are logged by kind only ("depth", "nodes", "schema"...), never with the file's content."""
    data, problems, kinds = _off_the_event_loop(_read_and_check, raw)
    if problems:  # a bound exceeded looks like an attack (or a broken tool): WARNING; a mistake: INFO
        level = logging.WARNING if yaml_reader.BOUNDS & set(kinds) else logging.INFO
        log.log(level, "activity upload refused: %s", ", ".join(sorted(set(kinds))))
    return data, problems


def _read_and_check(raw: bytes) -> tuple[dict | None, Problems, list[str]]:
    data, problems = yaml_reader.read(raw)
    if problems:
        return None, [(p.field, p.reason) for p in problems], [p.kind for p in problems]
    if not isinstance(data, dict):
        return None, [("(file)", "the file must be a set of fields (title, kind, summary, ...)")], ["not_mapping"]
    schema = validate({**data, "slug": slugify(str(data.get("slug") or data.get("title") or "")) or "activity"})
    return (None if schema else data), schema, ["schema"] * len(schema)


def _off_the_event_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run `fn` in gevent's thread pool when serving under gevent, so that the event loop keeps serving
    every other request meanwhile (the pool is bounded: 10 threads by default); inline otherwise."""
    try:
        from gevent import get_hub, monkey
    except ImportError:
        return fn(*args)
    if not monkey.is_module_patched("threading"):
        return fn(*args)
    return get_hub().threadpool.apply(fn, args)
