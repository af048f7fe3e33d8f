"""Authentication: ``POST /api/v1/auth/token`` (form or JSON username/password → bearer token), who am I, revoke."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel
from sqlalchemy import func, literal, select

from fanzha.api.deps import CurrentUser, SessionDep, oauth2_scheme, require_roles
from fanzha.api.security import authenticate, issue_token, revoke_token
from fanzha.cases.audit import audit
from fanzha.config import get_settings
from fanzha.db.base import UTCDateTime, utcnow
from fanzha.db.models import AuditLog

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

# Routes that need no token (checked by the "every route refuses anonymous callers" test).
PUBLIC_PATHS = frozenset({"/api/v1/auth/token"})


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    username: str
    role: str


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str


async def _credentials(request: Request) -> tuple[str, str]:
    ctype = request.headers.get("content-type", "")
    try:
        if "application/json" in ctype:
            body = json.loads(await request.body() or b"{}")
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            username, password = body.get("username"), body.get("password")
        else:
            form = await request.form()
            username, password = form.get("username"), form.get("password")
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"malformed credentials: {exc}") from exc
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="username and password are required")
    if len(username) > 64 or len(password) > 1024:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="username or password too long")
    return username, password


# Brute-force brake: this many failed logins for one username within the window → 429 until it passes.
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def _recent_failures(session: SessionDep, username: str) -> int:
    since = literal(utcnow() - FAILED_LOGIN_WINDOW, UTCDateTime())
    stmt = select(func.count()).where(
        AuditLog.action == "login_failed", AuditLog.username == username, AuditLog.at >= since
    )
    return int(session.scalar(stmt) or 0)


@router.post("/token", response_model=TokenOut, summary="Log in: username + password (form or JSON) → token")
async def token(request: Request, session: SessionDep) -> TokenOut:
    username, password = await _credentials(request)
    if _recent_failures(session, username[:64]) >= MAX_FAILED_LOGINS:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many failed logins for this user; try again in 15 minutes",
            headers={"Retry-After": str(int(FAILED_LOGIN_WINDOW.total_seconds()))},
        )
    user = authenticate(session, username, password)
    if user is None:
        audit(session, actor=None, username=username[:64], action="login_failed", entity="user", entity_id=None)
        session.commit()
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="wrong username or password", headers={"WWW-Authenticate": "Bearer"}
        )
    tok = issue_token(session, user)
    audit(session, actor=user, action="login", entity="user", entity_id=user.id, detail="api token issued")
    session.commit()
    expires = utcnow() + timedelta(minutes=get_settings().token_ttl_minutes)
    return TokenOut(access_token=tok, expires_at=expires, username=user.username, role=user.role)


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(user: CurrentUser) -> UserOut:
    return UserOut(id=user.id, username=user.username, display_name=user.display_name, role=user.role)


@router.post("/revoke", status_code=204, summary="Revoke the token used for this request")
async def revoke(request: Request, session: SessionDep, user: CurrentUser) -> None:
    require_roles()(user)
    tok = await oauth2_scheme(request)
    if tok:
        revoke_token(session, tok)
        session.commit()
