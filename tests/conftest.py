"""Shared fixtures: an app on a freshly migrated database (SQLite, or PostgreSQL when
SB_TEST_DATABASE_URL is set), factory fixtures for people, groups and sessions, and Socket.IO clients."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["SB_ASYNC_MODE"] = "threading"

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from core import create_app, migrate, security  # noqa: E402
from core.db import Base  # noqa: E402
from core.extensions import db, socketio  # noqa: E402

PASSWORD = "a calm long password"
# Production argon2 costs ~50 ms a hash by design; tests hash hundreds of times, so they use a cheap one.
security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per test run; each test then gets a clean copy."""
    url = os.environ.get("SB_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        migrate.upgrade(url)
        return ("postgresql", url)
    path = tmp_path_factory.mktemp("db") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return ("sqlite", path)


def _fresh_database(template, tmp_path) -> str:
    kind, source = template
    if kind == "sqlite":
        target = tmp_path / "test.db"
        shutil.copy(source, target)
        return f"sqlite:///{target}"
    engine = create_engine(source)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return source


@pytest.fixture
def make_app(database_template, tmp_path):
    """Build an app on this test's database; call again for a 'restarted server' on the same data."""
    url = _fresh_database(database_template, tmp_path)
    created = []

    def build(**overrides):
        config = {"TESTING": True, "DATABASE_URL": url, "ASYNC_MODE": "threading", "WTF_CSRF_ENABLED": False,
                  "INSTANCE_DIR": str(tmp_path), "SERVER_NAME": "localhost"}
        config.update(overrides)
        app = create_app(config)
        created.append(app)
        return app

    yield build
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app, with no context held open: each request and socket event gets its own, as in
    production (a held context would share `g`, and with it the logged-in user, across clients)."""
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Person:
    """A facilitator with their own browser."""

    id: int
    email: str
    client: object


@pytest.fixture
def make_facilitator(app):
    from facilitator.accounts import create_account

    counter = iter(range(1, 1000))

    def make(name: str = "Fac", login: bool = True) -> Person:
        n = next(counter)
        email = f"fac{n}@example.org"
        with app.app_context():
            f = create_account(f"{name} {n}", email, PASSWORD)
        c = app.test_client()
        if login:
            r = c.post("/login", data={"email": email, "password": PASSWORD})
            assert r.status_code == 302, r.data
        return Person(f.id, email, c)

    return make


@pytest.fixture
def make_group(app):
    from core.models import Facilitator
    from facilitator import sessions as ops

    def make(owner: Person, name: str = "Tuesday group"):
        with app.app_context():
            return ops.create_group(db.session.get(Facilitator, owner.id), name, "", "", 30)

    return make


@pytest.fixture
def make_session(app):
    from core.models import Facilitator
    from facilitator import sessions as ops

    def make(group, owner: Person, title: str = "Week 1", auto_admit: bool = False):
        with app.app_context():
            return ops.create_session(group, title, None, "", auto_admit, db.session.get(Facilitator, owner.id))

    return make


@pytest.fixture
def join(app):
    """Walk a new browser through link -> name -> agreements; returns (client, participant)."""
    from core.models import Participant

    def do(gs, name: str = "Ana", client=None):
        c = client or app.test_client()
        assert c.get(f"/j/{gs.join_token}").status_code == 302
        assert c.post(f"/s/{gs.public_id}/name", data={"name": name}).status_code == 302
        r = c.post(f"/s/{gs.public_id}/agreements", data={"agree": "y"})
        assert r.status_code == 302, r.data
        with app.app_context():
            p = db.session.query(Participant).order_by(Participant.id.desc()).first()
        return c, p

    return do


@pytest.fixture
def sock(app):
    """Open a Socket.IO test client that shares an HTTP client's cookies."""
    opened = []

    def connect(http_client, gs, role: str, **extra):
        auth = {"session": gs.public_id, "as": role, **extra}
        sc = socketio.test_client(app, flask_test_client=http_client, auth=auth)
        opened.append(sc)
        return sc

    yield connect
    for sc in opened:
        if sc.is_connected():
            sc.disconnect()
