"""Fixtures for the security tests: `served` is the real server (see support.LiveServer) on this
test's own database, next to the in-process app that seeds and inspects that database."""
from __future__ import annotations

import pytest

from tests.security.support import GUNICORN, LiveServer


@pytest.fixture
def served(make_app, tmp_path):
    """A real server on this test's database, plus the in-process app to seed and inspect it."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in this environment")
    app = make_app()
    server = LiveServer(tmp_path, app.config["DATABASE_URL"])
    yield app, server
    server.close()
