"""Schema and migrations on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from fanzha.db.models import Case, CaseIndicator, Indicator, Transfer, Victim, Warning, WarningAction
from fanzha.db.session import current_revision, downgrade, make_engine, session_scope, upgrade

TABLES = {
    "users",
    "api_tokens",
    "victims",
    "cases",
    "indicators",
    "case_indicators",
    "transfers",
    "warnings",
    "warning_actions",
    "audit_log",
}


def test_upgrade_empty_then_downgrade_base(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    names = set(inspect(make_engine(empty_db_url)).get_table_names())
    assert TABLES <= names
    assert current_revision(empty_db_url) is not None
    idx = {i["name"] for i in inspect(make_engine(empty_db_url)).get_indexes("case_indicators")}
    assert "ix_case_indicators_indicator_id" in idx
    upgrade(empty_db_url)  # idempotent
    downgrade(empty_db_url, "base")
    make_engine(empty_db_url).dispose()
    left = set(inspect(make_engine(empty_db_url)).get_table_names())
    assert not (TABLES & left)
    upgrade(empty_db_url)
    assert TABLES <= set(inspect(make_engine(empty_db_url)).get_table_names())


def test_models_roundtrip_money_and_utc(db_url: str, make_user) -> None:
    officer = make_user("desk_officer")
    cst = timezone(timedelta(hours=8))
    with session_scope(db_url) as s:
        v = Victim(name="演示张三", age_band="56-65", gender="女", contact_phone="13800001111")
        c = Case(
            case_no="DEMO-1",
            reported_at=datetime(2026, 3, 1, 9, 30, tzinfo=cst),
            amount_lost_fen=12_345_678_901,
            narrative="示例",
            officer_id=officer.id,
            victim=v,
        )
        ind = Indicator(kind="phone", value="+8613800002222", display_value="13800002222", source="test")
        c.indicator_links.append(CaseIndicator(indicator=ind, role="fraudster_phone"))
        c.transfers.append(Transfer(payee_account="6222000011112222", amount_fen=500_000))
        s.add(c)
        s.flush()
        case_id = c.id
    with session_scope(db_url) as s:
        c2 = s.get(Case, case_id)
        assert c2 is not None
        assert c2.amount_lost_fen == 12_345_678_901 and isinstance(c2.amount_lost_fen, int)
        assert c2.reported_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
        assert c2.reported_at.tzinfo is not None
        assert c2.version_id == 1
        assert [li.indicator.value for li in c2.indicator_links] == ["+8613800002222"]
        assert c2.transfers[0].amount_fen == 500_000
        assert c2.victim is not None and c2.victim.age_band == "56-65"


def test_constraints(db_url: str) -> None:
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        s.add(Indicator(kind="phone", value="x", source="t"))
        s.add(Indicator(kind="phone", value="x", source="t"))
        s.flush()
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        s.add(Case(case_no="C-bad", status="bogus", narrative=""))
        s.flush()
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        s.add(Victim(age_band="99+", gender="男"))
        s.flush()
    with pytest.raises(IntegrityError), session_scope(db_url) as s:  # foreign keys are on (SQLite too)
        s.add(Transfer(case_id=999_999, amount_fen=1))
        s.flush()


def test_optimistic_locking_detects_stale_write(db_url: str) -> None:
    with session_scope(db_url) as s:
        c = Case(case_no="LOCK-1", narrative="")
        s.add(c)
        s.flush()
        cid = c.id
    from fanzha.db.session import SessionLocal

    a, b = SessionLocal(db_url), SessionLocal(db_url)
    try:
        ca, cb = a.get(Case, cid), b.get(Case, cid)
        assert ca is not None and cb is not None
        ca.status = "investigating"
        a.commit()
        cb.status = "closed"
        with pytest.raises(StaleDataError):
            b.commit()
    finally:
        a.close()
        b.close()
    with session_scope(db_url) as s:
        c = s.get(Case, cid)
        assert c is not None and c.status == "investigating" and c.version_id == 2


def test_warning_tables(db_url: str, make_user) -> None:
    officer = make_user("warning_officer")
    with session_scope(db_url) as s:
        w = Warning(grade="高", reason="示例", due_at=datetime.now(UTC), source="manual", assigned_to=officer.id)
        w.actions.append(WarningAction(action="call", officer_id=officer.id, loss_avoided_fen=100))
        s.add(w)
    with session_scope(db_url) as s:
        w2 = s.scalar(select(Warning))
        assert w2 is not None and w2.status == "new" and w2.actions[0].loss_avoided_fen == 100


def test_models_and_migrations_agree(db_url: str) -> None:
    """A model change without a migration (or the reverse) fails here: autogenerate must find nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from fanzha.db.base import Base

    with make_engine(db_url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], diff
