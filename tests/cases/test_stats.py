"""Statistics on SQLite and PostgreSQL with synthetic data; expected numbers are computed independently here."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fanzha.cases.stats import StatsError, case_stats, period_start, rising_types, warning_stats
from fanzha.cases.warning_schemas import ActionCreate, LeadCreate
from fanzha.cases.warnings import create_lead, record_action
from fanzha.db.models import Case, Victim

TYPES = ["刷单返利类", "虚假网络投资理财类", "冒充公检法及政府机关类", None]
CHANNELS = ["电话", "短信", "QQ", "微信", None]
BANDS = ["18-25", "26-35", "65+", None]
GENDERS = ["男", "女", "未知"]
CST = timedelta(hours=8)


def add_case(
    session: Session,
    n: int,
    reported_at: datetime,
    *,
    typology: str | None = None,
    channel: str | None = None,
    lost_fen: int = 0,
    suspects: int = 0,
    band: str | None = None,
    gender: str = "未知",
) -> Case:
    victim = None
    if band is not None:
        victim = Victim(name=None, age_band=band, gender=gender)
        session.add(victim)
        session.flush()
    c = Case(
        case_no=f"T-{n:05d}",
        reported_at=reported_at,
        typology=typology,
        channel=channel,
        amount_lost_fen=lost_fen,
        amount_recovered_fen=lost_fen // 10,
        status="open",
        narrative="合成测试案件",
        suspects_identified=suspects,
        victim_id=victim.id if victim else None,
    )
    session.add(c)
    return c


def synthetic(session: Session) -> list[dict[str, Any]]:
    rng = random.Random(20260301)
    start = datetime(2025, 12, 20, tzinfo=UTC)
    rows = []
    for i in range(90):
        # minutes chosen so that many cases fall in the 16:00–24:00 UTC band (next day in China)
        at = start + timedelta(
            days=rng.randint(0, 70), hours=rng.choice([1, 15, 16, 17, 23]), minutes=rng.randint(0, 59)
        )
        row = dict(
            reported_at=at,
            typology=rng.choice(TYPES),
            channel=rng.choice(CHANNELS),
            lost_fen=rng.randint(0, 5_000_000),
            suspects=rng.choice([0, 0, 1, 2]),
            band=rng.choice(BANDS),
            gender=rng.choice(GENDERS),
        )
        add_case(session, i, **row)  # type: ignore[arg-type]
        rows.append(row)
    session.commit()
    return rows


def local_date(dt: datetime) -> date:
    return (dt.astimezone(UTC) + CST).date()


def week_start(dt: datetime) -> date:
    d = local_date(dt)
    return d - timedelta(days=d.weekday())


def month_start(dt: datetime) -> date:
    return local_date(dt).replace(day=1)


@pytest.mark.parametrize("period", ["week", "month"])
def test_case_buckets(session: Session, period: str) -> None:
    rows = synthetic(session)
    bucket = week_start if period == "week" else month_start
    exp_n: dict[date, int] = defaultdict(int)
    exp_loss: dict[date, int] = defaultdict(int)
    exp_type: dict[tuple[date, str], int] = defaultdict(int)
    for r in rows:
        b = bucket(r["reported_at"])
        exp_n[b] += 1
        exp_loss[b] += r["lost_fen"]
        exp_type[(b, r["typology"] or "未知")] += 1
    st = case_stats(session, period=period)
    got = {date.fromisoformat(s["start"]): s for s in st["series"]}
    assert {k for k, s in got.items() if s["cases"]} == set(exp_n)
    for b, n in exp_n.items():
        assert got[b]["cases"] == n
        assert got[b]["loss_yuan"] == Decimal(exp_loss[b]) / 100
    for (b, t), n in exp_type.items():
        assert got[b]["by_typology"][t]["cases"] == n
    # continuous axis: consecutive buckets
    starts = [date.fromisoformat(s["start"]) for s in st["series"]]
    assert starts == sorted(starts) and len(starts) == len(set(starts))
    if period == "week":
        assert all((b - a).days == 7 for a, b in zip(starts, starts[1:], strict=False))
        assert all(period_start(s["period"]) == date.fromisoformat(s["start"]) for s in st["series"])
    assert st["totals"]["cases"] == 90
    assert st["totals"]["loss_yuan"] == Decimal(sum(r["lost_fen"] for r in rows)) / 100
    assert st["totals"]["suspects_identified"] == sum(r["suspects"] for r in rows)


def test_case_dimensions(session: Session) -> None:
    rows = synthetic(session)
    st = case_stats(session, period="month")
    for dim, field, default in (
        ("channel", "channel", "未知"),
        ("age_band", "band", "未知"),
        ("typology", "typology", "未知"),
    ):
        exp: dict[str, int] = defaultdict(int)
        for r in rows:
            exp[r[field] or default] += 1
        assert {d["key"]: d["cases"] for d in st[f"by_{dim}"]} == exp
    exp_g: dict[str, int] = defaultdict(int)
    for r in rows:
        exp_g[r["gender"] if r["band"] is not None else "未知"] += 1
    assert {d["key"]: d["cases"] for d in st["by_gender"]} == exp_g
    bands = [d["key"] for d in st["by_age_band"]]
    assert bands == [b for b in ("18-25", "26-35", "65+", "未知") if b in bands]  # age order, unknown last


def test_local_time_boundaries_and_date_range(session: Session) -> None:
    # 2025-12-31 16:30 UTC is 2026-01-01 00:30 in China: January, ISO week 2026-W01
    add_case(session, 1, datetime(2025, 12, 31, 16, 30, tzinfo=UTC), lost_fen=100)
    add_case(session, 2, datetime(2025, 12, 31, 15, 30, tzinfo=UTC), lost_fen=200)  # 23:30 on 12-31
    add_case(session, 3, datetime(2026, 1, 20, 4, 0, tzinfo=UTC), lost_fen=400)
    session.commit()
    st = case_stats(session, period="month")
    assert [(s["period"], s["cases"]) for s in st["series"]] == [("2025-12", 1), ("2026-01", 2)]
    wk = case_stats(session, period="week")
    assert wk["series"][0]["period"] == "2026-W01"  # 2025-12-29 .. 2026-01-04 (ISO)
    assert wk["series"][0]["cases"] == 2 and len(wk["series"]) == 4  # W01..W04 filled
    only_jan = case_stats(session, period="month", date_from=date(2026, 1, 1), date_to=date(2026, 1, 20))
    assert only_jan["totals"]["cases"] == 2 and only_jan["totals"]["loss_yuan"] == Decimal("5.00")
    with pytest.raises(StatsError):
        case_stats(session, period="year")
    with pytest.raises(StatsError):
        case_stats(session, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1))
    empty = case_stats(session, period="week", date_from=date(2030, 1, 1))
    assert empty["totals"]["cases"] == 0 and all(s["cases"] == 0 for s in empty["series"])


def test_rising_types(session: Session) -> None:
    now = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    n = 0

    def many(typ: str, count: int, days_ago_lo: float, days_ago_hi: float) -> None:
        nonlocal n
        for i in range(count):
            frac = (i + 0.5) / count
            add_case(
                session,
                n,
                now - timedelta(days=days_ago_lo + (days_ago_hi - days_ago_lo) * frac),
                typology=typ,
                lost_fen=10_000,
            )
            n += 1

    many("刷单返利类", 12, 0, 27)  # current
    many("刷单返利类", 5, 29, 55)  # previous
    many("冒充公检法及政府机关类", 4, 1, 20)  # new: 4 vs 0
    many("虚假购物、服务类", 3, 1, 20)
    many("虚假购物、服务类", 3, 30, 50)  # flat
    many("网络游戏产品虚假交易类", 2, 1, 5)  # too few
    many("虚假网络投资理财类", 6, 1, 20)
    many("虚假网络投资理财类", 4, 30, 50)  # +50% = exactly min_growth
    many("网络婚恋、交友类", 9, 60, 80)  # older than both windows
    add_case(session, 999, now - timedelta(days=28), typology="冒充领导、熟人类")  # boundary -> previous window
    session.commit()
    got = rising_types(session, now=now, window_days=28, min_growth=0.5, min_count=3)
    assert [r.typology for r in got] == ["冒充公检法及政府机关类", "刷单返利类", "虚假网络投资理财类"]
    sd = got[1]
    assert (sd.current, sd.previous) == (12, 5) and sd.growth == pytest.approx(1.4)
    assert sd.why == "刷单返利类: 12 cases vs 5 in previous 28 days, +140%"
    assert sd.current_loss_yuan == Decimal("1200.00")
    assert got[0].growth is None and "new" in got[0].why
    strict = rising_types(session, now=now, min_growth=0.6, min_count=5)
    assert [r.typology for r in strict] == ["刷单返利类"]
    assert rising_types(session, now=now - timedelta(days=400)) == []
    with pytest.raises(StatsError):
        rising_types(session, now=now, source="rumours")


def test_rising_warning_leads(session: Session) -> None:
    now = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    for i in range(6):  # 6 刷单 leads in the last 28 days, 2 before
        create_lead(
            session=session,
            lead_in=LeadCreate(reason="刷单", typology="刷单"),
            actor=None,
            now=now - timedelta(days=1 + i * 4),
        )
    for i in range(2):
        create_lead(
            session=session,
            lead_in=LeadCreate(reason="刷单", typology="刷单"),
            actor=None,
            now=now - timedelta(days=30 + i),
        )
    create_lead(session=session, lead_in=LeadCreate(reason="无类型"), actor=None, now=now - timedelta(days=2))
    session.commit()
    got = rising_types(session, now=now, source="warnings")
    assert [(r.typology, r.current, r.previous) for r in got] == [("刷单返利类", 6, 2)]
    assert got[0].why == "刷单返利类: 6 warnings vs 2 in previous 28 days, +200%"
    assert rising_types(session, now=now, source="cases") == []


def test_warning_stats(session: Session, make_user: Callable[..., Any]) -> None:
    o = make_user("warning_officer")
    t0 = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 China, ISO 2026-W06

    def lead(reason: str, days: int = 0, **kw: Any) -> int:
        w = create_lead(
            session=session, lead_in=LeadCreate(reason=reason, **kw), actor=None, now=t0 + timedelta(days=days)
        )
        session.flush()
        return w.id

    def act(wid: int, at: datetime, **kw: Any) -> None:
        record_action(session=session, warning_id=wid, action_in=ActionCreate(**kw), actor=o, now=at)

    a = lead("正在转账")  # 高, SMS on time, reached, 5000 yuan avoided
    act(a, t0 + timedelta(minutes=1), action="sms")
    act(a, t0 + timedelta(minutes=9), action="call", outcome="reached", loss_avoided=Decimal("5000"))
    b = lead("正在转账", days=1)  # 高, first contact late (20 min), money already sent
    act(b, t0 + timedelta(days=1, minutes=20), action="call", outcome="money_sent")
    c = lead("冒充公检法", typology="公检法", days=8)  # 中, unreachable, still open
    act(c, t0 + timedelta(days=8, minutes=30), action="call", outcome="unreachable")
    lead("普通提醒", days=9)  # 低, not worked, overdue at `now`
    d = lead("普通提醒", days=9)  # 低, note only: not worked
    act(d, t0 + timedelta(days=9, minutes=5), action="note", note="待联系")
    e = lead("正在转账", days=9)  # 高, visit, fraud confirmed, 12000.50 avoided
    act(
        e,
        t0 + timedelta(days=9, minutes=1),
        action="visit",
        outcome="fraud_confirmed",
        loss_avoided=Decimal("12000.50"),
    )
    add_case(session, 1, t0 + timedelta(days=3), suspects=3)
    add_case(session, 2, t0 + timedelta(days=40), suspects=5)  # outside the range below
    session.commit()

    now = t0 + timedelta(days=12)
    st = warning_stats(session, period="week", date_from=date(2026, 2, 1), date_to=date(2026, 2, 28), now=now)
    tot = st["totals"]
    assert tot["leads"] == 6
    assert tot["worked"] == 4  # a, b, c, e
    assert tot["reached"] == 3  # a (reached), b (money_sent), e (fraud_confirmed)
    assert tot["closed"] == 3
    assert tot["overdue"] == 3  # c (follow-up passed), the unworked 低 and d
    assert tot["on_time"] == 3  # a (SMS in 1 min), c (call in 30 min < 2 h), e (visit in 1 min < 2 min SMS deadline)
    assert tot["loss_avoided_yuan"] == Decimal("17000.50")
    assert tot["suspects_identified"] == 3
    assert tot["reach_rate"] == pytest.approx(0.75)
    assert st["by_grade"]["高"]["leads"] == 3 and st["by_grade"]["高"]["on_time"] == 2
    assert st["by_outcome"]["reached"] == 1 and st["by_outcome"]["open"] == 2
    series = {s["period"]: s for s in st["series"]}
    assert series["2026-W06"]["leads"] == 2 and series["2026-W06"]["loss_avoided_yuan"] == Decimal("5000.00")
    assert series["2026-W07"]["leads"] == 4 and series["2026-W07"]["worked"] == 2
    assert series["2026-W09"]["leads"] == 0  # filled up to date_to
    by_month = warning_stats(session, period="month", now=now)
    assert [(s["period"], s["leads"]) for s in by_month["series"]] == [("2026-02", 6)]
    assert by_month["totals"]["suspects_identified"] == 8
