"""The officers' console under /console: login, dashboard, intake, cases, warning queue, indicator lookup.

Every page checks the login and the role (``common.PAGE_ROLES``); every case read or write goes through
``fanzha.cases.crud`` (which audits), every lead through ``fanzha.cases.warnings``; nothing is re-implemented here.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from fanzha.web.common import (
    NotReady,
    allowed,
    check_csrf,
    current_user,
    db_session,
    error_page,
    home_for,
    login_redirect,
    redirect,
    render,
)
from fanzha.web.sessions import load_session

log = logging.getLogger("fanzha.web")

router = APIRouter(prefix="/console", include_in_schema=False)

SessionDep = Depends(db_session)


def _gate(request: Request, session: Session, page: str) -> tuple[Any, Response | None]:
    """(user, None) when the user may open ``page``; else (user or None, the response to return)."""
    user = current_user(request, session)
    if user is None:
        return None, login_redirect(request)
    if not allowed(user, page):
        return user, error_page(request, 403, "无权访问", "你的账号没有这个页面的权限。如需开通，请联系管理员。", user)
    return user, None


def not_ready(request: Request, user: Any, exc: NotReady) -> Response:
    log.warning("console page unavailable: %s not installed", exc.what)
    return error_page(request, 503, "功能尚未就绪", f"这个页面需要的模块（{exc.what}）尚未安装。", user)


def _safe_next(target: str | None) -> str | None:
    """Only local console paths are allowed as a post-login target (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/console") or target.startswith("//"):
        return None
    return target


# ---------------------------------------------------------------- login / logout


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: Session = SessionDep) -> Response:
    user = current_user(request, session)
    if user is not None:
        return redirect(request, home_for(user))
    return render(request, "console/login.html", {"next": request.query_params.get("next", "")}, page="login")


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request, session: Session = SessionDep) -> Response:
    got = await check_csrf(request)
    if isinstance(got, Response):
        return got
    ws, form = got
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:1024]
    nxt = _safe_next(str(form.get("next") or ""))
    from fanzha.api.security import authenticate

    user = authenticate(session, username, password) if username and password else None
    _audit_login(session, user, username)
    session.commit()
    if user is None:
        return render(
            request,
            "console/login.html",
            {"error": "用户名或密码不正确。", "username": username, "next": nxt or ""},
            status_code=401,
            page="login",
        )
    ws.login(user.id)
    return redirect(request, nxt or home_for(user))


def _audit_login(session: Session, user: Any | None, username: str) -> None:
    try:
        from fanzha.cases.audit import audit
    except ModuleNotFoundError:  # audit module not landed yet
        return
    if user is not None:
        audit(session, actor=user, action="login", entity="user", entity_id=user.id, detail="console")
    else:
        audit(session, actor=None, action="login_failed", entity="user", entity_id=None, detail="console",
              username=username or None)


@router.post("/logout")
async def logout(request: Request) -> Response:
    got = await check_csrf(request)
    if isinstance(got, Response):
        return got
    ws, _ = got
    ws.logout()
    return redirect(request, "/console/login", flash="已退出登录。")


@router.get("/denied", response_class=HTMLResponse)
def denied(request: Request, session: Session = SessionDep) -> Response:
    user = current_user(request, session)
    if user is None:
        return login_redirect(request)
    return error_page(request, 403, "无权访问", "你的账号没有可用的工作台页面。如需开通，请联系管理员。", user)


# ---------------------------------------------------------------- helpers for the pages below


def _ws_flash(request: Request, msg: str) -> None:
    load_session(request).flash.append(msg)
