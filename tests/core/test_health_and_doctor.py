"""/healthz and /readyz, the Redis watcher (one log line per outage), `doctor`, and the db commands."""
from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest

from core import doctor, migrate
from core.redis_watch import QueueRetryFilter, RedisWatch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_and_readyz_answer_without_data(client):
    for path in ("/healthz", "/readyz"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert set(r.get_json()) == {"status"}
        assert r.headers["Cache-Control"] == "no-store"


def test_readyz_fails_when_the_database_does_not_answer(app, client):
    from sqlalchemy import create_engine

    from core.extensions import db

    good = db.engine
    db.engine = create_engine("postgresql+psycopg://nobody:x@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    try:
        r = client.get("/readyz")
    finally:
        db.engine = good
    assert r.status_code == 503 and r.get_json() == {"status": "not ready", "failed": ["database"]}


def test_readyz_fails_while_redis_is_down_logs_once_and_recovers(app, client, caplog):
    port = free_port()
    watch = RedisWatch(f"redis://127.0.0.1:{port}/0", timeout=0.5)
    app.extensions["sb_redis_watch"] = watch
    caplog.set_level(logging.INFO, logger="core.redis_watch")
    for _ in range(3):
        r = client.get("/readyz")
        assert r.status_code == 503 and r.get_json()["failed"] == ["redis"]
    outage = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage) == 1 and f"127.0.0.1:{port}" in outage[0].getMessage()
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (make test installs it)")
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "readyz did not recover after Redis came back"
            time.sleep(0.1)
        back = [r for r in caplog.records if "reachable again" in r.getMessage()]
        assert len(back) == 1
        assert client.get("/readyz").status_code == 200
        assert len([r for r in caplog.records if "reachable again" in r.getMessage()]) == 1
    finally:
        server.terminate()
        server.wait(10)


def test_queue_retry_lines_are_dropped_and_other_errors_kept():
    f = QueueRetryFilter()
    rec = logging.LogRecord("socketio.server", logging.ERROR, __file__, 1, "Cannot receive from redis... "
                            "retrying in 2 secs", None, None)
    other = logging.LogRecord("socketio.server", logging.ERROR, __file__, 1, "something else", None, None)
    assert not f.filter(rec) and f.filter(other)


def test_socketio_errors_are_logged_once_through_the_root_handler(app):
    for name in ("socketio.server", "engineio.server"):
        logger = logging.getLogger(name)
        assert logger.handlers == [] and logger.propagate, name  # no second handler of the library's own
        assert logger.level == logging.ERROR


# -- doctor -----------------------------------------------------------------------------------------

def config(**changes) -> dict:
    base = {"DATABASE_URL": "sqlite:///unused.db", "REDIS_URL": None, "SECRET_KEY": "s" * 40,
            "SECRET_KEY_FROM_ENV": True, "PUBLIC_URL": None, "BEHIND_PROXY": False, "SESSION_COOKIE_SECURE": False,
            "PURGE_SCHEDULER": True, "BIND": "127.0.0.1:5000"}
    base.update(changes)
    return base


def levels(findings, topic=None):
    return [f.level for f in findings if topic is None or f.topic == topic]


def test_doctor_reports_a_missing_sqlite_file_without_creating_it(tmp_path):
    path = tmp_path / "missing.db"
    (finding,) = doctor.check_database(f"sqlite:///{path}")
    assert finding.level == "FAIL" and "db upgrade" in finding.message
    assert not path.exists()


def test_doctor_database_never_migrated_behind_and_at_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    from sqlalchemy import create_engine

    create_engine(url).connect().close()  # an empty file
    assert "never migrated" in doctor.check_database(url)[0].message
    migrate.upgrade(url, "0002")
    assert "0002" in doctor.check_database(url)[0].message and levels(doctor.check_database(url)) == ["FAIL"]
    migrate.upgrade(url)
    assert levels(doctor.check_database(url)) == ["ok"]


def test_doctor_behind_a_proxy_needs_the_public_url_and_secure_cookies():
    assert "FAIL" in levels(doctor.check_proxy_and_tls(config(BEHIND_PROXY=True)), "public URL")
    assert "FAIL" in levels(doctor.check_proxy_and_tls(config(PUBLIC_URL="https://g.example")), "cookies")
    good = config(BEHIND_PROXY=True, PUBLIC_URL="https://g.example", SESSION_COOKIE_SECURE=True)
    assert set(levels(doctor.check_proxy_and_tls(good))) == {"ok"}
    assert levels(doctor.check_proxy_and_tls(config(PUBLIC_URL="http://10.0.0.5:5000")), "cookies") == ["warn"]


def test_doctor_purge_must_be_scheduled(tmp_path):
    off = config(PURGE_SCHEDULER=False)
    assert levels(doctor.check_purge(off, tmp_path)) == ["FAIL"]
    (tmp_path / "cron.d").mkdir()
    (tmp_path / "cron.d/other").write_text("0 * * * * root true\n")
    assert levels(doctor.check_purge(off, tmp_path)) == ["FAIL"]
    (tmp_path / "cron.d/secure-base").write_text("17 * * * * sb cd /srv && .venv/bin/flask --app wsgi purge\n")
    assert levels(doctor.check_purge(off, tmp_path)) == ["ok"]
    wants = tmp_path / "systemd/system/timers.target.wants"
    wants.mkdir(parents=True)
    (wants / "secure-base-purge.timer").write_text("")
    (tmp_path / "cron.d/secure-base").unlink()
    assert levels(doctor.check_purge(off, tmp_path)) == ["ok"]
    assert levels(doctor.check_purge(config(), tmp_path / "nothing")) == ["ok"]


class FakeRedis:
    def __init__(self, up=True, fingerprints=()):
        self.up, self.values = up, {f"{doctor.FINGERPRINT_KEY}h:{i}": v for i, v in enumerate(fingerprints)}

    def ping(self):
        if not self.up:
            raise OSError("down")
        return True

    def scan_iter(self, pattern):
        return iter(self.values)

    def get(self, key):
        return self.values[key].encode()


def test_doctor_several_processes_share_one_secret_key():
    cfg = config(REDIS_URL="redis://127.0.0.1:1/0")
    mine = doctor.secret_fingerprint(cfg["SECRET_KEY"])
    assert levels(doctor.check_redis(cfg, FakeRedis(up=False))) == ["FAIL"]
    assert set(levels(doctor.check_redis(cfg, FakeRedis(fingerprints=[mine, mine])))) == {"ok"}
    assert "FAIL" in levels(doctor.check_redis(cfg, FakeRedis(fingerprints=[mine, "0" * 16])), "secret key")
    generated = config(REDIS_URL="redis://127.0.0.1:1/0", SECRET_KEY_FROM_ENV=False)
    assert "FAIL" in levels(doctor.check_redis(generated, FakeRedis()), "secret key")
    assert mine not in cfg["SECRET_KEY"] and len(mine) == 16


def test_doctor_command_exit_code(app, tmp_path):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["doctor"])
    assert ok.exit_code == 0, ok.output
    assert "ready to serve" in ok.output
    app.config["BEHIND_PROXY"] = True
    bad = runner.invoke(args=["doctor"])
    assert bad.exit_code == 1 and "SB_PUBLIC_URL" in bad.output


