"""Request hygiene before any handler runs: ids in URLs fit every database, and NUL bytes in a URL
(which PostgreSQL refuses in text) never reach a query. Form fields are checked by their own
validators, so that a person gets the form back with a clear message and nothing lost."""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1  # PostgreSQL's integer; SQLite's is larger


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive id no larger than the database can hold (else 404)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Before any blueprint is registered: their rules use this converter for `int`."""
    app.url_map.converters["int"] = IdConverter


def install(app: Flask) -> None:
    @app.before_request
    def _no_nul_bytes_in_urls() -> None:
        if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            abort(404)
