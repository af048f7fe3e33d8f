"""FastAPI dependencies: database session, current user, role checks, pagination; file downloads.

Which database: ``get_db_url`` returns ``app.state.database_url`` when set, else ``settings.database_url``
(``FANZHA_DATABASE_URL``). Tests point an app at their database with ``app.state.database_url = db_url`` (see the
``api_app`` fixture in tests/db_fixtures.py) or ``app.dependency_overrides[get_db_url] = lambda: db_url``.

Sessions: ``SessionDep`` is closed (rolled back if uncommitted) after the request; routes commit explicitly.
Auth: ``Authorization: Bearer <token>`` (tokens from ``POST /api/v1/auth/token``). Every non-public route depends on
``require_roles(...)``; admin passes every role check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, HTTPException, Query, Request, Response, status
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from fanzha.api.security import Role, user_for_token
from fanzha.config import get_settings
from fanzha.db.models import User
from fanzha.db.session import SessionLocal
from fanzha.ratelimit import RateLimiter

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_db_url(request: Request) -> str:
    url = getattr(request.app.state, "database_url", None)
    return str(url) if url else get_settings().database_url


def get_session(db_url: Annotated[str, Depends(get_db_url)]) -> Iterator[Session]:
    session = SessionLocal(db_url)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def _unauthorized(msg: str = "not authenticated") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=msg, headers={"WWW-Authenticate": "Bearer"})


def get_optional_user(session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> User | None:
    if not token:
        return None
    return user_for_token(session, token)


def get_current_user(user: Annotated[User | None, Depends(get_optional_user)]) -> User:
    if user is None:
        raise _unauthorized("missing, invalid, expired or revoked token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
OptionalUser = Annotated[User | None, Depends(get_optional_user)]

anonymous_api_limiter = RateLimiter()


def anonymous_limits(request: Request, user: OptionalUser) -> int | None:
    """For the public, stateless checks: anonymous callers are rate-limited per client IP (429 with Retry-After)
    and get a smaller batch cap, which this returns; callers with a valid token get None (the route's own cap)."""
    if user is not None:
        return None
    settings = get_settings()
    key = request.client.host if request.client else "unknown"
    if not anonymous_api_limiter.hit(key, settings.public_api_rate_limit_per_minute):
        retry = anonymous_api_limiter.retry_after(key)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"too many anonymous requests: retry in {retry} s, or authenticate with a token",
            headers={"Retry-After": str(retry)},
        )
    return settings.public_api_max_batch


AnonymousBatchCap = Annotated[int | None, Depends(anonymous_limits)]


def require_roles(*roles: str | Role) -> Callable[..., User]:
    """A dependency that returns the current user if their role is one of ``roles`` (admin always passes).

    No roles given means "any signed-in user". 401 without a valid token, 403 with the wrong role.
    """
    allowed = {str(r) for r in roles}

    def _check(user: CurrentUser) -> User:
        if allowed and user.role not in allowed and user.role != Role.ADMIN:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"role {user.role!r} may not do this")
        return user

    _check.__name__ = "require_" + ("_".join(sorted(allowed)) or "any")
    return _check


class PageParams(BaseModel):
    offset: int
    limit: int


def page_params(
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> PageParams:
    return PageParams(offset=offset, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results: ``data`` plus the total ``count`` matching the query."""

    data: list[T]
    count: int


CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def attachment(content: str, filename: str, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """A download: ``content`` served as the file ``filename`` (Content-Disposition: attachment), plus ``headers``."""
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **(headers or {})},
    )
