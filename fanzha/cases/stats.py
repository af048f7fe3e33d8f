"""Statistics for the county desk: cases and losses by week / month × typology, channel, victim age band, gender;
warnings worked / reached / losses avoided; suspects identified; rising-type alerts.

Periods are calendar periods in China local time (UTC+8): ISO weeks ("2026-W05", Monday start) and months
("2026-01"). Rows are read with plain SELECTs and bucketed in Python, so the same code gives the same numbers on
SQLite and PostgreSQL. Money comes back in yuan (``Decimal``, 2 decimals).

Public functions
    case_stats(session, *, period="week", date_from=None, date_to=None) -> dict
    warning_stats(session, *, period="week", date_from=None, date_to=None, now=None) -> dict
    rising_types(session, *, now=None, window_days=28, min_growth=0.5, min_count=3) -> list[RisingType]
    period_key(dt, period) -> str, period_start(key) -> date
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.cases.warnings import CONTACT_ACTIONS, LOCAL_TZ, as_utc, fen_to_yuan, load_rules, step_deadline, utcnow
from fanzha.db.models import AGE_BANDS, Case, Victim, Warning, WarningAction

Period = Literal["week", "month"]
UNKNOWN = "未知"
DateLike = date | datetime | None


class StatsError(ValueError):
    pass


# --------------------------------------------------------------------------------------------------------------------
# Periods


def period_key(dt: datetime, period: str) -> str:
    local = as_utc(dt).astimezone(LOCAL_TZ)
    if period == "week":
        iso = local.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if period == "month":
        return f"{local.year}-{local.month:02d}"
    raise StatsError(f"period must be week or month, not {period!r}")


def period_start(key: str) -> date:
    if "-W" in key:
        y, w = key.split("-W")
        return date.fromisocalendar(int(y), int(w), 1)
    y, m = key.split("-")
    return date(int(y), int(m), 1)


def _next_start(d: date, period: str) -> date:
    if period == "week":
        return d + timedelta(days=7)
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _key_of_start(d: date, period: str) -> str:
    if period == "week":
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{d.year}-{d.month:02d}"


def period_keys(first: str, last: str, period: str) -> list[str]:
    """Every period from first to last inclusive (gaps filled, so charts have a continuous axis)."""
    out: list[str] = []
    d, end = period_start(first), period_start(last)
    while d <= end and len(out) < 10_000:
        out.append(_key_of_start(d, period))
        d = _next_start(d, period)
    return out


def _bound(v: DateLike, *, end: bool) -> datetime | None:
    """A date means the whole local day (date_to inclusive); a datetime is used as-is (date_to exclusive)."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return as_utc(v)
    d = v + timedelta(days=1) if end else v
    return datetime.combine(d, time(0), LOCAL_TZ).astimezone(UTC)


def _check_period(period: str) -> None:
    if period not in ("week", "month"):
        raise StatsError(f"period must be week or month, not {period!r}")


def _range_keys(keys: Iterable[str], period: str, lo: datetime | None, hi: datetime | None) -> list[str]:
    ks = sorted(set(keys))
    first = period_key(lo, period) if lo is not None else (ks[0] if ks else None)
    last = period_key(hi - timedelta(microseconds=1), period) if hi is not None else (ks[-1] if ks else None)
    if first is None or last is None:
        return []
    if ks:
        first, last = min(first, ks[0]), max(last, ks[-1])
    return period_keys(first, last, period)


# --------------------------------------------------------------------------------------------------------------------
# Cases


class _Acc:
    __slots__ = ("cases", "loss", "recovered", "suspects")

    def __init__(self) -> None:
        self.cases = 0
        self.loss = 0
        self.recovered = 0
        self.suspects = 0

    def add(self, loss: int, recovered: int, suspects: int) -> None:
        self.cases += 1
        self.loss += loss
        self.recovered += recovered
        self.suspects += suspects

    def out(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "loss_yuan": fen_to_yuan(self.loss),
            "recovered_yuan": fen_to_yuan(self.recovered),
            "suspects_identified": self.suspects,
        }


DIMENSIONS = ("typology", "channel", "age_band", "gender")


def _dim_order(dim: str, keys: Iterable[str], accs: dict[str, _Acc]) -> list[str]:
    if dim == "age_band":
        order = {b: i for i, b in enumerate(AGE_BANDS)}
        return sorted(keys, key=lambda k: (order.get(k, len(order)), k))
    return sorted(keys, key=lambda k: (-accs[k].cases, -accs[k].loss, k))