# -- db commands and the schema ---------------------------------------------------------------------

def test_models_match_the_migrations(database_template, tmp_path):
    kind, source = database_template
    url = f"sqlite:///{source}" if kind == "sqlite" else source
    assert migrate.current(url) == migrate.head()
    assert migrate.model_differences(url) == []


def test_db_current_downgrade_stamp(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = make_app(DATABASE_URL=url)
    runner = app.test_cli_runner()
    assert "not migrated" in runner.invoke(args=["db", "current"]).output
    assert not (tmp_path / "cli.db").exists()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert "up to date" in runner.invoke(args=["db", "current"]).output
    assert runner.invoke(args=["db", "downgrade", "0002"]).exit_code == 0
    assert migrate.current(url) == "0002"
    assert "needs" in runner.invoke(args=["db", "current"]).output
    assert runner.invoke(args=["db", "stamp", "head"]).exit_code == 0
    assert migrate.current(url) == migrate.head()


def test_a_client_caused_engineio_error_is_a_warning(app):
    logger = logging.getLogger("engineio.server")
    record = logger.makeRecord("engineio.server", logging.ERROR, __file__, 1, "Session is disconnected abc "
                               "(further occurrences of this error will be logged with level INFO)", None, None)
    for f in logger.filters:
        assert f.filter(record)
    assert record.levelno == logging.WARNING
    own = logger.makeRecord("engineio.server", logging.ERROR, __file__, 1, "a real failure", None, None)
    assert all(f.filter(own) for f in logger.filters) and own.levelno == logging.ERROR
