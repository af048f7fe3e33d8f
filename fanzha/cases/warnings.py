"""Early warning and dissuasion (预警劝阻): grade leads, route them, work them SMS → call → visit, import them.

Grading rules and deadlines are data (``grading.yaml`` next to this file, documented in docs/warnings.md).
Every function takes the session from the caller and only flushes: the caller commits (one transaction).

Public functions
    grade_lead(lead_in) -> (grade, reasons)
    deadline_plan(grade, created_at, done) / compute_due_at(...) / next_step(w)
    create_lead(*, session, lead_in, actor, now=None) -> Warning
    lead_from_verdict(verdict, *, subject_name=None, subject_phone=None, subject_age=None, ...) -> LeadCreate
    record_action(*, session, warning_id, action_in, actor, now=None) -> WarningAction
    queue(*, session, officer, include_closed=False, offset=0, limit=50, now=None) -> (list[Warning], total)
    is_overdue(w, now=None) -> bool
    import_leads_csv(*, session, data, actor, source="import", provider="", now=None) -> ImportResult
    to_public(w, *, now=None, with_actions=False) -> WarningPublic
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import case as sa_case
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from fanzha.cases.schemas import fen_to_yuan, yuan_to_fen
from fanzha.cases.warning_schemas import (
    ActionCreate,
    ActionPublic,
    GradeReasonPublic,
    LeadCreate,
    WarningPublic,
    parse_typology,
)
from fanzha.db.models import Indicator, User, Warning, WarningAction
from fanzha.domain import Typology, Verdict
from fanzha.text import normalize

log = logging.getLogger(__name__)

GRADING_FILE = Path(__file__).with_name("grading.yaml")
LOCAL_TZ = timezone(timedelta(hours=8), "CST")  # China has one zone and no DST
GRADES = ("高", "中", "低")
STEP_RANK = {"sms": 0, "sms_or_call": 0, "call": 1, "visit": 2}
CONTACT_ACTIONS = ("sms", "call", "visit")


class WarningError(Exception):
    """Base of the errors the API turns into 4xx."""


class LeadNotFound(WarningError, LookupError):
    pass


class LeadClosed(WarningError):
    pass


class NotAllowed(WarningError, PermissionError):
    pass


class InvalidLead(WarningError, ValueError):
    pass


class LeadConflict(WarningError):
    """Another transaction created the same lead (same external key) at the same time: retry."""


# --------------------------------------------------------------------------------------------------------------------
# Rules (grading.yaml)


class Condition(BaseModel):
    """All keys present must hold (AND)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flag: Literal["money_moving", "student", "fraud_number_confirmed"] | None = None
    source: tuple[str, ...] | None = None
    reason_any: tuple[str, ...] | None = None
    typology: tuple[str, ...] | None = None
    typology_known: bool | None = None
    screening_risk: tuple[str, ...] | None = None
    age_min: int | None = None
    age_between: tuple[int, int] | None = None
    contact_count_min: int | None = None
    call_minutes_min: int | None = None
    amount_min: Decimal | None = None


class Signal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    group: str
    points: int
    why: str
    when: Condition


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    step: Literal["sms", "call", "visit", "sms_or_call"]
    within_minutes: int | None = None
    same_day: bool = False
    min_minutes: int = 0
    label: str = ""


class GradingRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    thresholds: dict[str, int]
    group_caps: dict[str, int]
    signals: tuple[Signal, ...]
    deadlines: dict[str, tuple[Step, ...]]
    followup_minutes: int = 24 * 60
    negations: tuple[str, ...] = ()
    closing_outcomes: tuple[str, ...]
    reached_outcomes: tuple[str, ...]

    def model_post_init(self, _ctx: Any) -> None:
        if set(self.thresholds) != set(GRADES) or set(self.deadlines) != set(GRADES):
            raise ValueError("grading.yaml: thresholds and deadlines need exactly 高, 中, 低")
        typ = {t.value for t in Typology}
        for s in self.signals:
            if s.group not in self.group_caps:
                raise ValueError(f"grading.yaml: signal {s.id} has group {s.group!r} without a cap")
            bad = set(s.when.typology or ()) - typ
            if bad:
                raise ValueError(f"grading.yaml: signal {s.id} names unknown typologies {sorted(bad)}")
        for grade, steps in self.deadlines.items():
            for st in steps:
                if st.within_minutes is None and not st.same_day:
                    raise ValueError(f"grading.yaml: a {grade} step needs within_minutes or same_day")


