"""Sign-in limits that slow password guessing without locking the real person out.

A browser that has signed in to an account before carries a *device cookie* for it (signed, random,
one per sign-in, 180 days). Attempts are counted per key:
- from a known device: only that device's own failures count (the owner behind a busy shared address,
  or while someone else is guessing at their account, still gets in);
- from anywhere else: failures per account (across all addresses), per address (across all accounts:
  password spraying), and per address and account.
Failures are counted in the database (every process sees them); successes are never counted.
This is OWASP's "device cookie" scheme for slowing online guessing.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from core import ratelimit
from core.security import new_token

COOKIE = "sb_device"
COOKIE_DAYS = 180
DEVICE_LIMIT = (8, timedelta(minutes=10))  # failures of one known device
ACCOUNT_LIMIT = (10, timedelta(minutes=15))  # failures for one account from unknown devices, all addresses
ADDRESS_LIMIT = (30, timedelta(minutes=10))  # failures from one address, all accounts
ADDRESS_ACCOUNT_LIMIT = (6, timedelta(minutes=10))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="sb-device-cookie")


def _device_of(account_id: int | None) -> str | None:
    """The nonce of this browser's device cookie, if it was issued for this account."""
    raw = request.cookies.get(COOKIE)
    if account_id is None or not raw or len(raw) > 200:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if isinstance(data, dict) and data.get("f") == account_id and isinstance(data.get("n"), str):
        return data["n"]
    return None


def _keys(email: str, account_id: int | None) -> dict[str, tuple[int, timedelta]]:
    device = _device_of(account_id)
    if device is not None:
        return {f"login:device:{device}": DEVICE_LIMIT}
    address = request.remote_addr or "unknown"
    return {f"login:account:{email}": ACCOUNT_LIMIT, f"login:address:{address}": ADDRESS_LIMIT,
            f"login:{address}:{email}": ADDRESS_ACCOUNT_LIMIT}


def blocked(email: str, account_id: int | None) -> bool:
    return any(ratelimit.blocked(key, *limit) for key, limit in _keys(email, account_id).items())


def failed(email: str, account_id: int | None) -> None:
    for key in _keys(email, account_id):
        ratelimit.failed(key)


def remember_device(response, account_id: int) -> None:
    """After a successful sign-in: this browser is now a known device for the account."""
    value = _serializer().dumps({"f": account_id, "n": new_token(12)})
    response.set_cookie(COOKIE, value, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config["PARTICIPANT_COOKIE_SECURE"], path="/login")
