"""The retention purge as the documented deployment runs it: the cron line of deploy/secure-base.cron
under cron's bare environment and /bin/sh, and the systemd timer and service in deploy/.

The cron line is read from the file (never copied here) and run with only the checkout path and the
environment file's path substituted: it must load the settings from that file, purge the expired
session in *that* database, and create no other SQLite file. Without the right database it must say
so in one line and exit non-zero, instead of creating an empty SQLite file and crashing on it."""
from __future__ import annotations

import configparser
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from core import create_app, migrate
from core.extensions import db

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CHECKOUT = "/srv/secure-base"
ENV_FILE = "/etc/secure-base/env"
FLASK = Path(sys.executable).parent / "flask"
CANARY = "purge-cron-canary-q7"
DEFAULT_DB = ROOT / "instance" / "secure_base.db"  # what a bare environment would open


def cron_command() -> str:
    """The command of the one job line of deploy/secure-base.cron (/etc/cron.d format:
    five time fields, the user, then the command)."""
    jobs = [ln for ln in (DEPLOY / "secure-base.cron").read_text().splitlines()
            if ln.strip() and not ln.lstrip().startswith("#") and "=" not in ln.split()[0]]
    assert len(jobs) == 1, jobs
    fields = jobs[0].split(None, 6)
    assert fields[:5] == ["17", "*", "*", "*", "*"] and fields[5] == "secure-base", fields
    return fields[6]


def cron_environment() -> dict[str, str]:
    """The variables the cron file sets itself (SHELL=, PATH=)."""
    out = {}
    for ln in (DEPLOY / "secure-base.cron").read_text().splitlines():
        head = ln.split(None, 1)[0] if ln.strip() else ""
        if head and not head.startswith("#") and "=" in head:
            name, value = ln.strip().split("=", 1)
            out[name] = value
    return out


def run_cron_line(tmp: Path, env_file: Path) -> subprocess.CompletedProcess:
    command = cron_command()
    assert CHECKOUT in command and ENV_FILE in command and ".venv/bin/flask" in command
    command = command.replace(CHECKOUT, str(ROOT)).replace(ENV_FILE, str(env_file))
    command = command.replace(".venv/bin/flask", str(FLASK))
    home = tmp / "home"
    elsewhere = tmp / "elsewhere"
    home.mkdir(exist_ok=True)
    elsewhere.mkdir(exist_ok=True)
    cron_env = cron_environment()
    assert cron_env.get("SHELL") == "/bin/sh", cron_env
    bare = ["env", "-i", f"PATH={cron_env.get('PATH', '/usr/bin:/bin')}", f"HOME={home}", "SHELL=/bin/sh"]
    return subprocess.run([*bare, "/bin/sh", "-c", command], cwd=elsewhere, capture_output=True, text=True,
                          timeout=120)


def write_env_file(tmp: Path, database: Path) -> Path:
    instance = tmp / "instance"
    instance.mkdir(exist_ok=True)
    env_file = tmp / "env"
    env_file.write_text(f"DATABASE_URL=sqlite:///{database}\nSECRET_KEY=purge-deployment-test-secret-not-for-production\n"
                        f"SB_INSTANCE_DIR={instance}\nSB_PURGE_SCHEDULER=0\n")
    return env_file


def sqlite_files(tmp: Path) -> set[Path]:
    return {p for p in tmp.rglob("*") if p.suffix in (".db", ".sqlite", ".sqlite3") or p.name.endswith(
        ("-wal", "-shm", "-journal"))}


def seed_expired_session(url: str, tmp: Path) -> tuple[int, int]:
    """A facilitator, a group (30 days' retention), a session Ana joined, ended 40 days ago.
    Returns (session id, participant id)."""
    from core import roster
    from core.models import Facilitator, GroupSession, utcnow
    from facilitator import sessions as ops
    from facilitator.accounts import create_account

    app = create_app({"TESTING": True, "DATABASE_URL": url, "ASYNC_MODE": "threading", "INSTANCE_DIR": str(tmp),
                      "SERVER_NAME": "localhost"})
    try:
        with app.app_context():
            f = create_account("Cron Fac", "cron-fac@example.org", "a calm long password")
            f = db.session.get(Facilitator, f.id)
            group = ops.create_group(f, "Thursday group", "", "", 30)
            gs = ops.create_session(group, "Week 3", None, "", False, f)
            p, _secret = roster.join(gs, f"Ana {CANARY}")
            s = db.session.get(GroupSession, gs.id)
            s.status, s.ended_at = "ended", utcnow() - timedelta(days=40)
            db.session.commit()
            return gs.id, p.id
    finally:
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def default_db_untouched():
    """No run may create the default SQLite file of the checkout (what a bare environment opens)."""
    existed = DEFAULT_DB.exists()
    yield
    assert DEFAULT_DB.exists() == existed, f"{DEFAULT_DB} was created"