@lru_cache(maxsize=4)
def load_rules(path: Path = GRADING_FILE) -> GradingRules:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return GradingRules.model_validate(raw)


# --------------------------------------------------------------------------------------------------------------------
# Grading


@dataclass(frozen=True)
class GradeReason:
    id: str
    points: int  # the points this signal actually added (after its group cap)
    why: str


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text).text)


@lru_cache(maxsize=256)
def _compact_kw(kw: str) -> str:
    return _compact(kw)


_BAND_RANGE = {
    "<18": (0, 17),
    "18-25": (18, 25),
    "26-35": (26, 35),
    "36-45": (36, 45),
    "46-55": (46, 55),
    "56-65": (56, 65),
    "65+": (65, 200),
}


def _age_range(lead: LeadCreate) -> tuple[int, int] | None:
    if lead.subject_age is not None:
        return (lead.subject_age, lead.subject_age)
    if lead.subject_age_band:
        return _BAND_RANGE[lead.subject_age_band]
    return None


_PUNCT = set("，。；：！？、,.;:!?（）()【】[]“”\"' ")


def keyword_hit(text: str, keyword: str, negations: Sequence[str]) -> bool:
    """True when ``keyword`` occurs in ``text`` at least once without a negation word just before it
    (within the same clause): "不要转账" / "未转账" do not count as 要转账 / 转账."""
    kw = _compact_kw(keyword)
    if not kw:
        return False
    start = text.find(kw)
    while start >= 0:
        before = text[max(0, start - 3) : start]
        for i in range(len(before) - 1, -1, -1):
            if before[i] in _PUNCT:
                before = before[i + 1 :]
                break
        if not any(neg in before for neg in negations):
            return True
        start = text.find(kw, start + 1)
    return False


def _holds(c: Condition, lead: LeadCreate, reason_text: str, negations: Sequence[str] = ()) -> bool:
    if c.flag is not None and not getattr(lead, c.flag):
        return False
    if c.source is not None and lead.source not in c.source:
        return False
    if c.typology is not None and lead.typology not in c.typology:
        return False
    if c.typology_known is not None and (lead.typology not in (None, Typology.OTHER.value)) != c.typology_known:
        return False
    if c.screening_risk is not None and lead.screening_risk not in c.screening_risk:
        return False
    if c.age_min is not None or c.age_between is not None:
        rng = _age_range(lead)
        if rng is None:
            return False
        if c.age_min is not None and rng[0] < c.age_min:
            return False
        if c.age_between is not None and not (c.age_between[0] <= rng[0] and rng[1] <= c.age_between[1]):
            return False
    if c.contact_count_min is not None and lead.contact_count < c.contact_count_min:
        return False
    if c.call_minutes_min is not None and lead.call_minutes < c.call_minutes_min:
        return False
    if c.amount_min is not None and (lead.amount is None or lead.amount < c.amount_min):
        return False
    if c.reason_any is not None and not any(keyword_hit(reason_text, k, negations) for k in c.reason_any):
        return False
    return True


def grade_lead(lead_in: LeadCreate, *, rules: GradingRules | None = None) -> tuple[str, list[GradeReason]]:
    """Grade a lead 高 / 中 / 低 by the rules in grading.yaml; returns the grade and every signal that fired.

    The score is the sum of the reasons' points (each signal once, each group capped).
    """
    rules = rules or load_rules()
    reason_text = _compact(lead_in.reason)
    used: dict[str, int] = {}
    reasons: list[GradeReason] = []
    for sig in rules.signals:
        if not _holds(sig.when, lead_in, reason_text, rules.negations):
            continue
        room = rules.group_caps[sig.group] - used.get(sig.group, 0)
        pts = max(0, min(sig.points, room))
        used[sig.group] = used.get(sig.group, 0) + pts
        reasons.append(GradeReason(sig.id, pts, sig.why))
    score = sum(r.points for r in reasons)
    grade = next((g for g in GRADES if score >= rules.thresholds[g]), "低")
    return grade, reasons


