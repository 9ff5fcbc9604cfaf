"""The JSON module Socket.IO decodes clients' packets with: bounded length, nesting and number size, and
no NaN or Infinity. Anything outside the bounds is refused with `Refused` (a ValueError, as
python-socketio expects) carrying a fixed reason that is safe to log (never the client's text).

python-socketio calls `loads` on the data of every Socket.IO packet a client sends, before any handler
runs or any identity is checked, and `dumps` on everything the server sends (activities/jsondata.py)."""
from __future__ import annotations

import json
import math

from activities import jsondata

MAX_CHARS = 64 * 1024  # one transport message (max_http_buffer_size in core/__init__.py)
MAX_DEPTH = 32  # the deepest legitimate payload (a form's answers) is about 5 levels
MAX_NUMBER_CHARS = 32  # enough for any JavaScript number written out in full ("-1.2345678901234567e-308")

dumps = jsondata.dumps  # what the server sends: its own data (orjson)


class Refused(ValueError):
    """A payload outside the bounds; `reason` is one of a few fixed phrases."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise Refused("number too long")
    return int(literal)


def _float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise Refused("number too long")
    value = float(literal)
    if not math.isfinite(value):  # 1e999
        raise Refused("NaN or Infinity")
    return value


def _constant(name: str) -> None:
    raise Refused("NaN or Infinity")


def _check_depth(value: object) -> None:
    """Iterative, so that checking cannot itself exhaust the stack."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_DEPTH:
            raise Refused("nested too deep")
        stack.extend((child, depth + 1) for child in children)


def loads(text: str | bytes, **kwargs) -> object:
    """Like json.loads, within the bounds above; only ValueError (Refused) on bad input."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode()
        except UnicodeDecodeError:
            raise Refused("not JSON") from None
    if len(text) > MAX_CHARS:
        raise Refused("too long")
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant, **kwargs)
    except Refused:
        raise
    except RecursionError:  # the C decoder's own stack limit, before our depth check could run
        raise Refused("nested too deep") from None
    except (ValueError, TypeError):
        raise Refused("not JSON") from None
    if text.count("[") + text.count("{") > MAX_DEPTH:  # fewer openers cannot nest deeper: skip the walk
        _check_depth(value)
    return value
