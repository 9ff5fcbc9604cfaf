"""Configuration from environment variables, with safe defaults for a single practice."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/ (never in code)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment() -> dict:
    instance = Path(os.environ.get("SB_INSTANCE_DIR", ROOT / "instance"))
    origins = [o.strip() for o in os.environ.get("SB_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    secure = _bool("SB_SECURE_COOKIES", False)
    return {
        "SECRET_KEY": _secret_key(instance),
        "INSTANCE_DIR": str(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'secure_base.db'}"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "ASYNC_MODE": os.environ.get("SB_ASYNC_MODE", "gevent"),
        # None means same-origin only (Engine.IO's default); never "*".
        "ALLOWED_ORIGINS": origins or None,
        "PUBLIC_URL": os.environ.get("SB_PUBLIC_URL", "").rstrip("/") or None,
        "BEHIND_PROXY": _bool("SB_BEHIND_PROXY", False),
        "SESSION_COOKIE_NAME": "sb_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "PARTICIPANT_COOKIE_SECURE": secure,
        "IDLE_TIMEOUT_MINUTES": int(os.environ.get("SB_IDLE_TIMEOUT_MINUTES", "45")),
        "SETUP_LINK_MINUTES": 60,
        "INVITE_LINK_HOURS": 72,
        "MAX_CONTENT_LENGTH": 512 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the login session instead; idle timeout ends it
        "AUDIT_RETENTION_DAYS": int(os.environ.get("SB_AUDIT_RETENTION_DAYS", "365")),
        "PURGE_SCHEDULER": _bool("SB_PURGE_SCHEDULER", True),
        "TESTING": False,
    }
