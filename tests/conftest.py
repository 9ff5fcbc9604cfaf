"""Shared fixtures: an app on a freshly migrated database (SQLite, or PostgreSQL when
SB_TEST_DATABASE_URL is set), factory fixtures for people, groups and sessions, and Socket.IO clients.

Also the run-wide knobs (see README, Development):
- one random seed per run (SB_TEST_SEED, else a fresh one), printed in the header and in every
  failure report; `random` is seeded per test from it and the test's node id, so SB_TEST_SEED=N
  reproduces a run's random choices test by test;
- hypothesis profiles "ci" (the default) and "fast" (make test-fast), chosen by SB_HYPOTHESIS_PROFILE;
- in the PostgreSQL pass (SB_TEST_DATABASE_URL set) only the tests that use the database run: the
  others already ran in the SQLite pass and are reported as deselected."""
from __future__ import annotations

import os
import random
import shutil
import zlib
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["SB_ASYNC_MODE"] = "threading"

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from core import catalogue, create_app, migrate, security  # noqa: E402
from core.db import Base  # noqa: E402
from core.extensions import db, socketio  # noqa: E402

PASSWORD = "a calm long password"
# Production argon2 costs ~50 ms a hash by design; tests hash hundreds of times, so they use a cheap one.
security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


# ---- run-wide knobs -----------------------------------------------------------------------------

# Hypothesis profiles: "ci" (hypothesis' defaults, 100 examples) for make test, "fast" (a quarter) for
# make test-fast. Modules that set their own max_examples scale it by settings.default.max_examples
# / 100 (tests/activities/test_engine_properties*.py): as written in "ci", a quarter in "fast".
# SB_FUZZ_SCALE scales tests/security/test_fuzz.py (make test-fast: 0.1).
hypothesis_settings.register_profile("ci", max_examples=100)
hypothesis_settings.register_profile("fast", max_examples=25, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
HYPOTHESIS_PROFILE = os.environ.get("SB_HYPOTHESIS_PROFILE") or "ci"
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def _run_seed() -> int:
    raw = os.environ.get("SB_TEST_SEED", "").strip()
    if raw:
        try:
            return int(raw)
        except ValueError:
            raise pytest.UsageError(f"SB_TEST_SEED must be an integer, got {raw!r}") from None
    return random.SystemRandom().randrange(2**32)


RUN_SEED = _run_seed()
# pytest-xdist workers (make test-fast) import this file again: they must use the same seed.
os.environ["SB_TEST_SEED"] = str(RUN_SEED)


def seed_for(nodeid: str) -> int:
    """The seed of one test: the run's seed and the test's node id (stable across runs and machines)."""
    return (RUN_SEED + zlib.crc32(nodeid.encode())) % 2**32


def _reproduce_line() -> str:
    return (f"SB_TEST_SEED={RUN_SEED} reproduces this run's random choices "
            "(hypothesis prints its own reproduction on failure; --hypothesis-seed=N fixes its seed)")


def pytest_report_header(config):
    return [f"random seed: {RUN_SEED} ({_reproduce_line()})",
            f"hypothesis profile: {HYPOTHESIS_PROFILE} (SB_HYPOTHESIS_PROFILE=ci|fast)"]


def pytest_sessionstart(session):
    # -q (the default addopts) hides the header: say it in one line instead.
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None and tr.verbosity < 0:
        tr.write_line(f"random seed {RUN_SEED}: SB_TEST_SEED={RUN_SEED} reproduces; "
                      f"hypothesis profile {HYPOTHESIS_PROFILE}")


def pytest_terminal_summary(terminalreporter, exitstatus):
    if terminalreporter.stats.get("failed") or terminalreporter.stats.get("error"):
        terminalreporter.write_line(f"random seed: {RUN_SEED}; {_reproduce_line()}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        report.sections.append(("random seed", f"{_reproduce_line()}\n"
                                               f"this test's seed: random.seed({seed_for(item.nodeid)})"))
    return report


@pytest.fixture(autouse=True)
def _seed_random(request):
    """Seed `random` for every test from the run seed (see seed_for)."""
    random.seed(seed_for(request.node.nodeid))


@pytest.fixture
def test_seed(request) -> int:
    """This test's seed, for tests that make their own random.Random."""
    return seed_for(request.node.nodeid)


def pytest_collection_modifyitems(config, items):
    """PostgreSQL pass: keep only the tests that use the database (the database_template fixture,
    directly or through app/make_app/...) or are marked postgres; deselect the rest."""
    if not os.environ.get("SB_TEST_DATABASE_URL"):
        return
    keep, drop = [], []
    for item in items:
        uses_db = "database_template" in getattr(item, "fixturenames", ()) or item.get_closest_marker("postgres")
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# The packaged library is parsed and validated once per test process instead of once per app (the
# models are frozen; tests/activities and the start-up test in test_setup_and_login still load it
# themselves). Every app gets the same, immutable Library.
_load_library = catalogue.load_library
_library_cache: list = []


def _load_library_once(*args, **kwargs):
    if args or kwargs:
        return _load_library(*args, **kwargs)
    if not _library_cache:
        _library_cache.append(_load_library())
    return _library_cache[0]


catalogue.load_library = _load_library_once


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (created on first use):
    tests truncate every table between them, which two workers on one database would do to each other."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per test run; each test then gets a clean copy."""
    url = os.environ.get("SB_TEST_DATABASE_URL")
    if url:
        url = _worker_database(url)
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
def admit_phones(sock, join):
    """Members joined on their own devices and admitted from the console: {name: (socket, engine id)}."""

    def do(gs, fac, names=("Ana", "Ben")):
        out = {}
        for name in names:
            http, p = join(gs, name)
            assert fac.emit("admit", {"participant": p.id}, callback=True)["ok"]
            out[name] = (sock(http, gs, "participant"), f"p{p.id}")
        return out

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
