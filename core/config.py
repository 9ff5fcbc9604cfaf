"""Configuration: one typed settings object, read from the environment once at start-up.

Every variable is parsed strictly. A value the app cannot use stops it with one line that names the
variable and the form it expects (`SettingsError`; wsgi.py prints it without a traceback), instead of
quietly falling back: `SB_SECURE_COOKIES=enabled` used to mean "off", `SB_ALLOWED_ORIGINS=*` used to
be accepted. The defaults suit a single practice on one machine.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}
MIN_SECRET_KEY = 32


class SettingsError(ValueError):
    """A bad environment value: the message is one line, naming the variable and the expected form."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SettingsError(f"{name}={raw!r} is not a yes/no value: use 1 or 0 (also true/false, yes/no, on/off)")


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number: use a number from {low} to {high}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={value} is out of range: use a number from {low} to {high}")
    return value


def _origin(name: str, raw: str, *, path_allowed: bool) -> str:
    """An http(s) origin (or, for the public URL, an origin with a path), without a trailing slash."""
    form = "https://host[:port]" + ("[/path]" if path_allowed else "")
    if raw.strip() == "*":
        raise SettingsError(f"{name}='*' would let any web site open sockets as your users: list origins as {form}")
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(f"{name}={raw!r} is not a web address: use {form}")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} has a bad port: use {form}") from None
    if parts.query or parts.fragment or (parts.path.strip("/") and not path_allowed):
        raise SettingsError(f"{name}={raw!r} has more than an origin: use {form}")
    return raw.strip().rstrip("/")


def _database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    form = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(f"DATABASE_URL is not a database URL: use {form}") from None
    if url.drivername in {"postgres", "postgresql", "postgresql+psycopg2"}:
        raise SettingsError(f"DATABASE_URL starts with {url.drivername}://, which this app cannot use: "
                            "write postgresql+psycopg://USER:PASSWORD@HOST/DB")
    if url.drivername not in {"sqlite", "postgresql+psycopg"}:
        raise SettingsError(f"DATABASE_URL uses {url.drivername}://, which this app does not support: use {form}")
    return raw


def _redis_url(raw: str) -> str | None:
    if not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise SettingsError(f"REDIS_URL={parts.scheme or raw!r}:// is not a Redis URL: use redis://HOST:PORT/DB")
    return raw.strip()


def _bind(raw: str) -> tuple[str, int]:
    form = "HOST:PORT, e.g. 127.0.0.1:5000 or 0.0.0.0:5000"
    host, sep, port = raw.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"SB_BIND={raw!r} is not an address: use {form}")
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise SettingsError(f"SB_BIND={raw!r} is not an address: use {form}") from None
    return host, int(port)


