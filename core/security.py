"""Secrets and hashes: random tokens, join codes, password hashing (argon2), token hashing."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Join codes avoid characters people confuse when reading them off a projector: 0/O, 1/I/L, 5/S, 2/Z, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 7

_hasher = PasswordHasher()


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token (256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """Tokens are high-entropy, so a fast hash is enough; it keeps DB leaks from yielding credentials."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What people type: lower case, spaces and dashes are fine."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:16]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