# The grade explanation is kept inside warnings.reason, after this marker, in a form people can read.
_REASONS_MARK = "\n【评级依据】"
_REASON_ITEM = re.compile(r"([A-Z][A-Z0-9_]*) \+(\d+) (.*?)(?:；|$)")


def _reason_with_grade(reason: str, grade: str, reasons: Sequence[GradeReason]) -> str:
    score = sum(r.points for r in reasons)
    items = "；".join(f"{r.id} +{r.points} {r.why.replace('；', ';')}" for r in reasons) or "无加分项"
    return f"{reason}{_REASONS_MARK}{grade} {score}分：{items}"


def split_reason(stored: str) -> tuple[str, int | None, list[GradeReason]]:
    """warnings.reason -> (the lead's own reason, score, grade reasons)."""
    if _REASONS_MARK not in stored:
        return stored, None, []
    own, _, tail = stored.rpartition(_REASONS_MARK)
    m = re.match(r"\S+ (\d+)分：(.*)", tail, re.S)
    if not m:
        return own, None, []
    return own, int(m.group(1)), [GradeReason(i, int(p), w) for i, p, w in _REASON_ITEM.findall(m.group(2))]


# --------------------------------------------------------------------------------------------------------------------
# Deadlines


def as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def step_deadline(step: Step, created_at: datetime) -> datetime:
    created = as_utc(created_at)
    if step.same_day:
        local = created.astimezone(LOCAL_TZ)
        end = local.replace(hour=23, minute=59, second=59, microsecond=0).astimezone(UTC)
        return max(end, created + timedelta(minutes=step.min_minutes))
    return created + timedelta(minutes=step.within_minutes or 0)


def _done_rank(actions: Iterable[str]) -> int:
    return max((STEP_RANK[a] for a in actions if a in CONTACT_ACTIONS), default=-1)


def pending_steps(grade: str, done_actions: Iterable[str], *, rules: GradingRules | None = None) -> list[Step]:
    """Steps of the grade's plan not yet done. A step counts as done when it, or a later step, was recorded
    (a visit before a call is fine: the call is then no longer pending)."""
    rules = rules or load_rules()
    rank = _done_rank(done_actions)
    return [s for s in rules.deadlines[grade] if STEP_RANK[s.step] > rank]


def compute_due_at(
    grade: str,
    created_at: datetime,
    done_actions: Iterable[str] = (),
    last_action_at: datetime | None = None,
    *,
    rules: GradingRules | None = None,
) -> datetime:
    """created_at + the deadline of the first pending step; when the plan is done but the lead is still open
    (e.g. unreachable), the last action + ``followup_minutes``."""
    rules = rules or load_rules()
    pend = pending_steps(grade, done_actions, rules=rules)
    if pend:
        return step_deadline(pend[0], created_at)
    base = as_utc(last_action_at or created_at)
    return base + timedelta(minutes=rules.followup_minutes)


def next_step(w: Warning) -> Step | None:
    if w.status == "closed":
        return None
    pend = pending_steps(w.grade, [a.action for a in w.actions])
    return pend[0] if pend else None


def is_overdue(w: Warning, now: datetime | None = None) -> bool:
    """Open and past its due time."""
    now = as_utc(now or utcnow())
    return w.status != "closed" and now > as_utc(w.due_at)


# --------------------------------------------------------------------------------------------------------------------
# Creating and routing leads


def _audit(session: Session, *, actor: User | None, action: str, entity_id: int | None, detail: str) -> None:
    from fanzha.cases.audit import audit

    audit(session, actor=actor, action=action, entity="warning", entity_id=entity_id, detail=detail)


def _normalize_indicator(kind: str, value: str) -> str:
    """The register's canonical form (fanzha.indicators.normalize_value) when that package can parse it."""
    try:
        fn = getattr(importlib.import_module("fanzha.indicators"), "normalize_value", None)
        if fn is not None:
            return str(fn(kind, value))
    except (ImportError, ValueError, TypeError):
        pass
    return value.strip()


def _confirmed_in_register(session: Session, kind: str | None, value: str | None) -> bool:
    if not kind or not value:
        return False
    found = session.scalar(
        select(Indicator.id).where(Indicator.kind == kind, Indicator.value == value, Indicator.status == "confirmed")
    )
    return found is not None


