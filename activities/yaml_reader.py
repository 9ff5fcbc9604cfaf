"""Read one activity YAML file safely: bounded size, nesting depth and node count, checked on the event
stream before anything is built, for the library's own files and for facilitators' uploads alike.

The check walks the parser's events in a loop (no recursion) and stops at the first bound exceeded, so
a hostile file costs at most MAX_NODES events of parsing; only a file within every bound is then
built with the safe loader. Anchors and aliases (so no "billion laughs" expansion), explicit tags and
a key repeated in one mapping (PyYAML would silently keep the last value) are refused too.

Both passes use libyaml (CSafeLoader) when PyYAML has it: about twenty times faster than the
pure-Python SafeLoader, which stays as the fallback.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["FILE_FIELD", "LOADER", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "MAX_PROBLEMS", "BOUNDS",
           "YamlProblem", "read", "yaml_reason"]

# The largest shipped activity is 7.7 KB and has about 200 nodes; the schema nests 4 levels at most
# (file, settings, a list, its items). Wide headroom on each.
MAX_BYTES = 200 * 1024
MAX_DEPTH = 20  # lists and mappings inside each other
MAX_NODES = 5000  # every key, value, list item and collection counts once
MAX_PROBLEMS = 20  # after this many anchors or repeated keys the rest is not listed
FILE_FIELD = "(file)"  # `field` of problems about the file as a whole
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BOUNDS = frozenset({"size", "depth", "nodes"})  # kinds of problem that are a bound exceeded


@dataclass(frozen=True)
class YamlProblem:
    """What is wrong: `field` a dotted path (or "(file)"), `reason` in words, `kind` a short code that
    is safe to log (it never carries the file's content)."""

    field: str
    reason: str
    kind: str


class _Stop(Exception):
    """The walk stops here (a bound is exceeded, or enough problems were found)."""


def read(raw: bytes, loader: type | None = None) -> tuple[Any, list[YamlProblem]]:
    """(data, []) for a file within every bound, else (None, problems)."""
    loader = loader or LOADER
    if len(raw) > MAX_BYTES:
        return None, [YamlProblem(FILE_FIELD, f"the file is larger than {MAX_BYTES // 1024} KB "
                                              "(an activity file is usually under 10 KB)", "size")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [YamlProblem(FILE_FIELD, f"the file is not plain text (UTF-8): byte {exc.start} is not valid",
                                  "encoding")]
    try:
        problems = _walk(text, loader)
        if problems:
            return None, problems
        return yaml.load(text, Loader=loader), []  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        return None, [YamlProblem(FILE_FIELD, yaml_reason(exc), "syntax")]
    except (ValueError, OverflowError):  # a plain scalar resolved as a date or number that cannot be one
        return None, [YamlProblem(FILE_FIELD, "a value that looks like a date or a number cannot be read "
                                              "(such as 2024-13-45, or a number thousands of digits long); "
                                              "put it in quotes if it is meant as text", "value")]


def yaml_reason(exc: yaml.YAMLError) -> str:
    """A parser error in words, with the line and column."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None:  # where the unfinished thing started
        problem += f" ({context} started at line {context_mark.line + 1})"
    if mark is not None:
        return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"invalid YAML: {problem}"


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
_START_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _Frame:
    """One open mapping or sequence: where it is, and where its next child goes."""

    __slots__ = ("is_map", "path", "keys", "expect_key", "at")

    def __init__(self, is_map: bool, path: list[str]) -> None:
        self.is_map, self.path = is_map, path
        self.keys: set[str] = set()
        self.expect_key = is_map
        self.at: Any = None if is_map else -1

    def place(self, ev: yaml.Event, problems: list[YamlProblem]) -> list[str]:
        """The path of the node `ev` starts (a mapping key's is its mapping's path plus "?")."""
        if not self.is_map:
            self.at += 1
            return [*self.path, str(self.at)]
        if not self.expect_key:
            self.expect_key = True
            return [*self.path, str(self.at)]
        self.expect_key = False
        self.at = ev.value if isinstance(ev, yaml.ScalarEvent) else "?"
        if isinstance(ev, yaml.ScalarEvent):
            if ev.value in self.keys:
                problems.append(YamlProblem(_dotted([*self.path, ev.value]),
                                            f"key {ev.value!r} repeated in the same mapping "
                                            f"(line {ev.start_mark.line + 1})", "repeated_key"))
            self.keys.add(ev.value)
        return [*self.path, "?"]


def _walk(text: str, loader: type) -> list[YamlProblem]:
    """Check the event stream; raises yaml.YAMLError on syntax errors."""
    problems: list[YamlProblem] = []
    stack: list[_Frame] = []
    nodes = 0
    with contextlib.suppress(_Stop):  # a bound was reached: the problems say which
        for ev in yaml.parse(text, Loader=loader):
            if isinstance(ev, _END_EVENTS):
                stack.pop()
                continue
            if not isinstance(ev, _NODE_EVENTS):
                continue
            nodes += 1
            path = stack[-1].place(ev, problems) if stack else []
            if nodes > MAX_NODES:
                problems.append(YamlProblem(FILE_FIELD, f"the file has more than {MAX_NODES:,} values "
                                                        f"(keys, texts and list entries; stopped at line "
                                                        f"{ev.start_mark.line + 1}); an activity needs a few "
                                                        "hundred", "nodes"))
                raise _Stop
            if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
                problems.append(YamlProblem(_dotted(path), "YAML anchors and aliases (&, *) are not allowed; "
                                                           "write the text out", "alias"))
            elif getattr(ev, "tag", None):  # only tags written in the file: the parser leaves the rest None
                problems.append(YamlProblem(_dotted(path), "YAML tags (such as !!int or !x) are not allowed; "
                                                           "write the value plainly", "tag"))
            if isinstance(ev, _START_EVENTS):
                if len(stack) >= MAX_DEPTH:
                    problems.append(YamlProblem(FILE_FIELD, f"the file nests deeper than {MAX_DEPTH} levels (lists "
                                                            "and sets of fields inside each other, at line "
                                                            f"{ev.start_mark.line + 1}); an activity needs at "
                                                            "most 4", "depth"))
                    raise _Stop
                stack.append(_Frame(isinstance(ev, yaml.MappingStartEvent), path))
            if len(problems) >= MAX_PROBLEMS:
                raise _Stop
    return problems


def _dotted(path: list[str]) -> str:
    return ".".join(path) or FILE_FIELD
