"""`flask --app wsgi doctor`: what an operator gets wrong, checked before serving (`make serve`).

Each check gives one line: ok, warn (works, but worth a look) or FAIL (do not serve like this).
Nothing here changes anything: a missing SQLite file is reported, not created.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core import links, migrate

FINGERPRINT_KEY = "sb:secret-fingerprint:"


@dataclass
class Finding:
    level: str  # "ok" | "warn" | "FAIL"
    topic: str
    message: str


def secret_fingerprint(secret_key: str) -> str:
    """A value that tells whether two processes share SECRET_KEY without revealing it."""
    return hmac.new(secret_key.encode(), b"secure-base process fingerprint", hashlib.sha256).hexdigest()[:16]


def check_database(url: str) -> list[Finding]:
    parsed = make_url(url)
    if parsed.drivername == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return [Finding("FAIL", "database", f"SQLite file {parsed.database} does not exist: "
                        "run `flask --app wsgi db upgrade` (or set DATABASE_URL)")]
    try:
        current = migrate.current(url)
    except SQLAlchemyError as exc:
        return [Finding("FAIL", "database", f"cannot connect ({type(exc).__name__}): check DATABASE_URL "
                        "and that the server is running")]
    head = migrate.head()
    if current is None:
        return [Finding("FAIL", "database", "reachable but never migrated: run `flask --app wsgi db upgrade`")]
    if current != head:
        return [Finding("FAIL", "database", f"schema at {current}, code expects {head}: "
                        "run `flask --app wsgi db upgrade`")]
    return [Finding("ok", "database", f"reachable ({parsed.get_backend_name()}), schema at {head}")]


def check_redis(config: dict, redis_client=None) -> list[Finding]:
    url = config["REDIS_URL"]
    if not url:
        if not config["SECRET_KEY_FROM_ENV"]:
            return [Finding("ok", "processes", "one process (no REDIS_URL); SECRET_KEY kept in instance/")]
        return [Finding("ok", "processes", "one process (no REDIS_URL)")]
    import redis

    client = redis_client or redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    findings = []
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return [Finding("FAIL", "redis", "REDIS_URL is set but Redis does not answer")]
    findings.append(Finding("ok", "redis", "reachable"))
    if not config["SECRET_KEY_FROM_ENV"]:
        findings.append(Finding("FAIL", "secret key", "several processes (REDIS_URL set) need one SECRET_KEY "
                                "in the environment of every process; this one generated its own"))
        return findings
    mine = secret_fingerprint(config["SECRET_KEY"])
    others = {client.get(k) for k in client.scan_iter(f"{FINGERPRINT_KEY}*")}
    others = {v.decode() if isinstance(v, bytes) else v for v in others if v}
    if others - {mine}:
        findings.append(Finding("FAIL", "secret key", "running processes use a different SECRET_KEY from this "
                                "environment: give every process the same one"))
    else:
        seen = f"; matches {len(others)} running process(es)" if others else ""
        findings.append(Finding("ok", "secret key", f"from the environment{seen}"))
    return findings


def check_proxy_and_tls(config: dict) -> list[Finding]:
    public = config["PUBLIC_URL"]
    findings = []
    if config["BEHIND_PROXY"] and not public:
        findings.append(Finding("FAIL", "public URL", "SB_BEHIND_PROXY=1 but SB_PUBLIC_URL is unset: join links "
                                "and QR codes need the public address, e.g. https://groups.example.org"))
    elif public:
        findings.append(Finding("ok", "public URL", public))
    else:
        where = f"the bind address {config['BIND']}" if config.get("BIND") else "a facilitator's first page load"
        findings.append(Finding("ok", "public URL", f"from {where} (SB_PUBLIC_URL fixes it)"))
    tls = bool(public and urlsplit(public).scheme == "https")
    if (tls or config["BEHIND_PROXY"]) and not config["SESSION_COOKIE_SECURE"]:
        findings.append(Finding("FAIL", "cookies", "served over TLS but SB_SECURE_COOKIES is off: set "
                                "SB_SECURE_COOKIES=1 so that cookies never travel unencrypted"))
    elif public and not tls and not links.is_local_only(public):
        findings.append(Finding("warn", "cookies", "SB_PUBLIC_URL is plain http: fine on a closed network, "
                                "use https (and SB_SECURE_COOKIES=1) anywhere else"))
    else:
        findings.append(Finding("ok", "cookies", "Secure" if config["SESSION_COOKIE_SECURE"] else "plain http"))
    return findings


def check_purge(config: dict, etc: Path = Path("/etc")) -> list[Finding]:
    if config["PURGE_SCHEDULER"]:
        return [Finding("ok", "purge", "hourly, inside the app process (SB_PURGE_SCHEDULER on)")]
    timer = etc / "systemd/system/timers.target.wants/secure-base-purge.timer"
    if timer.exists():
        return [Finding("ok", "purge", f"systemd timer {timer.name} enabled")]
    cron_dir = etc / "cron.d"
    for f in sorted(cron_dir.glob("*")) if cron_dir.is_dir() else []:
        try:
            if "wsgi purge" in f.read_text(errors="replace"):
                return [Finding("ok", "purge", f"cron ({f})")]
        except OSError:
            continue
    return [Finding("FAIL", "purge", "SB_PURGE_SCHEDULER=0 and no purge timer or cron line found: "
                    "enable deploy/secure-base-purge.timer (docs/DEPLOY.md), or data is never purged")]


def check_all(config: dict, etc: Path = Path("/etc")) -> list[Finding]:
    findings = [Finding("ok", "settings", "every variable has a usable value")]
    findings += check_database(config["DATABASE_URL"])
    findings += check_redis(config)
    if config["REDIS_URL"] and config["DATABASE_URL"].startswith("sqlite"):
        findings.append(Finding("warn", "database", "several processes (REDIS_URL set) on SQLite: "
                                "use PostgreSQL when processes run on more than one machine"))
    findings += check_proxy_and_tls(config)
    findings += check_purge(config, etc)
    return findings
