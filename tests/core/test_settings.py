"""The typed settings object: every variable parsed strictly; a bad value is one line naming it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ROOT, Settings, SettingsError

KEY = "k" * 40


def settings(tmp_path, **env) -> Settings:
    return Settings.from_env({"SB_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": KEY, **env})


def test_defaults_suit_one_practice(tmp_path):
    s = settings(tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path / 'secure_base.db'}"
    assert (s.bind_host, s.bind_port) == (None, None)  # learned from gunicorn (SB_BIND) when it serves
    assert settings(tmp_path, SB_BIND="127.0.0.1:5001").flask_config()["BIND"] == "127.0.0.1:5001"
    assert s.allowed_origins == () and s.public_url is None and s.redis_url is None
    assert not s.secure_cookies and not s.behind_proxy and s.purge_scheduler
    assert s.flask_config()["ALLOWED_ORIGINS"] is None  # same origin only, never "*"


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("ON", True), (" true ", True),
                                           ("0", False), ("no", False), ("off", False), ("", False)])
def test_boolean_spellings(tmp_path, raw, expected):
    assert settings(tmp_path, SB_SECURE_COOKIES=raw).secure_cookies is expected


@pytest.mark.parametrize("env, names", [
    ({"SB_SECURE_COOKIES": "enabled"}, "SB_SECURE_COOKIES"),
    ({"SB_BEHIND_PROXY": "y"}, "SB_BEHIND_PROXY"),
    ({"SB_IDLE_TIMEOUT_MINUTES": "forty"}, "SB_IDLE_TIMEOUT_MINUTES"),
    ({"SB_IDLE_TIMEOUT_MINUTES": "0"}, "SB_IDLE_TIMEOUT_MINUTES"),
    ({"SB_AUDIT_RETENTION_DAYS": "1e3"}, "SB_AUDIT_RETENTION_DAYS"),
    ({"DATABASE_URL": "postgres://u:p@db/sb"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://u:p@db/sb"}, "DATABASE_URL"),
    ({"DATABASE_URL": "mysql://u:p@db/sb"}, "DATABASE_URL"),
    ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
    ({"SB_ALLOWED_ORIGINS": "*"}, "SB_ALLOWED_ORIGINS"),
    ({"SB_ALLOWED_ORIGINS": "https://a.example, *"}, "SB_ALLOWED_ORIGINS"),
    ({"SB_ALLOWED_ORIGINS": "a.example"}, "SB_ALLOWED_ORIGINS"),
    ({"SB_ALLOWED_ORIGINS": "https://a.example/path"}, "SB_ALLOWED_ORIGINS"),
    ({"SB_PUBLIC_URL": "groups.example.org"}, "SB_PUBLIC_URL"),
    ({"SB_PUBLIC_URL": "https://groups.example.org:99999"}, "SB_PUBLIC_URL"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ({"SB_BIND": "0.0.0.0"}, "SB_BIND"),
    ({"SB_BIND": "somehost:5000"}, "SB_BIND"),
    ({"SB_ASYNC_MODE": "eventlet"}, "SB_ASYNC_MODE"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
])
def test_a_bad_value_names_the_variable_in_one_line(tmp_path, env, names):
    with pytest.raises(SettingsError) as err:
        settings(tmp_path, **env)
    message = str(err.value)
    assert message.startswith(names) and "\n" not in message
    assert "use" in message  # says what form is expected


def test_good_values_are_kept(tmp_path):
    s = settings(tmp_path, DATABASE_URL="postgresql+psycopg://u:p@127.0.0.1/sb", REDIS_URL="redis://127.0.0.1:6379/0",
                 SB_ALLOWED_ORIGINS="https://a.example, http://b.example:8080", SB_PUBLIC_URL="https://g.example/sb/",
                 SB_BIND="[::]:5001", SB_IDLE_TIMEOUT_MINUTES="20")
    assert s.allowed_origins == ("https://a.example", "http://b.example:8080")
    assert s.public_url == "https://g.example/sb" and (s.bind_host, s.bind_port) == ("::", 5001)
    assert s.idle_timeout_minutes == 20 and s.redis_url == "redis://127.0.0.1:6379/0"


def test_a_generated_secret_key_is_kept_once_and_private(tmp_path):
    env = {"SB_INSTANCE_DIR": str(tmp_path)}
    first, second = Settings.from_env(env), Settings.from_env(env)
    assert first.secret_key == second.secret_key and not first.secret_key_from_env
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def _flask(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SB_", "DATABASE_URL", "REDIS_URL"))}
    base.update({"SB_ASYNC_MODE": "threading", "SECRET_KEY": KEY}, **env)
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run([str(flask), "--app", "wsgi", *args], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("env, name", [({"SB_ALLOWED_ORIGINS": "*"}, "SB_ALLOWED_ORIGINS"),
                                       ({"SB_SECURE_COOKIES": "enabled"}, "SB_SECURE_COOKIES")])
def test_the_app_stops_with_one_line_and_no_traceback(tmp_path, env, name):
    result = _flask(["doctor"], SB_INSTANCE_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and name in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
