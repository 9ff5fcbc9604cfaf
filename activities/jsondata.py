"""JSON for the server's own data (views, the live state, digests of them), written with orjson: at 300
members a broadcast encodes and digests several hundred small documents, and orjson does it about ten
times faster than the standard module, with the same data out (docs/PERFORMANCE.md).

- ``dumps``: compact JSON text; dict keys that are not strings are written as strings (as the standard
  module does). Anything orjson does not write (an integer past 64 bits) falls back to the standard
  module, so a value is never refused here that was written before.
- ``loads``: the standard JSON grammar. For the server's own messages and its database only: what a
  client sends is read by core/safe_json.py, within bounds.
- ``digest``: a short hex digest of a value's JSON with sorted keys (the same data, the same digest,
  whatever the order its dicts were built in).

Pure: no Flask, no database."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS
_SORTED = orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS


def _bytes(value: Any, option: int, default: Callable[[Any], Any] | None = None) -> bytes:
    try:
        return orjson.dumps(value, option=option, default=default)
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=option == _SORTED,
                          default=default)
        return text.encode()


def dumps(value: Any, **_standard_arguments: Any) -> str:
    """``value`` as compact JSON text (python-socketio passes ``separators``: compact is what it asks)."""
    return _bytes(value, _OPTIONS).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def digest(value: Any, size: int = 16, default: Callable[[Any], Any] | None = None) -> str:
    """A hex digest (``size`` bytes) of ``value``'s JSON with its keys sorted (``default``: what to write
    for a value JSON has no form for, as in ``json.dumps``)."""
    return hashlib.blake2b(_bytes(value, _SORTED, default), digest_size=size).hexdigest()