def case_stats(
    session: Session, *, period: str = "week", date_from: DateLike = None, date_to: DateLike = None
) -> dict[str, Any]:
    """Counts and loss sums of cases (by reported_at) per period, overall and per typology / channel / victim age
    band / victim gender, with the totals and per-dimension totals. Missing values count as "未知"."""
    _check_period(period)
    lo, hi = _bound(date_from, end=False), _bound(date_to, end=True)
    if lo is not None and hi is not None and hi <= lo:
        raise StatsError("date_to is before date_from")
    stmt = select(
        Case.reported_at,
        Case.typology,
        Case.channel,
        Case.amount_lost_fen,
        Case.amount_recovered_fen,
        Case.suspects_identified,
        Victim.age_band,
        Victim.gender,
    ).outerjoin(Victim, Case.victim_id == Victim.id)
    if lo is not None:
        stmt = stmt.where(Case.reported_at >= lo)
    if hi is not None:
        stmt = stmt.where(Case.reported_at < hi)

    total = _Acc()
    per_period: dict[str, _Acc] = defaultdict(_Acc)
    per_dim: dict[str, dict[str, _Acc]] = {d: defaultdict(_Acc) for d in DIMENSIONS}
    per_period_dim: dict[str, dict[str, dict[str, _Acc]]] = defaultdict(
        lambda: {d: defaultdict(_Acc) for d in DIMENSIONS}
    )
    for reported_at, typ, channel, lost, recovered, suspects, band, gender in session.execute(stmt):
        key = period_key(reported_at, period)
        vals = (lost or 0, recovered or 0, suspects or 0)
        total.add(*vals)
        per_period[key].add(*vals)
        dims = {"typology": typ, "channel": channel, "age_band": band, "gender": gender}
        for d in DIMENSIONS:
            v = dims[d] or UNKNOWN
            per_dim[d][v].add(*vals)
            per_period_dim[key][d][v].add(*vals)

    series = []
    for key in _range_keys(per_period, period, lo, hi):
        row: dict[str, Any] = {"period": key, "start": period_start(key).isoformat()}
        row.update((per_period[key] if key in per_period else _Acc()).out())
        pd = per_period_dim.get(key)
        for d in DIMENSIONS:
            accs = pd[d] if pd else {}
            row[f"by_{d}"] = {k: accs[k].out() for k in _dim_order(d, accs.keys(), accs)}
        series.append(row)
    result: dict[str, Any] = {
        "period": period,
        "timezone": "UTC+8",
        "date_from": lo.isoformat() if lo else None,
        "date_to": hi.isoformat() if hi else None,
        "totals": total.out(),
        "series": series,
    }
    for d in DIMENSIONS:
        accs = per_dim[d]
        result[f"by_{d}"] = [{"key": k, **accs[k].out()} for k in _dim_order(d, accs.keys(), accs)]
    return result


# --------------------------------------------------------------------------------------------------------------------
# Warnings


