"""The officers' console under /console: login, dashboard, intake, cases, warning queue, indicator lookup.

Every page checks the login and the role (``common.PAGE_ROLES``); every case read or write goes through
``fanzha.cases.crud`` (which audits), every lead through ``fanzha.cases.warnings``; nothing is re-implemented here.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from fanzha.domain import Typology
from fanzha.web.common import (
    ACTION_LABELS,
    KIND_LABELS,
    LOCAL_TZ,
    OUTCOME_LABELS,
    STATUS_LABELS,
    NotReady,
    allowed,
    check_csrf,
    current_user,
    db_session,
    error_page,
    home_for,
    login_redirect,
    need,
    parse_yuan,
    query,
    redirect,
    render,
    throttled_form,
    yuan,
)

log = logging.getLogger("fanzha.web")

router = APIRouter(prefix="/console", include_in_schema=False)

SessionDep = Depends(db_session)
PAGE_SIZE = 50
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database; larger path ids simply do not exist
TYPOLOGIES = [t.value for t in Typology]


def _gate(request: Request, session: Session, page: str) -> tuple[Any, Response | None]:
    """(user, None) when the user may open ``page``; else (user or None, the response to return)."""
    user = current_user(request, session)
    if user is None:
        return None, login_redirect(request)
    if not allowed(user, page):
        return user, error_page(request, 403, "无权访问", "你的账号没有这个页面的权限。如需开通，请联系管理员。", user)
    return user, None


async def _gate_post(request: Request, session: Session, page: str) -> tuple[Any, dict[str, Any]] | Response:
    """A form posted to ``page``: (user, CSRF-checked form) when the user may open it; else the response to return."""
    user, denied_resp = _gate(request, session, page)
    if denied_resp is not None:
        return denied_resp
    got = await check_csrf(request)
    if isinstance(got, Response):
        return got
    return user, got[1]


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
    got = await throttled_form(request)  # password guessing is throttled like the public forms
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
        audit(
            session,
            actor=None,
            action="login_failed",
            entity="user",
            entity_id=None,
            detail="console",
            username=username or None,
        )


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


# ---------------------------------------------------------------- dashboard (analyst, admin)


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: Session = SessionDep) -> Response:
    user = current_user(request, session)
    if user is None:
        return login_redirect(request)
    if not allowed(user, "dashboard"):
        return redirect(request, home_for(user))
    period = request.query_params.get("period", "week")
    period = period if period in ("week", "month") else "week"
    today = datetime.now(LOCAL_TZ).date()
    default_from = today - (timedelta(weeks=26) if period == "week" else timedelta(days=365))
    date_from = _date_param(request, "date_from") or default_from
    date_to = _date_param(request, "date_to") or today
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    try:
        stats = need("fanzha.cases.stats", "case_stats", "warning_stats", "rising_types")
        cs = stats.case_stats(session, period=period, date_from=date_from, date_to=date_to)
        wst = stats.warning_stats(session, period=period, date_from=date_from, date_to=date_to)
        rising = stats.rising_types(session)
    except NotReady as exc:
        return not_ready(request, user, exc)
    session.commit()
    from fanzha.web import charts

    figures = charts.dashboard_figures(cs, wst)
    return render(
        request,
        "console/dashboard.html",
        {
            "cs": cs,
            "ws": wst,
            "rising": rising,
            "figures": figures,
            "period": period,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
        },
        user=user,
        page="dashboard",
    )


# ---------------------------------------------------------------- warning queue (warning officer, admin)


@router.get("/warnings", response_class=HTMLResponse)
def warnings_queue(request: Request, session: Session = SessionDep) -> Response:
    user, denied_resp = _gate(request, session, "warnings")
    if denied_resp is not None:
        return denied_resp
    include_closed = request.query_params.get("closed") == "1"
    page_no = _int_param(request, "page", 1, lo=1, hi=10_000)
    try:
        wmod = need("fanzha.cases.warnings")
    except NotReady as exc:
        return not_ready(request, user, exc)
    officer = None if user.role == "admin" else user
    rows, total = wmod.queue(
        session=session,
        officer=officer,
        include_closed=include_closed,
        offset=(page_no - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    leads = [wmod.to_public(w, with_actions=True) for w in rows]
    session.commit()
    by_grade: dict[str, int] = {}
    overdue = 0
    for lead in leads:
        by_grade[lead.grade] = by_grade.get(lead.grade, 0) + 1
        overdue += int(lead.overdue)
    return render(
        request,
        "console/warnings.html",
        {
            "leads": leads,
            "total": total,
            "by_grade": by_grade,
            "overdue": overdue,
            "include_closed": include_closed,
            "page_no": page_no,
            "has_next": page_no * PAGE_SIZE < total,
        },
        user=user,
        page="warnings",
    )


@router.post("/warnings/{warning_id}/action")
async def warning_action(request: Request, warning_id: int, session: Session = SessionDep) -> Response:
    gated = await _gate_post(request, session, "warnings")
    if isinstance(gated, Response):
        return gated
    user, form = gated
    try:
        wmod = need("fanzha.cases.warnings")
        schemas = need("fanzha.cases.warning_schemas")
    except NotReady as exc:
        return not_ready(request, user, exc)
    action = str(form.get("action") or "")
    outcome = str(form.get("outcome") or "") or None
    note = str(form.get("note") or "").strip()[:2000] or None
    loss_raw = str(form.get("loss_avoided") or "").strip()
    loss = parse_yuan(loss_raw) if loss_raw else None
    back = "/console/warnings" + ("?closed=1" if form.get("closed") == "1" else "") + f"#lead-{warning_id}"
    if not 0 < warning_id <= MAX_ID:
        return _action_reply(request, back, "操作未保存：线索不存在。", ok=False)
    if loss_raw and loss is None:
        return _action_reply(request, back, "避免损失金额请填写数字（元）。", ok=False)
    try:
        action_in = schemas.ActionCreate(
            action=action,
            outcome=outcome,
            note=note,
            loss_avoided=loss if loss is not None else 0,
            close=form.get("close") == "1",
        )
        wmod.record_action(session=session, warning_id=warning_id, action_in=action_in, actor=user)
        session.commit()
    except ValueError as exc:  # validation errors and InvalidLead
        session.rollback()
        log.info("warning action rejected: %s", exc)
        return _action_reply(request, back, "操作未保存：填写的内容有误（结果、金额）。", ok=False)
    except wmod.WarningError as exc:
        session.rollback()
        return _action_reply(request, back, f"操作未保存：{_warning_error_text(exc)}", ok=False)
    label = ACTION_LABELS.get(action, action)
    msg = f"已记录：线索 {warning_id} {label}" + (f"，结果：{OUTCOME_LABELS.get(outcome, outcome)}" if outcome else "")
    return _action_reply(request, back, msg, ok=True)


def _action_reply(request: Request, back: str, message: str, *, ok: bool) -> Response:
    """A plain form post gets a redirect with a flash message; app.js's fetch (Accept: JSON) gets JSON and then
    refreshes the queue in place, so the officer keeps their place in a long list."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"ok": ok, "message": message}, status_code=200 if ok else 400, headers={"Cache-Control": "no-store"}
        )
    return redirect(request, back, flash=message)