def open_load(session: Session) -> dict[int, int]:
    """Open leads per active warning officer (officers with none included)."""
    open_count = func.count(Warning.id)
    rows = session.execute(
        select(User.id, open_count)
        .select_from(User)
        .outerjoin(Warning, (Warning.assigned_to == User.id) & (Warning.status != "closed"))
        .where(User.role == "warning_officer", User.active.is_(True))
        .group_by(User.id)
    ).all()
    return {int(uid): int(n) for uid, n in rows}


def pick_officer(load: dict[int, int]) -> int | None:
    """The officer with the fewest open leads (lowest id on a tie); None when there is none."""
    if not load:
        return None
    return min(load.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _check_assignee(session: Session, user_id: int) -> None:
    u = session.get(User, user_id)
    if u is None or not u.active or u.role not in ("warning_officer", "admin"):
        raise InvalidLead(f"assigned_to={user_id} is not an active warning officer")


def external_key(source: str, external_id: str, provider: str = "") -> str:
    raw = f"{source}:{provider}:{external_id}" if provider else f"{source}:{external_id}"
    if len(raw) <= 128:
        return raw
    return f"{source}:sha256:{hashlib.sha256(raw.encode('utf-8')).hexdigest()}"


def _prepare(session: Session, lead_in: LeadCreate) -> LeadCreate:
    """Normalise the indicator and look it up in the register (confirmed fraud number → grading signal)."""
    kind, value = lead_in.indicator_kind, lead_in.indicator_value
    if kind and value:
        value = _normalize_indicator(kind, value)
        confirmed = lead_in.fraud_number_confirmed or _confirmed_in_register(session, kind, value)
        return lead_in.model_copy(update={"indicator_value": value, "fraud_number_confirmed": confirmed})
    return lead_in


def _build(lead_in: LeadCreate, *, created_at: datetime, assigned_to: int | None, key: str | None) -> Warning:
    grade, reasons = grade_lead(lead_in)
    return Warning(
        external_key=key,
        source=lead_in.source,
        grade=grade,
        status="new",
        subject_name=lead_in.subject_name,
        subject_phone=lead_in.subject_phone,
        subject_age_band=lead_in.subject_age_band,
        typology=lead_in.typology,
        reason=_reason_with_grade(lead_in.reason, grade, reasons),
        indicator_kind=lead_in.indicator_kind,
        indicator_value=lead_in.indicator_value,
        assigned_to=assigned_to,
        created_at=created_at,
        due_at=compute_due_at(grade, created_at),
        loss_avoided_fen=0,
    )


def create_lead(
    *, session: Session, lead_in: LeadCreate, actor: User | None, now: datetime | None = None, provider: str = ""
) -> Warning:
    """Grade the lead, route it to a warning officer's queue (explicit ``assigned_to`` or the least loaded one) and
    set its due time from the grade. ``actor`` None = anonymous (the public 举报 form).

    Idempotent with ``external_id``: the same (source, provider, external_id) returns the existing lead.
    """
    created_at = as_utc(now or utcnow())
    key = external_key(lead_in.source, lead_in.external_id, provider) if lead_in.external_id else None
    if key is not None:
        existing = session.scalar(select(Warning).where(Warning.external_key == key))
        if existing is not None:
            return existing
    lead_in = _prepare(session, lead_in)
    if lead_in.assigned_to is not None:
        _check_assignee(session, lead_in.assigned_to)
        assignee: int | None = lead_in.assigned_to
    else:
        assignee = pick_officer(open_load(session))
    w = _build(lead_in, created_at=created_at, assigned_to=assignee, key=key)
    session.add(w)
    try:
        session.flush()
    except IntegrityError as exc:
        raise LeadConflict(f"a lead with external id {lead_in.external_id!r} was created at the same time") from exc
    _audit(
        session,
        actor=actor,
        action="create",
        entity_id=w.id,
        detail=f"source={w.source} grade={w.grade} assigned_to={w.assigned_to}",
    )
    log.info("warning %s created: source=%s grade=%s assigned_to=%s", w.id, w.source, w.grade, w.assigned_to)
    return w


_RISK_WORDS = {"high": "高", "medium": "中", "low": "低", "none": "无"}


def lead_from_verdict(
    verdict: Verdict,
    *,
    subject_name: str | None = None,
    subject_phone: str | None = None,
    subject_age: int | None = None,
    indicator_kind: str | None = None,
    indicator_value: str | None = None,
    money_moving: bool = False,
    source: Literal["screening", "citizen_report", "manual"] = "screening",
    external_id: str | None = None,
) -> LeadCreate:
    """A screening verdict on a message / number seen by a person -> a lead about that person.

    The reason is built from the verdict's evidence (the "why"s), never from the screened text itself (privacy).
    """
    typ: str | None
    try:
        typ = parse_typology(verdict.type)
    except ValueError:
        typ = Typology.OTHER.value if verdict.fraud else None
    whys = [e.why for e in sorted(verdict.evidence, key=lambda e: -e.weight)[:3]]
    reason = f"筛查判定{'诈骗' if verdict.fraud else '非诈骗'}（风险{_RISK_WORDS.get(verdict.risk.value, verdict.risk.value)}"
    reason += f"，{verdict.type}）" if verdict.type else "）"
    if whys:
        reason += "：" + "；".join(whys)
    return LeadCreate(
        source=source,
        reason=reason[:2000],
        subject_name=subject_name,
        subject_phone=subject_phone,
        subject_age=subject_age,
        typology=typ,
        indicator_kind=indicator_kind,
        indicator_value=indicator_value,
        money_moving=money_moving,
        screening_risk=verdict.risk.value,
        external_id=external_id,
    )


# --------------------------------------------------------------------------------------------------------------------
# Working a lead


def record_action(
    *, session: Session, warning_id: int, action_in: ActionCreate, actor: User, now: datetime | None = None
) -> WarningAction:
    """Record an SMS / call / visit / note on a lead with its outcome and the loss avoided.

    Any order of steps is accepted. A closing outcome (grading.yaml ``closing_outcomes``) or ``close=True`` closes the
    lead; otherwise due_at moves to the next pending step. Only the assignee (an unassigned lead is claimed by the
    warning officer who works it) or an admin may act. Raises LeadNotFound / LeadClosed / NotAllowed / InvalidLead.
    """
    rules = load_rules()
    w = session.get(Warning, warning_id, with_for_update=True)
    if w is None:
        raise LeadNotFound(f"warning {warning_id} not found")
    if w.status == "closed":
        raise LeadClosed(f"warning {warning_id} is closed ({w.outcome})")
    if actor.role != "admin":
        if actor.role != "warning_officer":
            raise NotAllowed("only warning officers and admins work leads")
        if w.assigned_to not in (None, actor.id):
            raise NotAllowed(f"warning {warning_id} is assigned to another officer")
    if w.assigned_to is None and actor.role == "warning_officer":
        w.assigned_to = actor.id
    at = as_utc(action_in.at or now or utcnow())
    current = as_utc(now or utcnow())
    if at > current + timedelta(minutes=5):
        raise InvalidLead("action time is in the future")
    if at < as_utc(w.created_at) - timedelta(minutes=5):
        raise InvalidLead("action time is before the lead was created")
    if action_in.case_id is not None:
        from fanzha.db.models import Case

        if session.get(Case, action_in.case_id) is None:
            raise InvalidLead(f"case {action_in.case_id} not found")
        w.case_id = action_in.case_id
    fen = yuan_to_fen(action_in.loss_avoided)
    act = WarningAction(
        warning_id=w.id,
        action=action_in.action,
        outcome=action_in.outcome,
        note=action_in.note,
        loss_avoided_fen=fen,
        officer_id=actor.id,
        at=at,
    )
    w.actions.append(act)
    w.loss_avoided_fen = (w.loss_avoided_fen or 0) + fen
    if action_in.outcome is not None:
        w.outcome = action_in.outcome
    if action_in.close or (action_in.outcome is not None and action_in.outcome in rules.closing_outcomes):
        w.status = "closed"
        w.closed_at = at
    else:
        w.status = "in_progress"
        done = [a.action for a in w.actions]
        last = max((as_utc(a.at) for a in w.actions if a.action in CONTACT_ACTIONS), default=None)
        w.due_at = compute_due_at(w.grade, w.created_at, done, last, rules=rules)
    session.flush()
    _audit(
        session,
        actor=actor,
        action="update",
        entity_id=w.id,
        detail=f"action={act.action} outcome={act.outcome} loss_avoided_fen={fen} status={w.status}",
    )
    return act


def queue(
    *,
    session: Session,
    officer: User | None,
    include_closed: bool = False,
    offset: int = 0,
    limit: int = 50,
    now: datetime | None = None,
) -> tuple[list[Warning], int]:
    """A queue: ``officer`` given → that officer's leads plus unassigned ones; None → every lead.

    Order: open leads first — overdue first, then grade 高 → 中 → 低, then due_at, then id; closed leads
    (with ``include_closed``) after them, the most recently closed first.
    """
    now = as_utc(now or utcnow())
    conds = []
    if officer is not None:
        conds.append(or_(Warning.assigned_to == officer.id, Warning.assigned_to.is_(None)))
    if not include_closed:
        conds.append(Warning.status != "closed")
    total = int(session.scalar(select(func.count(Warning.id)).where(*conds)) or 0)
    overdue_first = sa_case(((Warning.status != "closed") & (Warning.due_at < now), 0), else_=1)
    grade_order = sa_case({"高": 0, "中": 1, "低": 2}, value=Warning.grade, else_=3)
    closed_last = sa_case((Warning.status == "closed", 1), else_=0)
    # NULL for open leads, so it only orders the closed ones (NULL placement then does not matter).
    recently_closed = sa_case((Warning.status == "closed", Warning.closed_at), else_=None).desc()
    rows = session.scalars(
        select(Warning)
        .options(selectinload(Warning.actions))
        .where(*conds)
        .order_by(closed_last, recently_closed, overdue_first, grade_order, Warning.due_at, Warning.id)
        .offset(max(0, offset))
        .limit(max(1, min(limit, 500)))
    ).all()
    return list(rows), total


def get_lead(*, session: Session, warning_id: int, actor: User) -> Warning:
    """A lead for reading (audited). Warning officers may read their own and unassigned leads."""
    w = session.get(Warning, warning_id)
    if w is None:
        raise LeadNotFound(f"warning {warning_id} not found")
    if actor.role == "warning_officer" and w.assigned_to not in (None, actor.id):
        raise NotAllowed(f"warning {warning_id} is assigned to another officer")
    _audit(session, actor=actor, action="read", entity_id=w.id, detail="")
    return w


def to_public(w: Warning, *, now: datetime | None = None, with_actions: bool = False) -> WarningPublic:
    own, score, reasons = split_reason(w.reason or "")
    nxt = next_step(w)
    return WarningPublic(
        id=w.id,
        source=w.source,
        grade=w.grade,
        score=score,
        grade_reasons=[GradeReasonPublic(id=r.id, points=r.points, why=r.why) for r in reasons],
        status=w.status,
        subject_name=w.subject_name,
        subject_phone=w.subject_phone,
        subject_age_band=w.subject_age_band,
        typology=w.typology,
        reason=own,
        indicator_kind=w.indicator_kind,
        indicator_value=w.indicator_value,
        assigned_to=w.assigned_to,
        created_at=as_utc(w.created_at),
        due_at=as_utc(w.due_at),
        closed_at=as_utc(w.closed_at) if w.closed_at else None,
        overdue=is_overdue(w, now),
        next_step=nxt.step if nxt else None,
        next_step_label=nxt.label if nxt else None,
        outcome=w.outcome,
        loss_avoided=fen_to_yuan(w.loss_avoided_fen or 0),
        case_id=w.case_id,
        actions=[
            ActionPublic(
                id=a.id,
                action=a.action,
                outcome=a.outcome,
                note=a.note,
                loss_avoided=fen_to_yuan(a.loss_avoided_fen or 0),
                officer_id=a.officer_id,
                at=as_utc(a.at),
            )
            for a in w.actions
        ]
        if with_actions
        else [],
    )


# --------------------------------------------------------------------------------------------------------------------
# CSV import (operators / banks)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000

# canonical column -> accepted header names (lower-cased, spaces removed)
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "external_id": ("external_id", "id", "编号", "线索编号", "流水号"),
    "name": ("name", "姓名", "客户姓名"),
    "phone": ("phone", "手机号", "手机号码", "电话", "联系电话", "号码"),
    "age": ("age", "年龄"),
    "reason": ("reason", "原因", "预警原因", "风险描述", "描述"),
    "typology": ("typology", "类型", "诈骗类型", "案件类型"),
    "fraud_number": ("fraud_number", "涉诈号码", "诈骗号码", "对端号码"),
    "amount": ("amount", "金额", "涉及金额"),
    "contact_count": ("contact_count", "联系次数", "通话次数"),
    "call_minutes": ("call_minutes", "通话时长", "通话分钟"),
    "money_moving": ("money_moving", "正在转账"),
    "student": ("student", "学生"),
}
REQUIRED_COLUMNS = ("phone", "reason")
_TRUE = {"1", "true", "yes", "y", "是", "有", "t"}
_FALSE = {"", "0", "false", "no", "n", "否", "无", "f"}
_PHONE_RE = re.compile(r"^\+?\d{5,15}$")


