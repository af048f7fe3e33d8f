"""Shared plumbing of the web pages: templates, the DB session, the logged-in user, roles, CSRF, errors."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from fanzha.web.sessions import CSRF_FIELD, CSRF_HEADER, WebSession, csrf_ok, load_session

log = logging.getLogger("fanzha.web")

LOCAL_TZ = timezone(timedelta(hours=8), "CST")  # China Standard Time; no DST

WEB_DIR = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

ROLE_LABELS = {
    "desk_officer": "接警民警",
    "warning_officer": "预警劝阻民警",
    "bank_teller": "银行网点",
    "analyst": "研判分析",
    "admin": "管理员",
}

# Which roles may open which console page (admin: all).
PAGE_ROLES: dict[str, frozenset[str]] = {
    "dashboard": frozenset({"analyst", "admin"}),
    "intake": frozenset({"desk_officer", "admin"}),
    "cases": frozenset({"desk_officer", "admin"}),
    "indicators": frozenset({"desk_officer", "bank_teller", "admin"}),
    "warnings": frozenset({"warning_officer", "admin"}),
}
# Bank tellers may check an indicator but not see the cases behind it.
CASE_READERS = PAGE_ROLES["cases"]

NAV = (
    ("dashboard", "/console", "态势"),
    ("intake", "/console/intake", "案情录入"),
    ("cases", "/console/cases", "案件"),
    ("warnings", "/console/warnings", "预警劝阻"),
    ("indicators", "/console/indicators", "涉诈要素查询"),
)
HOME_ORDER = ("dashboard", "cases", "warnings", "indicators", "intake")

STATUS_LABELS = {"open": "待处理", "investigating": "侦查中", "solved": "已破案", "closed": "已结案"}
WARNING_STATUS_LABELS = {"new": "待处置", "in_progress": "处置中", "closed": "已办结"}
OUTCOME_LABELS = {
    "reached": "已劝阻（已联系到本人）",
    "fraud_confirmed": "确认被骗",
    "not_fraud": "非诈骗",
    "unreachable": "无法联系",
    "money_sent": "已转账",
}
ACTION_LABELS = {"sms": "已发短信", "call": "已电话劝阻", "visit": "已上门劝阻", "note": "备注"}
SOURCE_LABELS = {
    "screening": "研判预警",
    "bank": "银行网点",
    "citizen_report": "群众举报",
    "import": "批量导入",
    "manual": "人工录入",
}
KIND_LABELS = {
    "url": "网址",
    "domain": "域名",
    "ip": "IP 地址",
    "phone": "电话号码",
    "qq": "QQ 号",
    "wechat": "微信号",
    "alipay": "支付宝账号",
    "bank_card": "银行卡号",
    "app": "App",
    "amount": "金额",
}

INDICATOR_ROLE_LABELS = {
    "fraudster_phone": "诈骗电话",
    "fraudster_qq": "诈骗 QQ",
    "fraudster_wechat": "诈骗微信",
    "payee_account": "收款账户",
    "url": "诈骗网址",
    "domain": "诈骗域名",
    "ip": "IP",
    "app": "诈骗 App",
}
INDICATOR_STATUS_LABELS = {"confirmed": "已确认涉诈", "suspected": "疑似", "allowlisted": "白名单（官方）"}


# Everything comes from this server: no CDN, no inline script (chart data is JSON in <script type=application/json>).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class NotReady(Exception):
    """A library function this page needs has not landed yet."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def need(module: str, *names: str) -> ModuleType:
    """Import a capability module lazily (and check it has ``names``); a missing one becomes a clear 503 page
    instead of a broken app."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise NotReady(module) from exc
        raise
    for name in names:
        if not hasattr(mod, name):
            raise NotReady(f"{module}.{name}")
    return mod


def clean(value: str) -> str:
    """Drop NUL and other C0 controls except tab / newline / carriage return (PostgreSQL refuses NUL in text)."""
    if not any(ord(ch) < 32 for ch in value):
        return value
    return "".join(ch for ch in value if ord(ch) >= 32 or ch in "\t\n\r")


def query(request: Request, name: str, max_chars: int = 512) -> str:
    """A query parameter, cleaned and trimmed ('' when absent)."""
    return clean(request.query_params.get(name) or "").strip()[:max_chars]


def database_url(request: Request) -> str | None:
    """The app may pin a DB URL in ``app.state.database_url``; otherwise the configured one is used."""
    url = getattr(request.app.state, "database_url", None)
    return url if isinstance(url, str) else None


def db_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one Session per request (rolled back on error; handlers commit what they write)."""
    from fanzha.db.session import SessionLocal

    s = SessionLocal(database_url(request))
    try:
        yield s
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


def current_user(request: Request, session: Session) -> Any | None:
    """The logged-in, active user of this request, or None."""
    from fanzha.db.models import User

    ws = load_session(request)
    if ws.user_id is None:
        return None
    user = session.get(User, ws.user_id)
    if user is None or not user.active:
        ws.logout()
        return None
    return user


def allowed(user: Any | None, page: str) -> bool:
    return user is not None and (user.role == "admin" or user.role in PAGE_ROLES.get(page, frozenset()))


