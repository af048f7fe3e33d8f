"""Browser sessions for the console and the public page: a signed cookie, CSRF tokens and a public rate limit.

The cookie (``fz_session``) is signed with ``settings.secret_key`` (itsdangerous), HttpOnly and SameSite=Lax. It holds
a CSRF token for every visitor (so public forms are protected too), and, after login, the user id and the time of the
last request. A login expires after ``settings.session_ttl_minutes`` without a request (sliding expiry); the cookie is
re-issued on every response.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from fanzha.config import get_settings
from fanzha.ratelimit import RateLimiter

COOKIE_NAME = "fz_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# The cookie itself (and so the CSRF token of an anonymous visitor) lives at most this long.
COOKIE_MAX_AGE_SECONDS = 12 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt="fanzha.web.session")


@dataclass
class WebSession:
    """The decoded session of one request. Change it, then ``save(response)``."""

    csrf: str
    user_id: int | None = None
    last_seen: float = 0.0
    expired: bool = False  # a login existed but timed out (shown as a message on the login page)
    flash: list[str] = field(default_factory=list)

    def login(self, user_id: int) -> None:
        self.user_id = user_id
        self.csrf = secrets.token_urlsafe(32)  # new token after a privilege change
        self.last_seen = time.time()
        self.expired = False

    def logout(self) -> None:
        self.user_id = None
        self.csrf = secrets.token_urlsafe(32)

    def save(self, response: Response, request: Request | None = None) -> Response:
        payload = {"c": self.csrf, "u": self.user_id, "t": time.time() if self.user_id else 0, "f": self.flash[-3:]}
        secure = bool(request is not None and request.url.scheme == "https")
        response.set_cookie(
            COOKIE_NAME,
            _serializer().dumps(payload),
            max_age=COOKIE_MAX_AGE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )
        return response


def load_session(request: Request) -> WebSession:
    """The session of this request (a fresh one when the cookie is missing, forged or too old)."""
    cached = getattr(request.state, "fz_session", None)
    if isinstance(cached, WebSession):
        return cached
    ws: WebSession | None = None
    raw = request.cookies.get(COOKIE_NAME)
    if raw:
        try:
            data = _serializer().loads(raw, max_age=COOKIE_MAX_AGE_SECONDS)
        except BadSignature:
            data = None
        if isinstance(data, dict) and isinstance(data.get("c"), str):
            uid = data.get("u")
            seen = float(data.get("t") or 0)
            flash = [str(x) for x in data.get("f") or []][:3]
            ws = WebSession(csrf=data["c"], flash=flash)
            if isinstance(uid, int):
                ttl = get_settings().session_ttl_minutes * 60
                if time.time() - seen <= ttl:
                    ws.user_id = uid
                    ws.last_seen = seen
                else:
                    ws.expired = True
    if ws is None:
        ws = WebSession(csrf=secrets.token_urlsafe(32))
    request.state.fz_session = ws
    return ws


def csrf_ok(ws: WebSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(ws.csrf, str(submitted))


public_limiter = RateLimiter()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
