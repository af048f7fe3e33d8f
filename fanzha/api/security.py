"""Passwords, API tokens and roles.

Passwords: scrypt (hashlib, no extra dependency), format ``scrypt$n$r$p$salt_b64$hash_b64``; PBKDF2-SHA256 hashes
(``pbkdf2_sha256$iterations$salt$hash``) are verified too. API tokens: 32 random bytes (``secrets``), only their
SHA-256 is stored; they expire (settings.token_ttl_minutes) and can be revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fanzha.config import get_settings
from fanzha.db.base import utcnow
from fanzha.db.models import ApiToken, User


class Role(StrEnum):
    DESK_OFFICER = "desk_officer"
    WARNING_OFFICER = "warning_officer"
    BANK_TELLER = "bank_teller"
    ANALYST = "analyst"
    ADMIN = "admin"


ALL_ROLES: tuple[Role, ...] = tuple(Role)

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
MAX_PASSWORD_CHARS = 1024


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def hash_password(pw: str) -> str:
    if not pw:
        raise ValueError("password must not be empty")
    if len(pw) > MAX_PASSWORD_CHARS:
        raise ValueError("password too long")
    salt = secrets.token_bytes(16)
    dk = hashlib.scrypt(pw.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(dk)}"


def verify_password(pw: str, stored: str) -> bool:
    """Constant-time check of ``pw`` against a stored hash; malformed hashes simply fail."""
    if not pw or len(pw) > MAX_PASSWORD_CHARS or not stored:
        return False
    try:
        parts = stored.split("$")
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
            dk = hashlib.scrypt(pw.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected))
        elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            iterations = int(parts[1])
            salt, expected = base64.b64decode(parts[2]), base64.b64decode(parts[3])
            dk = hashlib.pbkdf2_hmac("sha256", pw.encode("utf-8"), salt, iterations, dklen=len(expected))
        else:
            return False
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(dk, expected)


# Compared against when the user does not exist, so that timing does not reveal valid usernames.
_DUMMY_HASH = hash_password("dummy-password-for-timing")


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username)) if username else None
    if user is None or not user.active:
        verify_password(password, _DUMMY_HASH)
        return None
    return user if verify_password(password, user.password_hash) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, *, ttl_minutes: int | None = None) -> str:
    """A new random bearer token for ``user`` (only its hash is stored; the caller commits)."""
    token = secrets.token_urlsafe(32)
    ttl = ttl_minutes if ttl_minutes is not None else get_settings().token_ttl_minutes
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + timedelta(minutes=ttl)))
    session.flush()
    return token


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user behind a valid (known, unexpired, unrevoked) token, else None."""
    if not token or len(token) > 256:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked or row.expires_at <= (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user


def revoke_token(session: Session, token: str) -> bool:
    res = session.execute(update(ApiToken).where(ApiToken.token_hash == _token_hash(token)).values(revoked=True))
    return bool(getattr(res, "rowcount", 0))


def revoke_user_tokens(session: Session, user_id: int) -> int:
    res = session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True))
    return int(getattr(res, "rowcount", 0))