def _warning_error_text(exc: Exception) -> str:
    name = type(exc).__name__
    return {
        "LeadNotFound": "线索不存在。",
        "LeadClosed": "线索已办结。",
        "NotAllowed": "这条线索已分配给其他民警。",
    }.get(name, "无法处理这条线索。")


def _int_param(request: Request, name: str, default: int, *, lo: int, hi: int) -> int:
    try:
        v = int(request.query_params.get(name, default))
    except ValueError:
        return default
    return max(lo, min(hi, v))


# ---------------------------------------------------------------- cases (desk officer, admin)


def _date_param(request: Request, name: str) -> date | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@router.get("/cases", response_class=HTMLResponse)
def cases_list(request: Request, session: Session = SessionDep) -> Response:
    user, denied_resp = _gate(request, session, "cases")
    if denied_resp is not None:
        return denied_resp
    qp = request.query_params
    q = query(request, "q", 100) or None
    typology = qp.get("typology") or None
    if typology not in TYPOLOGIES:
        typology = None
    status = qp.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    date_from, date_to = _date_param(request, "date_from"), _date_param(request, "date_to")
    min_amount = parse_yuan(qp.get("min_amount"))
    min_amount_fen = int(min_amount * 100) if min_amount is not None and min_amount >= 0 else None
    page_no = _int_param(request, "page", 1, lo=1, hi=100_000)
    try:
        crud = need("fanzha.cases.crud")
    except NotReady as exc:
        return not_ready(request, user, exc)
    cases, total = crud.list_cases(
        session=session,
        actor=user,
        q=q,
        typology=typology,
        status=status,
        date_from=_start_of(date_from),
        date_to=_start_of(date_to + timedelta(days=1)) if date_to else None,
        min_amount_fen=min_amount_fen,
        offset=(page_no - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    session.commit()
    keep = {k: v for k, v in qp.items() if k != "page" and v}
    return render(
        request,
        "console/cases.html",
        {
            "cases": cases,
            "total": total,
            "f": {
                "q": q or "",
                "typology": typology or "",
                "status": status or "",
                "date_from": date_from.isoformat() if date_from else "",
                "date_to": date_to.isoformat() if date_to else "",
                "min_amount": qp.get("min_amount") or "",
            },
            "typologies": TYPOLOGIES,
            "page_no": page_no,
            "has_next": page_no * PAGE_SIZE < total,
            "query": urlencode(keep),
        },
        user=user,
        page="cases",
    )


def _start_of(d: date | None) -> datetime | None:
    """Local (UTC+8) midnight of ``d`` as an aware datetime."""
    if d is None:
        return None
    return datetime.combine(d, time(0, 0), tzinfo=LOCAL_TZ)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_detail(request: Request, case_id: int, session: Session = SessionDep) -> Response:
    user, denied_resp = _gate(request, session, "cases")
    if denied_resp is not None:
        return denied_resp
    try:
        crud = need("fanzha.cases.crud")
        linking = need("fanzha.cases.linking")
    except NotReady as exc:
        return not_ready(request, user, exc)
    case = crud.get_case(session=session, case_id=case_id, actor=user) if 0 < case_id <= MAX_ID else None
    if case is None:
        session.commit()
        return error_page(request, 404, "案件不存在", f"没有编号为 {case_id} 的案件。", user)
    links = linking.linked_cases(session, case.id, depth=2)
    linked_ids = [link.case_id for link in (*links.direct, *links.second_degree)]
    if linked_ids:  # the summaries of the linked cases are case data too
        need("fanzha.cases.audit", "audit").audit(
            session,
            actor=user,
            action="read",
            entity="case",
            entity_id=case.id,
            detail=f"linked cases ids=[{','.join(map(str, linked_ids[:200]))}]",
        )
    ctx = {
        "case": case,
        "links": links,
        "graph": _link_graph(case, links),
        "timeline": _timeline(case),
        "marked": _marked_narrative(case.narrative or ""),
        "indicators": sorted(case.indicator_links, key=lambda li: (li.indicator.kind, li.indicator.value)),
    }
    session.commit()
    return render(request, "console/case_detail.html", ctx, user=user, page="cases")


def _shared_label(shared: Any) -> str:
    parts = [f"{KIND_LABELS.get(s.kind, s.kind)} {s.value}" for s in shared]
    return "、".join(parts[:3]) + (f" 等 {len(parts)} 项" if len(parts) > 3 else "")


def _link_graph(case: Any, links: Any) -> Any:
    from fanzha.web.graph import Edge, Node, render_svg

    nodes = [Node(case.id, case.case_no, case.typology or "", 0, None)]
    edges: list[Edge] = []
    for link in links.direct:
        nodes.append(Node(link.case_id, link.case_no, _node_sub(link), 1, f"/console/cases/{link.case_id}"))
        edges.append(Edge(case.id, link.case_id, _shared_label(link.shared)))
    known = {n.id for n in nodes}
    for link in links.second_degree:
        if link.case_id in known:
            continue
        nodes.append(Node(link.case_id, link.case_no, _node_sub(link), 2, f"/console/cases/{link.case_id}"))
        for via in link.via_case_ids or ():
            edges.append(Edge(via, link.case_id, _shared_label(link.shared)))
    if len(nodes) == 1:
        return None
    return render_svg(nodes, edges, title=f"{case.case_no} 的串并案关系图")


def _node_sub(link: Any) -> str:
    typ = (link.typology or "").replace("类", "")
    amount = getattr(link, "amount_lost_fen", 0) or 0
    return f"{typ[:6]} {amount / 1_000_000:.1f}万" if amount else typ[:8]


def _timeline(case: Any) -> list[tuple[datetime, str]]:
    events: list[tuple[datetime, str]] = []
    if case.occurred_at:
        events.append((case.occurred_at, "案发（受害人开始被骗）"))
    for t in case.transfers:
        if t.transferred_at:
            to = f" → {t.payee_bank or ''} {t.payee_account or ''}".rstrip()
            events.append((t.transferred_at, f"转账 {yuan(t.amount_fen)} 元{to}"))
    events.append((case.reported_at, "报案"))
    events.append((case.created_at, "录入系统"))
    if case.updated_at and case.updated_at != case.created_at:
        events.append((case.updated_at, f"最近更新（状态：{STATUS_LABELS.get(case.status, case.status)}）"))
    return sorted(events, key=lambda e: iso_key(e[0]))


def iso_key(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _marked_narrative(text: str) -> Any:
    """The narrative with the indicators and amounts found in it highlighted (fanzha.indicators.extract)."""
    from fanzha.web.highlight import Span, highlight

    if not text:
        return ""
    try:
        inds = need("fanzha.indicators", "extract").extract(text)
    except NotReady:
        inds = []
    spans = [Span(i.span[0], i.span[1], KIND_LABELS.get(i.kind, i.kind), i.kind) for i in inds]
    return highlight(text, spans)


# ---------------------------------------------------------------- indicator lookup (desk officer, bank teller, admin)


@router.get("/indicators", response_class=HTMLResponse)
def indicator_lookup(request: Request, session: Session = SessionDep) -> Response:
    user, denied_resp = _gate(request, session, "indicators")
    if denied_resp is not None:
        return denied_resp
    value = query(request, "q", 512)
    kind = request.query_params.get("kind") or None
    kinds = ["url", "domain", "ip", "phone", "qq", "wechat", "alipay", "bank_card", "app"]
    if kind not in kinds:
        kind = None
    ctx: dict[str, Any] = {
        "q": value,
        "kind": kind or "",
        "kinds": kinds,
        "result": None,
        "entry": None,
        "cases": [],
        "can_see_cases": allowed(user, "cases"),
        "error": None,
    }
    if value:
        try:
            ind = need("fanzha.indicators", "check", "detect_kind", "extract")
            register = need("fanzha.cases.register")
        except NotReady as exc:
            return not_ready(request, user, exc)
        kind = kind or ind.detect_kind(value)
        if kind is None:
            ctx["error"] = "无法识别这是网址、电话、银行卡还是其他账号，请在“种类”中选择。"
        else:
            try:
                res = ind.check(value, kind)
                entry = register.find(session, res.kind, value)
            except ValueError as exc:
                log.info("indicator lookup rejected: %s", exc)
                ctx["error"] = "这个值的格式不对，请检查后重试。"
            else:
                ctx["result"] = res
                ctx["entry"] = entry
                if entry is not None and ctx["can_see_cases"]:
                    ctx["cases"] = sorted(
                        (li.case for li in entry.case_links), key=lambda c: iso_key(c.reported_at), reverse=True
                    )[:100]
                    # the case list shown here is a read of case data: audited like crud's reads
                    need("fanzha.cases.audit", "audit").audit(
                        session,
                        actor=user,
                        action="read",
                        entity="case",
                        entity_id=None,
                        detail=f"indicator lookup {entry.kind} id={entry.id} ids=[{','.join(str(c.id) for c in ctx['cases'])}]",
                    )
                ctx["kind"] = res.kind
    session.commit()
    return render(request, "console/indicators.html", ctx, user=user, page="indicators")


# ---------------------------------------------------------------- case intake (desk officer, admin)

LIST_FIELDS = (
    ("phones", "涉诈电话"),
    ("qq", "QQ 号"),
    ("wechat", "微信号"),
    ("alipay", "支付宝账号"),
    ("urls", "网址"),
    ("bank_cards", "银行卡号"),
    ("payee_accounts", "收款账户"),
    ("apps", "App"),
)
MAX_TRANSFER_ROWS = 10
MAX_NARRATIVE_CHARS = 20_000  # as fanzha.cases.schemas.MAX_NARRATIVE_CHARS
AGE_BANDS = ("<18", "18-25", "26-35", "36-45", "46-55", "56-65", "65+")


def _blank_case_form(narrative: str = "") -> dict[str, Any]:
    form: dict[str, Any] = {
        "narrative": narrative,
        "typology": "",
        "subtype": "",
        "channel": "",
        "occurred_at": "",
        "amount_lost": "",
        "victim_name": "",
        "victim_age_band": "",
        "victim_gender": "未知",
        "victim_occupation": "",
        "victim_phone": "",
        "transfers": [],
    }
    for name, _ in LIST_FIELDS:
        form[name] = ""
    return form


def _intake_page(
    request: Request,
    user: Any,
    *,
    form: dict[str, Any],
    marked: Any = None,
    errors: list[str] | None = None,
    extracted: Any = None,
    status_code: int = 200,
    show_form: bool = False,
) -> Response:
    rows = list(form.get("transfers") or [])
    while len(rows) < 3:
        rows.append({"amount": "", "payee_account": "", "payee_bank": "", "at": ""})
    form = {**form, "transfers": rows[:MAX_TRANSFER_ROWS]}
    return render(
        request,
        "console/intake.html",
        {
            "form": form,
            "marked": marked,
            "errors": errors or [],
            "extracted": extracted,
            "typologies": TYPOLOGIES,
            "age_bands": AGE_BANDS,
            "list_fields": LIST_FIELDS,
            "show_form": show_form,
        },
        status_code=status_code,
        user=user,
        page="intake",
    )


@router.get("/intake", response_class=HTMLResponse)
def intake_form(request: Request, session: Session = SessionDep) -> Response:
    user, denied_resp = _gate(request, session, "intake")
    if denied_resp is not None:
        return denied_resp
    return _intake_page(request, user, form=_blank_case_form())


@router.post("/intake/extract", response_class=HTMLResponse)
async def intake_extract(request: Request, session: Session = SessionDep) -> Response:
    gated = await _gate_post(request, session, "intake")
    if isinstance(gated, Response):
        return gated
    user, posted = gated
    narrative = str(posted.get("narrative") or "").replace("\x00", "")
    if not narrative.strip():
        return _intake_page(
            request, user, form=_blank_case_form(), errors=["请先粘贴或输入报案人的陈述。"], status_code=400
        )
    if len(narrative) > MAX_NARRATIVE_CHARS:
        return _intake_page(
            request,
            user,
            form=_blank_case_form(narrative[:MAX_NARRATIVE_CHARS]),
            errors=[f"案情太长（{len(narrative)} 字），最多 {MAX_NARRATIVE_CHARS} 字。"],
            status_code=413,
        )
    try:
        intake = need("fanzha.cases.intake", "extract")
    except NotReady as exc:
        return not_ready(request, user, exc)
    try:
        elements = intake.extract(narrative)
        form, spans = elements_to_form(elements, narrative)
    except Exception:  # the officer can still fill the form by hand
        log.exception("intake extraction failed")
        return _intake_page(
            request,
            user,
            form=_blank_case_form(narrative),
            show_form=True,
            errors=["自动提取失败，请手工填写案件要素。"],
        )
    from fanzha.web.highlight import highlight

    known = _known_indicators(session, form)
    session.commit()
    return _intake_page(request, user, form=form, marked=highlight(narrative, spans), extracted=known, show_form=True)


@router.post("/intake/save", response_class=HTMLResponse)
async def intake_save(request: Request, session: Session = SessionDep) -> Response:
    gated = await _gate_post(request, session, "intake")
    if isinstance(gated, Response):
        return gated
    user, posted = gated
    form = _form_from_post(posted)
    try:
        crud = need("fanzha.cases.crud")
        schemas = need("fanzha.cases.schemas")
    except NotReady as exc:
        return not_ready(request, user, exc)
    errors: list[str] = []
    data = _case_payload(form, errors)
    case_in = None
    if not errors:
        try:
            case_in = schemas.CaseCreate(**data)
        except ValueError as exc:
            errors.extend(_validation_messages(exc))
    if errors or case_in is None:
        return _intake_page(request, user, form=form, errors=errors, status_code=400, show_form=True)
    try:
        case = crud.create_case(session=session, case_in=case_in, actor=user)
        session.commit()
    except ValueError as exc:
        session.rollback()
        log.info("case save rejected: %s", exc)
        return _intake_page(
            request, user, form=form, errors=[f"保存失败：{exc}"[:300]], status_code=400, show_form=True
        )
    try:
        n_links = len(need("fanzha.cases.linking").linked_cases(session, case.id, depth=1).direct)
    except NotReady:
        n_links = 0
    msg = f"案件 {case.case_no} 已保存。" + (
        f"发现 {n_links} 起关联案件，见下方串并案。" if n_links else "暂未发现关联案件。"
    )
    return redirect(request, f"/console/cases/{case.id}", flash=msg)


INTAKE_KINDS = {
    "phones": "phone",
    "qq": "qq",
    "wechat": "wechat",
    "alipay": "alipay",
    "urls": "url",
    "bank_cards": "bank_card",
    "payee_accounts": None,
    "apps": "app",
}


def _known_indicators(session: Session, form: dict[str, Any]) -> list[dict[str, Any]]:
    """Each extracted indicator with its offline check and what the register already knows (before saving)."""
    try:
        ind = need("fanzha.indicators", "check", "detect_kind")
        register = need("fanzha.cases.register", "find")
    except NotReady:
        return []
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for name, kind in INTAKE_KINDS.items():
        for value in _lines(form.get(name) or ""):
            k = kind or ind.detect_kind(value)
            if not k:
                continue
            try:
                res = ind.check(value, k)
                if (res.kind, res.normalized) in seen:
                    continue
                seen.add((res.kind, res.normalized))
                entry = register.find(session, res.kind, value)
            except ValueError:
                continue
            rows.append(
                {
                    "kind": res.kind,
                    "value": res.normalized,
                    "risk": res.risk,
                    "reasons": res.reasons[:2],
                    "reports": entry.report_count if entry else 0,
                    "cases": len(entry.case_links) if entry else 0,
                }
            )
    return rows


def _form_from_post(posted: dict[str, Any]) -> dict[str, Any]:
    form = _blank_case_form()
    for key in list(form):
        if key != "transfers" and key in posted:
            form[key] = str(posted.get(key) or "")
    rows = []
    for i in range(MAX_TRANSFER_ROWS):
        row = {k: str(posted.get(f"t{i}_{k}") or "").strip() for k in ("amount", "payee_account", "payee_bank", "at")}
        if any(row.values()):
            rows.append(row)
    form["transfers"] = rows
    return form


def _lines(s: str) -> list[str]:
    out: list[str] = []
    for part in s.replace("，", "\n").replace(",", "\n").replace("；", "\n").replace(";", "\n").splitlines():
        part = part.strip()
        if part and part not in out:
            out.append(part[:512])
    return out


def _parse_local_dt(s: str) -> datetime | None:
    s = s.strip()
    if not s:
        return None
    dt = datetime.fromisoformat(s)
    return dt if dt.tzinfo else dt.replace(tzinfo=LOCAL_TZ)


def _case_payload(form: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    """CaseCreate keyword arguments from the edited form (amounts in yuan; times entered in local time)."""
    data: dict[str, Any] = {"narrative": form["narrative"][:MAX_NARRATIVE_CHARS]}
    if form["typology"]:
        data["typology"] = form["typology"]
    for key in ("subtype", "channel"):
        if form[key].strip():
            data[key] = form[key].strip()
    try:
        occurred = _parse_local_dt(form["occurred_at"])
        if occurred:
            data["occurred_at"] = occurred
    except ValueError:
        errors.append("案发时间格式不对。")
    if form["amount_lost"].strip():
        amount = parse_yuan(form["amount_lost"])
        if amount is None:
            errors.append("损失金额请填写数字（元）。")
        else:
            data["amount_lost"] = amount
    for name, _ in LIST_FIELDS:
        vals = _lines(form[name])
        if vals:
            data[name] = vals
    if form["victim_age_band"]:
        data["victim"] = {
            "name": form["victim_name"].strip() or None,
            "age_band": form["victim_age_band"],
            "gender": form["victim_gender"] or "未知",
            "occupation": form["victim_occupation"].strip() or None,
            "contact_phone": form["victim_phone"].strip() or None,
        }
    elif any(form[k].strip() for k in ("victim_name", "victim_occupation", "victim_phone")):
        errors.append("填写受害人信息时请选择年龄段。")
    transfers = []
    for i, row in enumerate(form["transfers"], 1):
        amount = parse_yuan(row["amount"]) if row["amount"] else None
        if row["amount"] and amount is None:
            errors.append(f"第 {i} 笔转账金额请填写数字（元）。")
            continue
        try:
            at = _parse_local_dt(row["at"])
        except ValueError:
            errors.append(f"第 {i} 笔转账时间格式不对。")
            continue
        transfers.append(
            {
                "amount": amount if amount is not None else 0,
                "payee_account": row["payee_account"] or None,
                "payee_bank": row["payee_bank"] or None,
                "transferred_at": at,
            }
        )
    if transfers:
        data["transfers"] = transfers
    return data


def _validation_messages(exc: Exception) -> list[str]:
    labels = {
        "typology": "类型",
        "amount_lost": "损失金额",
        "victim": "受害人",
        "transfers": "转账",
        "narrative": "案情",
        "occurred_at": "案发时间",
        **dict(LIST_FIELDS),
    }
    errs = getattr(exc, "errors", None)
    if not callable(errs):
        return [str(exc)[:300]]
    out = []
    for e in errs():
        loc = [str(x) for x in e.get("loc", ())]
        field = labels.get(loc[0], loc[0]) if loc else ""
        out.append(f"{field}：{e.get('msg', '')}"[:300])
    return out or ["填写的内容有误。"]


def _local_input(value: object) -> str:
    """An ISO time (aware, or naive = China local time) -> the value of an <input type=datetime-local>."""
    if not isinstance(value, str) or not value.strip():
        return ""
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=LOCAL_TZ)
    return dt.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def elements_to_form(elements: Any, narrative: str) -> tuple[dict[str, Any], list[Any]]:
    """The editable form and the highlight spans from ``fanzha.cases.intake.extract`` (``CaseElements.to_detail()``,
    the flat view X made for this form)."""
    from fanzha.web.highlight import Span

    form = _blank_case_form(narrative)
    rec: dict[str, Any] = elements.to_detail()
    typ = rec.get("typology")
    if isinstance(typ, str) and typ in TYPOLOGIES:
        form["typology"] = typ
    for key in ("subtype", "channel"):
        if isinstance(rec.get(key), str):
            form[key] = rec[key]
    form["occurred_at"] = _local_input(rec.get("occurred_at"))
    if rec.get("amount_lost") not in (None, ""):
        form["amount_lost"] = str(rec["amount_lost"])
    for name, _ in LIST_FIELDS:
        vals = rec.get(name)
        if isinstance(vals, list):
            form[name] = "\n".join(str(v) for v in vals)
    form["transfers"] = [
        {
            "amount": str(t.get("amount") or ""),
            "payee_account": t.get("payee_account") or "",
            "payee_bank": t.get("payee_bank") or "",
            "at": _local_input(t.get("transferred_at")),
        }
        for t in rec.get("transfers") or []
        if isinstance(t, dict)
    ][:MAX_TRANSFER_ROWS]
    spans: list[Span] = []
    for ev in rec.get("evidence") or []:
        span = ev.get("span")
        if span and len(span) == 2:
            label = FIELD_LABELS.get(str(ev.get("field")), str(ev.get("field") or ""))
            why = f"{label}：{ev.get('why') or ''}".strip("：")
            spans.append(Span(int(span[0]), int(span[1]), why, FIELD_CSS.get(str(ev.get("field")), "")))
    return form, spans


FIELD_LABELS = {
    "type": "案件类型",
    "typology": "案件类型",
    "subtype": "细分",
    "amount_yuan": "损失金额",
    "occurred_at": "案发时间",
    "channels": "接触渠道",
    "phones": "涉诈电话",
    "qq": "QQ",
    "wechat": "微信",
    "urls": "网址",
    "bank_cards": "银行卡",
    "apps": "App",
    "payee_accounts": "收款账户",
    "transfers": "转账",
    "amounts": "金额",
}
FIELD_CSS = {
    "amount_yuan": "amount",
    "amounts": "amount",
    "transfers": "amount",
    "phones": "phone",
    "qq": "qq",
    "wechat": "wechat",
    "urls": "url",
    "bank_cards": "bank_card",
    "payee_accounts": "payee_account",
}


@router.post("/cases/{case_id}/update")
async def case_update(request: Request, case_id: int, session: Session = SessionDep) -> Response:
    """Status, recovered amount, suspects and added indicators, under the optimistic lock of crud.update_case."""
    gated = await _gate_post(request, session, "cases")
    if isinstance(gated, Response):
        return gated
    user, form = gated
    back = f"/console/cases/{case_id}"
    if not 0 < case_id <= MAX_ID:
        return error_page(request, 404, "案件不存在", f"没有编号为 {case_id} 的案件。", user)
    try:
        crud = need("fanzha.cases.crud", "update_case")
        schemas = need("fanzha.cases.schemas", "CaseUpdate")
    except NotReady as exc:
        return not_ready(request, user, exc)
    data: dict[str, Any] = {}
    status = str(form.get("status") or "")
    if status in STATUS_LABELS:
        data["status"] = status
    recovered_raw = str(form.get("amount_recovered") or "").strip()
    if recovered_raw:
        recovered = parse_yuan(recovered_raw)
        if recovered is None:
            return redirect(request, back, flash="挽回金额请填写数字（元）。")
        data["amount_recovered"] = recovered
    suspects_raw = str(form.get("suspects_identified") or "").strip()
    if suspects_raw:
        if not suspects_raw.isdigit():
            return redirect(request, back, flash="查明嫌疑人请填写整数。")
        data["suspects_identified"] = int(suspects_raw)
    for name, _ in LIST_FIELDS:
        vals = _lines(str(form.get(name) or ""))
        if vals:
            data[name] = vals
    try:
        version = int(str(form.get("version_id") or ""))
    except ValueError:
        version = None
    try:
        case_in = schemas.CaseUpdate(**data)
        crud.update_case(session=session, case_id=case_id, case_in=case_in, actor=user, expected_version=version)
        session.commit()
    except crud.VersionConflict:
        session.rollback()
        return redirect(request, back, flash="保存失败：案件已被他人修改，请查看最新内容后重新提交。")
    except crud.CaseNotFound:
        session.rollback()
        return error_page(request, 404, "案件不存在", f"没有编号为 {case_id} 的案件。", user)
    except ValueError as exc:
        session.rollback()
        return redirect(request, back, flash="保存失败：" + "；".join(_validation_messages(exc))[:300])
    return redirect(request, back, flash="案件已更新。")