def _secret_key(env: Mapping[str, str], instance: Path) -> tuple[str, bool]:
    """SECRET_KEY from the environment, else one generated once into instance/ (never in code).
    Returns (key, from_environment)."""
    raw = env.get("SECRET_KEY")
    if raw:
        if len(raw) < MIN_SECRET_KEY:
            raise SettingsError(f"SECRET_KEY is {len(raw)} characters: use at least {MIN_SECRET_KEY} random "
                                "characters, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
        return raw, True
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip(), False


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    secret_key: str
    secret_key_from_env: bool
    database_url: str
    redis_url: str | None
    async_mode: str
    allowed_origins: tuple[str, ...]
    public_url: str | None
    bind_host: str | None
    bind_port: int | None
    behind_proxy: bool
    secure_cookies: bool
    idle_timeout_minutes: int
    audit_retention_days: int
    purge_scheduler: bool
    pdf_workers: int
    pdf_queue: int
    pdf_timeout_seconds: int
    pdf_cache_mb: int
    pdf_cache_seconds: int
    pdf_renders_per_minute: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("SB_INSTANCE_DIR") or ROOT / "instance")
        async_mode = env.get("SB_ASYNC_MODE", "gevent").strip() or "gevent"
        if async_mode not in {"gevent", "threading"}:
            raise SettingsError(f"SB_ASYNC_MODE={async_mode!r} is not supported: use gevent (serving) or threading (tests)")
        origins = tuple(_origin("SB_ALLOWED_ORIGINS", o, path_allowed=False)
                        for o in env.get("SB_ALLOWED_ORIGINS", "").split(",") if o.strip())
        public = env.get("SB_PUBLIC_URL", "").strip()
        # The address the server listens on: gunicorn.conf.py exports it from its final bind (so a
        # --bind on the command line counts too); unset when the app runs some other way.
        host, port = _bind(env["SB_BIND"]) if env.get("SB_BIND", "").strip() else (None, None)
        key, key_from_env = _secret_key(env, instance)
        return cls(
            instance_dir=instance,
            secret_key=key,
            secret_key_from_env=key_from_env,
            database_url=_database_url(env.get("DATABASE_URL") or f"sqlite:///{instance / 'secure_base.db'}"),
            redis_url=_redis_url(env.get("REDIS_URL", "")),
            async_mode=async_mode,
            allowed_origins=origins,
            public_url=_origin("SB_PUBLIC_URL", public, path_allowed=True) if public else None,
            bind_host=host,
            bind_port=port,
            behind_proxy=_bool(env, "SB_BEHIND_PROXY", False),
            secure_cookies=_bool(env, "SB_SECURE_COOKIES", False),
            idle_timeout_minutes=_int(env, "SB_IDLE_TIMEOUT_MINUTES", 45, 1, 24 * 60),
            audit_retention_days=_int(env, "SB_AUDIT_RETENTION_DAYS", 365, 1, 3650),
            purge_scheduler=_bool(env, "SB_PURGE_SCHEDULER", True),
            # Handout PDFs render in worker processes (docs/HANDOUTS.md); 0 renders in the serving
            # process, blocking every live session while it runs (for the benchmark's baseline only).
            pdf_workers=_int(env, "SB_PDF_WORKERS", 2, 0, 16),
            pdf_queue=_int(env, "SB_PDF_QUEUE", 8, 0, 200),
            pdf_timeout_seconds=_int(env, "SB_PDF_TIMEOUT_SECONDS", 60, 5, 600),
            pdf_cache_mb=_int(env, "SB_PDF_CACHE_MB", 32, 0, 1024),
            pdf_cache_seconds=_int(env, "SB_PDF_CACHE_SECONDS", 300, 0, 3600),
            pdf_renders_per_minute=_int(env, "SB_PDF_RENDERS_PER_MINUTE", 12, 1, 600),
        )

    def flask_config(self) -> dict:
        return {
            "SETTINGS": self,
            "SECRET_KEY": self.secret_key,
            "SECRET_KEY_FROM_ENV": self.secret_key_from_env,
            "INSTANCE_DIR": str(self.instance_dir),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "ASYNC_MODE": self.async_mode,
            # None means same-origin only (Engine.IO's default); never "*".
            "ALLOWED_ORIGINS": list(self.allowed_origins) or None,
            "PUBLIC_URL": self.public_url,
            "BIND": f"{self.bind_host}:{self.bind_port}" if self.bind_port else None,
            "BEHIND_PROXY": self.behind_proxy,
            "SESSION_COOKIE_NAME": "sb_session",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "PARTICIPANT_COOKIE_SECURE": self.secure_cookies,
            "IDLE_TIMEOUT_MINUTES": self.idle_timeout_minutes,
            "SETUP_LINK_MINUTES": 60,
            "INVITE_LINK_HOURS": 72,
            "MAX_CONTENT_LENGTH": 512 * 1024,
            "WTF_CSRF_TIME_LIMIT": None,  # tied to the login session instead; idle timeout ends it
            "AUDIT_RETENTION_DAYS": self.audit_retention_days,
            "PURGE_SCHEDULER": self.purge_scheduler,
            "PDF_WORKERS": self.pdf_workers,
            "PDF_QUEUE": self.pdf_queue,
            "PDF_TIMEOUT_SECONDS": self.pdf_timeout_seconds,
            "PDF_CACHE_BYTES": self.pdf_cache_mb * 1024 * 1024,
            "PDF_CACHE_SECONDS": self.pdf_cache_seconds,
            "PDF_RENDERS_PER_MINUTE": self.pdf_renders_per_minute,
            "TESTING": False,
        }


def from_environment() -> dict:
    return Settings.from_env().flask_config()