def home_for(user: Any) -> str:
    for page in HOME_ORDER:
        if allowed(user, page):
            return next(href for key, href, _ in NAV if key == page)
    return "/console/denied"


def yuan(fen: int | None) -> str:
    """12345 fen -> '123.45'; thousands separated."""
    if fen is None:
        return "—"
    return f"{Decimal(int(fen)) / 100:,.2f}"


def parse_yuan(s: str | None) -> Decimal | None:
    s = (s or "").strip().replace(",", "").replace("，", "").replace("元", "")
    if not s:
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def fmt_dt(dt: datetime | None, with_time: bool = True) -> str:
    if dt is None:
        return "—"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    local = dt.astimezone(_local_tz())
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def iso(dt: datetime | None) -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


def _local_tz() -> timezone:
    return LOCAL_TZ


templates.env.filters["yuan"] = yuan
templates.env.filters["dt"] = fmt_dt
templates.env.filters["date"] = lambda d: fmt_dt(d, with_time=False)
templates.env.filters["iso"] = iso
templates.env.filters["urlq"] = lambda s: quote(str(s), safe="")
templates.env.globals.update(
    ROLE_LABELS=ROLE_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    WARNING_STATUS_LABELS=WARNING_STATUS_LABELS,
    OUTCOME_LABELS=OUTCOME_LABELS,
    ACTION_LABELS=ACTION_LABELS,
    SOURCE_LABELS=SOURCE_LABELS,
    KIND_LABELS=KIND_LABELS,
    INDICATOR_ROLE_LABELS=INDICATOR_ROLE_LABELS,
    INDICATOR_STATUS_LABELS=INDICATOR_STATUS_LABELS,
    CSRF_FIELD=CSRF_FIELD,
)


def render(
    request: Request,
    name: str,
    ctx: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user: Any | None = None,
    page: str | None = None,
) -> HTMLResponse:
    ws = load_session(request)
    flash = list(ws.flash)
    ws.flash.clear()
    nav = [(key, href, label) for key, href, label in NAV if allowed(user, key)] if user is not None else []
    context: dict[str, Any] = {
        "user": user,
        "nav": nav,
        "page": page,
        "csrf_token": ws.csrf,
        "flash": flash,
    }
    context.update(ctx or {})
    resp = templates.TemplateResponse(request, name, context, status_code=status_code)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["Content-Security-Policy"] = CSP
    ws.save(resp, request)
    return resp


def redirect(request: Request, url: str, *, flash: str | None = None) -> RedirectResponse:
    ws = load_session(request)
    if flash:
        ws.flash.append(flash)
    resp = RedirectResponse(url, status_code=303)
    ws.save(resp, request)
    return resp


def error_page(request: Request, status_code: int, title: str, message: str, user: Any | None = None) -> HTMLResponse:
    return render(request, "error.html", {"title": title, "message": message}, status_code=status_code, user=user)


async def check_csrf(request: Request) -> tuple[WebSession, dict[str, Any]] | HTMLResponse:
    """Read the posted form and check its CSRF token (or the X-CSRF-Token header): (session, form) or a 403 page."""
    ws = load_session(request)
    from fanzha.config import get_settings

    limit = get_settings().max_text_chars * 4 * 3 + 65536  # UTF-8 CJK, %-encoded, plus the other fields
    try:
        declared = int(request.headers.get("content-length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return error_page(request, 413, "内容太长", "提交的内容太长了，请只粘贴需要的部分。")
    try:
        form = await request.form()
    except Exception:  # malformed body
        return error_page(request, 400, "请求无效", "提交的内容无法读取，请返回重试。")
    submitted = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_ok(ws, submitted if isinstance(submitted, str) else None):
        return error_page(request, 403, "页面已过期", "安全校验未通过（页面可能已过期）。请返回上一页刷新后重新提交。")
    data: dict[str, Any] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            data.setdefault(key, clean(value))
    return ws, data


def login_redirect(request: Request) -> Response:
    ws = load_session(request)
    target = request.url.path + (("?" + request.url.query) if request.url.query else "")
    if ws.expired:
        ws.flash.append("登录已超时，请重新登录。")
    return redirect(request, "/console/login?next=" + quote(target, safe=""))


def rate_limited(request: Request) -> Response | None:
    """None when this client may go on; else the 429 page (settings.public_rate_limit_per_minute per client IP)."""
    from fanzha.config import get_settings
    from fanzha.web.sessions import client_ip, public_limiter

    limit = get_settings().public_rate_limit_per_minute
    key = client_ip(request)
    if public_limiter.hit(key, limit):
        return None
    retry = public_limiter.retry_after(key)
    resp = error_page(request, 429, "操作太频繁", f"你提交得太快了，请 {retry} 秒后再试。紧急情况请直接拨打 110。")
    resp.headers["Retry-After"] = str(retry)
    return resp


async def throttled_form(request: Request) -> tuple[WebSession, dict[str, Any]] | Response:
    """A form posted without a login (public forms, the login form): the rate limit first, then the CSRF-checked form.
    (session, form), or the 429 / 413 / 400 / 403 page to return."""
    limited = rate_limited(request)
    if limited is not None:
        return limited
    return await check_csrf(request)