class CsvImportError(InvalidLead):
    """A bad import file; ``row`` is the 1-based line number in the file (header = 1), None for the whole file."""

    def __init__(self, message: str, row: int | None = None) -> None:
        self.row = row
        super().__init__(f"row {row}: {message}" if row is not None else message)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    duplicates: int
    warning_ids: list[int] = field(default_factory=list)


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK). Binary or undecodable → CsvImportError."""
    if not data or not data.strip():
        raise CsvImportError("empty file")
    if b"\x00" in data[:8192]:
        raise CsvImportError("binary file (NUL bytes): expected a CSV text file (UTF-8 or GBK)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CsvImportError("cannot decode the file as UTF-8 or GBK") from exc


def _header_map(header: list[str]) -> dict[str, int]:
    lookup = {alias: canon for canon, aliases in CSV_COLUMNS.items() for alias in aliases}
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        key = re.sub(r"\s+", "", h).lower()
        canon = lookup.get(key)
        if canon is None:
            continue
        if canon in out:
            raise CsvImportError(f"column {canon!r} appears twice in the header", 1)
        out[canon] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in out]
    if missing:
        raise CsvImportError(
            f"missing column(s) {', '.join(missing)}; header was {header!r}; "
            f"required: {', '.join(REQUIRED_COLUMNS)}; optional: "
            + ", ".join(c for c in CSV_COLUMNS if c not in REQUIRED_COLUMNS),
            1,
        )
    return out


def _bool(v: str, col: str) -> bool:
    s = v.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"{col}: expected 是/否 or 1/0, got {v!r}")


def _int(v: str, col: str) -> int | None:
    s = v.strip()
    if not s:
        return None
    if not s.isdigit():
        raise ValueError(f"{col}: expected a whole number, got {v!r}")
    return int(s)


def _row_to_lead(cols: dict[str, int], row: list[str], source: str) -> LeadCreate:
    def get(c: str) -> str:
        i = cols.get(c)
        return row[i].strip() if i is not None else ""

    phone = re.sub(r"[\s\-()]", "", get("phone"))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE_RE.match(phone):
        raise ValueError(f"phone: expected a phone number, got {get('phone')!r}")
    if not get("reason"):
        raise ValueError("reason is empty")
    amount: Decimal | None = None
    if get("amount"):
        try:
            amount = Decimal(get("amount").replace(",", "").replace("元", ""))
        except InvalidOperation as exc:
            raise ValueError(f"amount: expected yuan like 12000.50, got {get('amount')!r}") from exc
    age = _int(get("age"), "age")
    fraud = get("fraud_number")
    payload: dict[str, Any] = {
        "source": source,
        "reason": get("reason"),
        "subject_name": get("name") or None,
        "subject_phone": phone,
        "subject_age": age,
        "typology": get("typology") or None,
        "indicator_kind": "phone" if fraud else None,
        "indicator_value": fraud or None,
        "amount": amount,
        "contact_count": _int(get("contact_count"), "contact_count") or 0,
        "call_minutes": _int(get("call_minutes"), "call_minutes") or 0,
        "money_moving": _bool(get("money_moving"), "money_moving"),
        "student": _bool(get("student"), "student"),
        "external_id": get("external_id") or None,
    }
    return LeadCreate.model_validate(payload)


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "row"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


def parse_leads_csv(data: bytes, *, source: str = "import", provider: str = "") -> list[tuple[int, str, LeadCreate]]:
    """Validate a whole file → [(line, external_key, lead)] or raise CsvImportError naming the first bad row.

    Columns (header row required; English or Chinese names): external_id, name, phone*, age, reason*, typology,
    fraud_number, amount, contact_count, call_minutes, money_moving, student (* = required).
    Without an external_id the key is a SHA-256 of the normalised row, so re-importing the same rows is a no-op.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise CsvImportError(f"file too large ({len(data)} bytes > {MAX_IMPORT_BYTES})")
    text = decode_csv_bytes(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise CsvImportError("empty file") from exc
    except csv.Error as exc:
        raise CsvImportError(f"malformed CSV: {exc}", 1) from exc
    cols = _header_map(header)
    out: list[tuple[int, str, LeadCreate]] = []
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CsvImportError(f"malformed CSV: {exc}", reader.line_num) from exc
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise CsvImportError(f"expected {len(header)} fields, got {len(row)}", line)
        if len(out) >= MAX_IMPORT_ROWS:
            raise CsvImportError(f"too many rows (max {MAX_IMPORT_ROWS} per file)", line)
        try:
            lead = _row_to_lead(cols, row, source)
        except ValidationError as exc:
            raise CsvImportError(_validation_message(exc), line) from exc
        except ValueError as exc:
            raise CsvImportError(str(exc), line) from exc
        if lead.external_id:
            key = external_key(source, lead.external_id, provider)
        else:
            canon = "\x1f".join(row[cols[c]].strip() if c in cols else "" for c in CSV_COLUMNS)
            key = external_key(source, "sha256:" + hashlib.sha256(canon.encode("utf-8")).hexdigest()[:40], provider)
        out.append((line, key, lead))
    if not out:
        raise CsvImportError("no data rows after the header")
    return out


def import_leads_csv(
    *,
    session: Session,
    data: bytes,
    actor: User | None,
    source: Literal["import", "bank", "screening"] = "import",
    provider: str = "",
    now: datetime | None = None,
) -> ImportResult:
    """Import at-risk people from an operator / bank CSV: all rows or none (the caller commits or rolls back).

    Idempotent: each row's key (source + provider + external_id, or a hash of the row) is unique, so the same file
    twice creates nothing new. Rows repeated inside the file count as duplicates. Leads are spread over the warning
    officers (least loaded first).
    """
    parsed = parse_leads_csv(data, source=source, provider=provider)
    keys = [k for _, k, _ in parsed]
    existing: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        existing.update(
            k for k in session.scalars(select(Warning.external_key).where(Warning.external_key.in_(chunk))) if k
        )
    created_at = as_utc(now or utcnow())
    # normalise the fraud numbers and look them all up in the register at once
    normed = [
        lead.model_copy(update={"indicator_value": _normalize_indicator(lead.indicator_kind, lead.indicator_value)})
        if lead.indicator_kind and lead.indicator_value
        else lead
        for _, _, lead in parsed
    ]
    values = sorted({ld.indicator_value for ld in normed if ld.indicator_kind == "phone" and ld.indicator_value})
    confirmed: set[str] = set()
    for i in range(0, len(values), 500):
        confirmed.update(
            session.scalars(
                select(Indicator.value).where(
                    Indicator.kind == "phone", Indicator.value.in_(values[i : i + 500]), Indicator.status == "confirmed"
                )
            )
        )
    load = open_load(session)
    new: list[Warning] = []
    seen: set[str] = set()
    duplicates = 0
    for (_line, key, _), lead in zip(parsed, normed, strict=True):
        if key in existing or key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if lead.indicator_value in confirmed and lead.indicator_kind == "phone":
            lead = lead.model_copy(update={"fraud_number_confirmed": True})
        officer = pick_officer(load)
        if officer is not None:
            load[officer] += 1
        w = _build(lead, created_at=created_at, assigned_to=officer, key=key)
        session.add(w)
        new.append(w)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent import of the same rows won the race; the caller rolls back
        raise LeadConflict("the same leads were imported at the same time; retry the import") from exc
    ids = [w.id for w in new]
    _audit(
        session,
        actor=actor,
        action="import",
        entity_id=None,
        detail=f"source={source} provider={provider} rows={len(parsed)} created={len(ids)} duplicates={duplicates}",
    )
    return ImportResult(rows=len(parsed), created=len(ids), duplicates=duplicates, warning_ids=ids)