def warning_stats(
    session: Session,
    *,
    period: str = "week",
    date_from: DateLike = None,
    date_to: DateLike = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Leads (by created_at) per period: created, worked (≥ 1 SMS / call / visit), reached (an outcome that means
    the person was reached), closed, overdue, first contact on time, losses avoided; per grade, source, outcome;
    plus suspects identified on cases reported in the same range."""
    _check_period(period)
    rules = load_rules()
    now = as_utc(now or utcnow())
    lo, hi = _bound(date_from, end=False), _bound(date_to, end=True)
    if lo is not None and hi is not None and hi <= lo:
        raise StatsError("date_to is before date_from")
    wstmt = select(
        Warning.id,
        Warning.created_at,
        Warning.grade,
        Warning.source,
        Warning.status,
        Warning.outcome,
        Warning.loss_avoided_fen,
        Warning.due_at,
    )
    astmt = select(WarningAction.warning_id, WarningAction.action, WarningAction.outcome, WarningAction.at).join(
        Warning, Warning.id == WarningAction.warning_id
    )
    cstmt = select(Case.suspects_identified)
    if lo is not None:
        wstmt, astmt = wstmt.where(Warning.created_at >= lo), astmt.where(Warning.created_at >= lo)
        cstmt = cstmt.where(Case.reported_at >= lo)
    if hi is not None:
        wstmt, astmt = wstmt.where(Warning.created_at < hi), astmt.where(Warning.created_at < hi)
        cstmt = cstmt.where(Case.reported_at < hi)

    first_contact: dict[int, datetime] = {}
    reached_ids: set[int] = set()
    for wid, action, outcome, at in session.execute(astmt):
        if action in CONTACT_ACTIONS:
            at = as_utc(at)
            if wid not in first_contact or at < first_contact[wid]:
                first_contact[wid] = at
        if outcome in rules.reached_outcomes:
            reached_ids.add(wid)

    def blank() -> dict[str, Any]:
        return {"leads": 0, "worked": 0, "reached": 0, "closed": 0, "overdue": 0, "on_time": 0, "loss_avoided_fen": 0}

    total = blank()
    per_period: dict[str, dict[str, Any]] = defaultdict(blank)
    per_grade: dict[str, dict[str, Any]] = {g: blank() for g in ("高", "中", "低")}
    per_source: dict[str, dict[str, Any]] = defaultdict(blank)
    outcomes: Counter[str] = Counter()
    for wid, created_at, grade, source, status, outcome, loss_fen, due_at in session.execute(wstmt):
        created_at = as_utc(created_at)
        worked = wid in first_contact
        reached = wid in reached_ids or outcome in rules.reached_outcomes
        closed = status == "closed"
        overdue = not closed and now > as_utc(due_at)
        steps = rules.deadlines.get(grade) or ()
        on_time = worked and bool(steps) and first_contact[wid] <= step_deadline(steps[0], created_at)
        outcomes[outcome or ("open" if not closed else "closed")] += 1
        for acc in (
            total,
            per_period[period_key(created_at, period)],
            per_grade.setdefault(grade, blank()),
            per_source[source],
        ):
            acc["leads"] += 1
            acc["worked"] += worked
            acc["reached"] += reached
            acc["closed"] += closed
            acc["overdue"] += overdue
            acc["on_time"] += on_time
            acc["loss_avoided_fen"] += loss_fen or 0

    def fmt(acc: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in acc.items() if k != "loss_avoided_fen"}
        out["loss_avoided_yuan"] = fen_to_yuan(acc["loss_avoided_fen"])
        out["reach_rate"] = round(acc["reached"] / acc["worked"], 3) if acc["worked"] else None
        out["on_time_rate"] = round(acc["on_time"] / acc["worked"], 3) if acc["worked"] else None
        return out

    suspects = sum(int(s or 0) for s in session.scalars(cstmt))
    series = [
        {"period": k, "start": period_start(k).isoformat(), **fmt(per_period.get(k) or blank())}
        for k in _range_keys(per_period, period, lo, hi)
    ]
    return {
        "period": period,
        "timezone": "UTC+8",
        "date_from": lo.isoformat() if lo else None,
        "date_to": hi.isoformat() if hi else None,
        "now": now.isoformat(),
        "totals": {**fmt(total), "suspects_identified": suspects},
        "series": series,
        "by_grade": {g: fmt(a) for g, a in per_grade.items()},
        "by_source": {s: fmt(a) for s, a in sorted(per_source.items())},
        "by_outcome": dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


# --------------------------------------------------------------------------------------------------------------------
# Rising types


@dataclass(frozen=True)
class RisingType:
    typology: str
    current: int
    previous: int
    growth: float | None  # (current - previous) / previous; None when previous == 0 (new)
    window_days: int
    current_loss_yuan: Decimal  # cases: loss in the current window; warnings: loss avoided
    why: str

    def to_record(self) -> dict[str, Any]:
        return {
            "typology": self.typology,
            "current": self.current,
            "previous": self.previous,
            "growth": self.growth,
            "window_days": self.window_days,
            "current_loss_yuan": self.current_loss_yuan,
            "why": self.why,
        }


def rising_types(
    session: Session,
    *,
    now: datetime | None = None,
    window_days: int = 28,
    min_growth: float = 0.5,
    min_count: int = 3,
    source: str = "cases",
) -> list[RisingType]:
    """Typologies whose count in the last ``window_days`` (now - window, now] grew against the window before:
    current >= min_count and (previous == 0 or (current - previous) / previous >= min_growth).
    ``source`` "cases" counts cases by reported_at; "warnings" counts warning leads by created_at (an earlier signal).
    Sorted by growth (new types first), then count."""
    if window_days < 1 or window_days > 3660:
        raise StatsError("window_days must be between 1 and 3660")
    if min_count < 1:
        raise StatsError("min_count must be at least 1")
    now = as_utc(now or utcnow())
    w = timedelta(days=window_days)
    start = now - 2 * w
    if source == "cases":
        stmt = select(Case.reported_at, Case.typology, Case.amount_lost_fen).where(
            Case.reported_at > start, Case.reported_at <= now, Case.typology.is_not(None)
        )
        unit = "cases"
    elif source == "warnings":
        stmt = select(Warning.created_at, Warning.typology, Warning.loss_avoided_fen).where(
            Warning.created_at > start, Warning.created_at <= now, Warning.typology.is_not(None)
        )
        unit = "warnings"
    else:
        raise StatsError(f"source must be cases or warnings, not {source!r}")
    rows = session.execute(stmt)
    cur: Counter[str] = Counter()
    prev: Counter[str] = Counter()
    loss: Counter[str] = Counter()
    for reported_at, typ_, lost in rows:
        typ = str(typ_)
        if as_utc(reported_at) > now - w:
            cur[typ] += 1
            loss[typ] += lost or 0
        else:
            prev[typ] += 1
    out: list[RisingType] = []
    for typ, c in cur.items():
        p = prev.get(typ, 0)
        if c < min_count:
            continue
        growth = None if p == 0 else (c - p) / p
        if growth is not None and growth < min_growth:
            continue
        change = "new (none before)" if growth is None else f"+{round(growth * 100)}%"
        why = f"{typ}: {c} {unit} vs {p} in previous {window_days} days, {change}"
        out.append(RisingType(typ, c, p, growth, window_days, fen_to_yuan(loss[typ]), why))
    out.sort(key=lambda r: (r.growth is not None, -(r.growth or 0.0), -r.current, r.typology))
    return out
