"""Lead workflow on SQLite and PostgreSQL: create → route → work → close, overdue, queue order, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.cases.warning_schemas import ActionCreate, LeadCreate
from fanzha.cases.warnings import (
    LeadClosed,
    LeadNotFound,
    NotAllowed,
    _normalize_indicator,
    create_lead,
    is_overdue,
    queue,
    record_action,
    to_public,
)
from fanzha.db.models import AuditLog, Indicator, Warning, WarningAction

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def mk(session: Session, actor: Any = None, now: datetime = T0, **kw: Any) -> Warning:
    kw.setdefault("reason", "测试线索")
    w = create_lead(session=session, lead_in=LeadCreate.model_validate(kw), actor=actor, now=now)
    session.commit()
    return w


def act(session: Session, w: Warning, actor: Any, now: datetime, **kw: Any) -> WarningAction:
    a = record_action(session=session, warning_id=w.id, action_in=ActionCreate.model_validate(kw), actor=actor, now=now)
    session.commit()
    return a


def test_routing_to_least_loaded_officer(session: Session, make_user: Callable[..., Any]) -> None:
    o1, o2 = make_user("warning_officer"), make_user("warning_officer")
    make_user("desk_officer")  # never routed to
    ids = [mk(session).assigned_to for _ in range(4)]
    assert sorted(ids) == sorted([o1.id, o1.id, o2.id, o2.id])
    # o1 closes one -> o1 has fewer open leads -> the next goes to o1
    w = session.scalars(select(Warning).where(Warning.assigned_to == o1.id)).first()
    assert w is not None
    act(session, w, o1, T0 + timedelta(minutes=1), action="call", outcome="not_fraud")
    assert mk(session).assigned_to == o1.id
    # explicit assignee wins; a non-officer assignee is refused
    assert mk(session, assigned_to=o2.id).assigned_to == o2.id
    desk = make_user("desk_officer")
    with pytest.raises(ValueError):
        mk(session, assigned_to=desk.id)


def test_no_officer_leaves_lead_unassigned_and_citizen_report_is_anonymous(
    session: Session, make_user: Callable[..., Any]
) -> None:
    w = mk(session, source="citizen_report", reason="群众举报：有人冒充客服让我退款")
    assert w.assigned_to is None and w.source == "citizen_report"
    row = session.scalars(select(AuditLog).where(AuditLog.entity == "warning", AuditLog.entity_id == w.id)).one()
    assert row.user_id is None and row.action == "create"
    # the first warning officer who works it claims it
    o = make_user("warning_officer")
    act(session, w, o, T0 + timedelta(minutes=5), action="sms")
    session.refresh(w)
    assert w.assigned_to == o.id and w.status == "in_progress"


def test_high_lead_flow_deadlines_and_close(session: Session, make_user: Callable[..., Any]) -> None:
    o = make_user("warning_officer")
    w = mk(
        session,
        source="bank",
        reason="柜台拦截：老人要给安全账户汇款",
        subject_age=72,
        typology="公检法",
        amount=Decimal("80000"),
    )
    assert w.grade == "高" and w.status == "new"
    assert w.due_at == T0 + timedelta(minutes=2)
    assert not is_overdue(w, T0 + timedelta(minutes=1))
    assert is_overdue(w, T0 + timedelta(minutes=3))
    act(session, w, o, T0 + timedelta(minutes=1), action="sms")
    session.refresh(w)
    assert w.due_at == T0 + timedelta(minutes=10) and w.status == "in_progress"
    assert is_overdue(w, T0 + timedelta(minutes=11))
    # visit before call is fine: the plan is complete; unreachable does not close
    act(session, w, o, T0 + timedelta(minutes=8), action="visit", outcome="unreachable")
    session.refresh(w)
    assert w.status == "in_progress" and w.outcome == "unreachable"
    assert to_public(w, now=T0 + timedelta(minutes=9)).next_step is None
    act(
        session,
        w,
        o,
        T0 + timedelta(minutes=40),
        action="call",
        outcome="reached",
        loss_avoided=Decimal("30000.50"),
        note="已劝阻，未转账",
    )
    session.refresh(w)
    assert w.status == "closed" and w.outcome == "reached" and w.closed_at == T0 + timedelta(minutes=40)
    assert w.loss_avoided_fen == 3_000_050
    assert not is_overdue(w, T0 + timedelta(days=3))
    with pytest.raises(LeadClosed):
        act(session, w, o, T0 + timedelta(minutes=50), action="note", note="补充")
    session.rollback()
    pub = to_public(w, with_actions=True)
    assert pub.loss_avoided == Decimal("30000.50") and [a.action for a in pub.actions] == ["sms", "visit", "call"]
    assert pub.grade_reasons and pub.score is not None and pub.score >= 60
    assert pub.reason == "柜台拦截：老人要给安全账户汇款"
    n = session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.entity_id == w.id, AuditLog.entity == "warning")
    )
    assert n == 4  # create + 3 actions


def test_unreachable_then_explicit_close(session: Session, make_user: Callable[..., Any]) -> None:
    o = make_user("warning_officer")
    w = mk(session, reason="普通提醒")
    assert w.grade == "低" and w.due_at == T0 + timedelta(hours=24)
    act(session, w, o, T0 + timedelta(hours=1), action="call", outcome="unreachable")
    session.refresh(w)
    assert w.status == "in_progress" and w.due_at == T0 + timedelta(hours=25)  # follow-up within 24 h
    act(session, w, o, T0 + timedelta(hours=30), action="call", outcome="unreachable", close=True)
    session.refresh(w)
    assert w.status == "closed" and w.outcome == "unreachable"


def test_permissions_and_errors(session: Session, make_user: Callable[..., Any]) -> None:
    o1 = make_user("warning_officer")
    w = mk(session)
    o2 = make_user("warning_officer")
    desk, admin = make_user("desk_officer"), make_user("admin")
    with pytest.raises(NotAllowed):
        act(session, w, o2, T0, action="call")
    session.rollback()
    with pytest.raises(NotAllowed):
        act(session, w, desk, T0, action="call")
    session.rollback()
    with pytest.raises(LeadNotFound):
        record_action(session=session, warning_id=999999, action_in=ActionCreate(action="call"), actor=o1, now=T0)
    with pytest.raises(ValueError):
        act(session, w, o1, T0, action="call", at=T0 + timedelta(days=1))  # in the future
    session.rollback()
    act(session, w, admin, T0 + timedelta(minutes=1), action="call", outcome="money_sent")
    session.refresh(w)
    assert w.status == "closed" and w.assigned_to == o1.id
    assert session.scalar(select(func.count()).select_from(WarningAction)) == 1


def test_queue_order_and_pagination(session: Session, make_user: Callable[..., Any]) -> None:
    o = make_user("warning_officer")
    other = make_user("warning_officer")
    low_old = mk(session, reason="普通", assigned_to=o.id, now=T0 - timedelta(days=2))  # 低, overdue
    high = mk(session, reason="正在转账", assigned_to=o.id)  # 高, due T0+2min
    mid = mk(session, typology="公检法", assigned_to=o.id)  # 中, due T0+2h
    low = mk(session, reason="普通", assigned_to=o.id)  # 低, due T0+24h
    unassigned_high = mk(session, reason="正在转账", now=T0 + timedelta(minutes=1), assigned_to=None)
    # the router would have given it to someone: unassign it for the test
    unassigned_high.assigned_to = None
    session.commit()
    theirs = mk(session, reason="正在转账", assigned_to=other.id)
    closed = mk(session, reason="普通", assigned_to=o.id)
    act(session, closed, o, T0 + timedelta(minutes=1), action="sms", outcome="not_fraud")

    now = T0 + timedelta(minutes=1)
    rows, total = queue(session=session, officer=o, now=now)
    assert total == 5
    assert [w.id for w in rows] == [low_old.id, high.id, unassigned_high.id, mid.id, low.id]
    later = T0 + timedelta(minutes=5)  # now the 高 leads are overdue too
    rows, _ = queue(session=session, officer=o, now=later)
    assert [w.id for w in rows][:3] == [high.id, unassigned_high.id, low_old.id]
    page, total = queue(session=session, officer=o, now=now, offset=2, limit=2)
    assert total == 5 and [w.id for w in page] == [unassigned_high.id, mid.id]
    all_rows, total_all = queue(session=session, officer=None, include_closed=True, now=now)
    assert total_all == 7 and all_rows[-1].id == closed.id and theirs.id in {w.id for w in all_rows}
    # closed leads: the most recently closed first, whatever their due time
    closed_later = mk(session, reason="普通", assigned_to=o.id, now=T0 + timedelta(minutes=2))  # due after `closed`
    act(session, closed_later, o, T0 + timedelta(minutes=3), action="call", outcome="not_fraud")
    all_rows, _ = queue(session=session, officer=None, include_closed=True, now=now)
    assert [w.id for w in all_rows][-2:] == [closed_later.id, closed.id]


def test_confirmed_register_number_raises_grade(session: Session, make_user: Callable[..., Any]) -> None:
    make_user("warning_officer")
    session.add(
        Indicator(
            kind="phone",
            value=_normalize_indicator("phone", "17000000001"),
            display_value="170 0000 0001",
            status="confirmed",
            source="test",
        )
    )
    session.commit()
    w = mk(
        session,
        reason="多次接到该号码来电",
        indicator_kind="phone",
        indicator_value="17000000001",
        contact_count=4,
        subject_age=70,
    )
    pub = to_public(w)
    assert {"CONFIRMED_FRAUD_CONTACT", "REPEATED_CONTACT", "ELDERLY"} <= {r.id for r in pub.grade_reasons}
    assert w.grade == "中"  # 20 + 15 + 20 = 55
    w2 = mk(
        session,
        reason="多次接到该号码来电",
        indicator_kind="phone",
        indicator_value="17000000009",
        contact_count=4,
        subject_age=70,
    )
    assert "CONFIRMED_FRAUD_CONTACT" not in {r.id for r in to_public(w2).grade_reasons}


def test_create_is_idempotent_with_external_id(session: Session, make_user: Callable[..., Any]) -> None:
    make_user("warning_officer")
    a = mk(session, external_id="X-1", source="bank", reason="柜台")
    b = mk(session, external_id="X-1", source="bank", reason="柜台")
    c = mk(session, external_id="X-1", source="manual", reason="柜台")
    assert a.id == b.id != c.id
    assert session.scalar(select(func.count()).select_from(Warning)) == 2
