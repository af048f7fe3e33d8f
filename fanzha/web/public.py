"""The public pages (no login): self-check, report (举报), scam-type pages. Rate-limited per client IP."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from fanzha.config import get_settings
from fanzha.web.common import (
    NotReady,
    db_session,
    error_page,
    need,
    parse_yuan,
    render,
    throttled_form,
)
from fanzha.web.content import public_advice, scam_types
from fanzha.web.highlight import Span, highlight, spans_from_evidence

log = logging.getLogger("fanzha.web")

router = APIRouter(include_in_schema=False)

# A single value (no blank inside, short) is checked as an indicator; anything else is screened as a message.
MAX_SINGLE_VALUE_CHARS = 256


@dataclass
class Reason:
    why: str
    matched: str | None = None
    weight: float = 0.0


@dataclass
class CheckView:
    risk: str  # high | medium | low | none
    label: str
    intro: str
    marked: Markup
    reasons: list[Reason]
    todo: list[str]
    specific: list[str] = field(default_factory=list)  # advice of the screening engine for this very message
    type: str | None = None
    learn: Any = None
    kind: str = "message"
    extra: dict[str, Any] = field(default_factory=dict)


def _risk_value(risk: object) -> str:
    value = getattr(risk, "value", risk)
    value = str(value or "none").lower()
    return value if value in ("high", "medium", "low", "none") else "none"


def _dedupe_reasons(items: list[Reason]) -> list[Reason]:
    """One line per distinct reason (the strongest first); the matched text is kept from the first that has one."""
    by_why: dict[str, Reason] = {}
    for r in sorted(items, key=lambda r: -r.weight):
        if not r.why:
            continue
        seen = by_why.get(r.why)
        if seen is None:
            by_why[r.why] = r
        elif seen.matched is None and r.matched:
            seen.matched = r.matched
    return list(by_why.values())


def run_check(text: str) -> CheckView:
    """Screen a message (fanzha.screen.screen) or check a single value (fanzha.indicators.check)."""
    advice = public_advice()
    value = text.strip()
    kind: str | None = None
    if value and len(value) <= MAX_SINGLE_VALUE_CHARS and not any(ch.isspace() for ch in value):
        kind = need("fanzha.indicators", "check", "detect_kind", "extract").detect_kind(value)
    advice_extra: list[str] = []
    typ: str | None = None
    if kind:
        res = need("fanzha.indicators", "check", "detect_kind", "extract").check(value, kind)
        risk = _risk_value(res.risk)
        if res.risky and risk == "none":
            risk = "medium"
        shown = value
        reasons = [Reason(str(r)) for r in res.reasons]
        evidence = list(res.evidence)
        reasons += [Reason(e.why, e.matched, e.weight) for e in evidence if e.why and e.weight > 0]
        spans = spans_from_evidence(e for e in evidence if e.weight > 0)
        if risk != "none" and not spans:
            spans = [Span(0, len(shown), "；".join(r.why for r in _dedupe_reasons(reasons)[:3]) or "可疑", kind)]
        kind_out = kind
    else:
        verdict = need("fanzha.screen", "screen").screen(text, kind="auto")
        risk = _risk_value(verdict.risk)
        shown = text
        # single-character model features mean little to a citizen: model evidence only as its overall line
        positive = [e for e in verdict.evidence if e.weight > 0 and (e.source != "model" or e.span is None)]
        reasons = [Reason(e.why, e.matched, e.weight) for e in positive if e.why]
        spans = spans_from_evidence(positive)
        advice_extra = [a for a in verdict.advice if a]
        typ = verdict.type if verdict.type and verdict.type != "其他" else None
        kind_out = "message"
    todo_key = "none" if risk == "none" else "suspicious"
    todo = list(advice["what_to_do"][todo_key])
    return CheckView(
        risk=risk,
        label=advice["verdict_labels"][risk],
        intro=advice["verdict_intro"][risk],
        # nothing found: no reasons and no marks (weak signals below the threshold would only confuse)
        marked=highlight(shown, spans if risk != "none" else []),
        reasons=_dedupe_reasons(reasons) if risk != "none" else [],
        todo=todo,
        specific=[a for a in advice_extra if a not in todo] if risk != "none" else [],
        type=typ,
        learn=scam_types().by_typology(typ),
        kind=kind_out,
    )


def _check_page(
    request: Request, *, text: str = "", result: CheckView | None = None, error: str | None = None, status: int = 200
) -> Response:
    return render(
        request,
        "public/check.html",
        {
            "text": text,
            "result": result,
            "error": error,
            "hotlines": public_advice()["hotlines"],
            "scam_types": scam_types().types,
            "max_chars": get_settings().max_text_chars,
            "form": None,
        },
        status_code=status,
        page="check",
    )


@router.get("/", response_class=HTMLResponse)
@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request) -> Response:
    return _check_page(request)


@router.post("/", response_class=HTMLResponse)
@router.post("/check", response_class=HTMLResponse)
async def check_submit(request: Request) -> Response:
    got = await throttled_form(request)
    if isinstance(got, Response):
        return got
    _, form = got
    text = str(form.get("text") or "")
    if not text.strip():
        return _check_page(request, error="请先粘贴要查的内容。", status=400)
    if len(text) > get_settings().max_text_chars:
        return _check_page(
            request,
            text=text[:2000],
            error=f"内容太长了（{len(text)} 字），请只粘贴可疑的那一段（{get_settings().max_text_chars} 字以内）。",
            status=413,
        )
    try:
        result = run_check(text)
    except NotReady as exc:
        log.warning("public check unavailable: %s not installed", exc.what)
        return error_page(
            request, 503, "暂时无法查询", "查询功能暂时不可用。拿不准时请拨打 96110 咨询，已转账请拨打 110。"
        )
    except Exception:  # an engine bug must not show a stack trace to a citizen
        log.exception("public check failed")
        return error_page(
            request, 500, "查询出错", "这次查询没有完成，请稍后再试。拿不准时请拨打 96110 咨询，已转账请拨打 110。"
        )
    return _check_page(request, text=text, result=result)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request) -> Response:
    return render(
        request, "public/report.html", {"form": None, "max_chars": get_settings().max_text_chars}, page="report"
    )


def _report_error(request: Request, form: dict[str, Any], msg: str, status: int = 400) -> Response:
    return render(
        request,
        "public/report.html",
        {"form": form, "error": msg, "max_chars": get_settings().max_text_chars},
        status_code=status,
        page="report",
    )


@router.post("/report", response_class=HTMLResponse)
async def report_submit(request: Request, session: Session = Depends(db_session)) -> Response:
    got = await throttled_form(request)
    if isinstance(got, Response):
        return got
    _, form = got
    content = str(form.get("content") or "").strip()
    what = str(form.get("what") or "").strip()
    phone = str(form.get("phone") or "").strip()[:32] or None
    name = str(form.get("name") or "").strip()[:64] or None
    money = str(form.get("money") or "no")
    amount_raw = str(form.get("amount") or "").strip()
    if not content:
        return _report_error(request, form, "请填写可疑内容（短信、链接、电话号码或收款账户）。")
    if len(content) > get_settings().max_text_chars or len(what) > 2000:
        return _report_error(request, form, "内容太长了，请只填写可疑的那一段。", 413)
    amount = parse_yuan(amount_raw) if amount_raw else None
    if amount_raw and (amount is None or amount < 0):
        return _report_error(request, form, "金额请填写数字，例如 5000。")
    try:
        lead = _create_report_lead(
            session, content=content, what=what, phone=phone, name=name, money=money, amount=amount
        )
    except NotReady as exc:
        log.warning("report unavailable: %s not installed", exc.what)
        return error_page(request, 503, "暂时无法举报", "举报功能暂时不可用，请拨打 96110 举报；已转账请立即拨打 110。")
    except ValueError as exc:  # pydantic ValidationError is a ValueError
        log.info("report rejected: %s", exc)
        return _report_error(request, form, "填写的内容有误，请检查后重新提交（金额不能超过 100 亿元，最多两位小数）。")
    return render(
        request,
        "public/report.html",
        {"done": lead.id, "money_sent": money == "sent"},
        page="report",
    )


def _create_report_lead(
    session: Session, *, content: str, what: str, phone: str | None, name: str | None, money: str, amount: Any
) -> Any:
    warnings_mod = need("fanzha.cases.warnings")
    schemas = need("fanzha.cases.warning_schemas")
    indicator_kind: str | None = None
    indicator_value: str | None = None
    screening_risk: str | None = None
    typology: str | None = None
    value = content.strip()
    try:
        if len(value) <= MAX_SINGLE_VALUE_CHARS and not any(ch.isspace() for ch in value):
            indicator_kind = need("fanzha.indicators", "detect_kind").detect_kind(value)
            if indicator_kind:
                indicator_value = value[:512]
        if indicator_kind is None:
            verdict = need("fanzha.screen", "screen").screen(content, kind="auto")
            screening_risk = _risk_value(verdict.risk)
            typology = verdict.type if verdict.type and verdict.type != "其他" else None
            inds = need("fanzha.indicators", "extract").extract(content)
            first = next((i for i in inds if i.kind != "amount"), None)
            if first is not None:
                indicator_kind, indicator_value = first.kind, first.normalized[:512]
    except NotReady:
        pass  # a report is still taken without screening
    except Exception:  # screening trouble must never lose a citizen's report
        log.exception("screening of a citizen report failed; the report is stored without it")
    reason = "群众举报：" + content[:1200]
    if what:
        reason += "\n经过：" + what[:700]
    lead_in = schemas.LeadCreate(
        source="citizen_report",
        reason=reason[:2000],
        subject_name=name,
        subject_phone=phone,
        typology=typology,
        indicator_kind=indicator_kind,
        indicator_value=indicator_value,
        money_moving=money in ("about", "sent"),
        amount=amount,
        screening_risk=screening_risk,
    )
    lead = warnings_mod.create_lead(session=session, lead_in=lead_in, actor=None)
    session.commit()
    return lead


@router.get("/learn", response_class=HTMLResponse)
def learn_index(request: Request) -> Response:
    return render(request, "public/learn_index.html", {"types": scam_types().types}, page="learn")


@router.get("/learn/{slug}", response_class=HTMLResponse)
def learn_type(request: Request, slug: str) -> Response:
    st = scam_types()
    t = st.by_slug(slug)
    if t is None:
        return error_page(request, 404, "没有找到这个页面", "没有这种骗局的介绍。请从“防骗知识”列表中选择。")
    return render(request, "public/learn_type.html", {"t": t, "general": st.general_if_scammed}, page="learn")