def test_the_cron_line_purges_the_configured_database(tmp_path, default_db_untouched):
    database = tmp_path / "data" / "secure_base.db"
    database.parent.mkdir()
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    session_id, participant_id = seed_expired_session(url, tmp_path / "seed")
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT count(*) FROM participant WHERE session_id = ?", (session_id,)).fetchone()[0] == 1
    conn.close()
    env_file = write_env_file(tmp_path, database)
    before = sqlite_files(tmp_path)

    done = run_cron_line(tmp_path, env_file)

    assert done.returncode == 0, (done.stdout, done.stderr[-3000:])
    assert "Purged 1 session(s)" in done.stdout, done.stdout
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("SELECT count(*) FROM participant WHERE session_id = ?", (session_id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM participant WHERE id = ?", (participant_id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM live_state WHERE session_id = ?", (session_id,)).fetchone()[0] == 0
        purged_at, title = conn.execute("SELECT purged_at, title FROM group_session WHERE id = ?",
                                        (session_id,)).fetchone()
        assert purged_at is not None and title == "Week 3"  # the title and date stay
    finally:
        conn.close()
    ours = {database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")}
    for path in ours & sqlite_files(tmp_path):
        assert CANARY.encode() not in path.read_bytes(), f"{path.name} still holds the participant's name"
    created = sqlite_files(tmp_path) - before - ours
    assert not created, f"other SQLite files were created: {created}"
    assert not list((tmp_path / "elsewhere").iterdir())


def test_without_the_database_it_refuses_in_one_line_and_creates_nothing(tmp_path, default_db_untouched):
    missing = tmp_path / "data" / "secure_base.db"
    env_file = write_env_file(tmp_path, missing)
    before = sqlite_files(tmp_path)

    done = run_cron_line(tmp_path, env_file)

    assert done.returncode != 0
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert lines == [f"purge: database file {missing} does not exist (is DATABASE_URL set? cron and systemd "
                     "must load /etc/secure-base/env)"], lines
    assert not missing.exists() and not missing.parent.exists()
    assert sqlite_files(tmp_path) == before


def test_an_unmigrated_database_is_refused_in_one_line(tmp_path, default_db_untouched):
    empty = tmp_path / "empty.db"
    empty.touch()
    done = run_cron_line(tmp_path, write_env_file(tmp_path, empty))
    assert done.returncode != 0
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"purge: database {empty} is not migrated"), lines
    assert "db upgrade" in lines[0]
    conn = sqlite3.connect(empty)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0  # no table was created
    conn.close()


# ---- the systemd units ---------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text())
    return parser


HARDENING = ("NoNewPrivileges", "PrivateTmp", "ProtectSystem", "ProtectHome", "ReadWritePaths")


def test_the_purge_timer_and_service_run_purge_with_the_app_settings():
    service, timer, app_unit = unit("secure-base-purge.service"), unit("secure-base-purge.timer"), \
        unit("secure-base@.service")
    s, app = service["Service"], app_unit["Service"]
    assert s["Type"] == "oneshot"
    assert s["EnvironmentFile"] == ENV_FILE == app["EnvironmentFile"]
    assert s["ExecStart"] == f"{CHECKOUT}/.venv/bin/flask --app wsgi purge"
    for key in ("User", "Group", "WorkingDirectory", *HARDENING):
        assert s[key] == app[key], key
    assert s["WorkingDirectory"] == CHECKOUT

    t = timer["Timer"]
    assert t["OnCalendar"] == "hourly" and t["Persistent"] == "true"
    assert t.get("Unit", "secure-base-purge.service") == "secure-base-purge.service"
    assert t["RandomizedDelaySec"]
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_app_unit_and_the_cron_line_use_the_shared_settings():
    app = unit("secure-base@.service")["Service"]
    assert app["ExecStart"].startswith(f"{CHECKOUT}/.venv/bin/gunicorn -c {CHECKOUT}/gunicorn.conf.py ")
    command = cron_command()
    assert command.startswith(f"cd {CHECKOUT} && ") and f". {ENV_FILE}" in command
    assert command.endswith(".venv/bin/flask --app wsgi purge")
    # Processes started from the same environment file leave the purge to the timer or cron.
    example = (DEPLOY / "secure-base.env.example").read_text().splitlines()
    assert "SB_PURGE_SCHEDULER=0" in example
