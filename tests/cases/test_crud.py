"""Cases CRUD: audit rows, filters, optimistic locking, concurrency (50 writers), no half-written case."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import fanzha.cases.crud as crud
from fanzha.cases.crud import VersionConflict, create_case, get_case, list_cases, retry_on_conflict, update_case
from fanzha.cases.schemas import CaseCreate, CaseUpdate, TransferIn, VictimIn
from fanzha.db.models import AuditLog, Case, CaseIndicator, Indicator, Transfer, User, Victim
from fanzha.db.session import session_scope


def test_create_get_list_update_with_audit(db_url: str, make_user) -> None:
    u = make_user("desk_officer")
    with session_scope(db_url) as s:
        actor = s.get(User, u.id)
        c = create_case(
            session=s,
            case_in=CaseCreate(
                reported_at=datetime(2026, 5, 2, tzinfo=UTC),
                typology="虚假网络投资理财类",
                amount_lost=Decimal("99999999.99"),
                victim=VictimIn(name="演示赵六", age_band="65+", gender="男", contact_phone="13911112222"),
                phones=["17000000001", "170-0000-0001"],  # the same number twice: one link
                transfers=[TransferIn(payee_account="demo-pay@demo.example", amount=Decimal("10"))],
            ),
            actor=actor,
        )
        cid = c.id
        assert c.case_no.startswith("AJ20260502")
        assert c.amount_lost_fen == 9_999_999_999
    with session_scope(db_url) as s:
        actor = s.get(User, u.id)
        got = get_case(session=s, case_id=cid, actor=actor)
        assert got is not None and {li.indicator.kind for li in got.indicator_links} == {"phone", "alipay"}
        assert s.scalar(select(Indicator.report_count).where(Indicator.kind == "phone")) == 1
        rows, total = list_cases(session=s, actor=actor, typology="虚假网络投资理财类", min_amount_fen=1)
        assert total == 1 and rows[0].id == cid
        assert list_cases(session=s, actor=actor, q="演示%_")[1] == 0  # LIKE wildcards are escaped
        assert list_cases(session=s, actor=actor, date_from=datetime(2026, 5, 3, tzinfo=UTC))[1] == 0
        up = update_case(
            session=s, case_id=cid, case_in=CaseUpdate(status="solved", version_id=1, qq=["900000777"]), actor=actor
        )
        assert up.status == "solved" and up.version_id == 2
        with pytest.raises(VersionConflict):
            update_case(session=s, case_id=cid, case_in=CaseUpdate(status="closed"), actor=actor, expected_version=1)
    with session_scope(db_url) as s:
        log = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        pairs = [(a.action, a.entity, a.username) for a in log]
        name = u.username
        for p in [
            ("create", "case", name),
            ("create", "victim", name),
            ("read", "case", name),
            ("read", "victim", name),
            ("update", "case", name),
        ]:
            assert p in pairs, p
        lists = [a for a in log if a.action == "read" and a.entity == "case" and a.entity_id is None]
        assert len(lists) == 3 and f"ids=[{cid}]" in lists[0].detail


def test_crash_during_create_leaves_no_half_written_case(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = crud.link_indicators

    def boom(session, case, refs, *, seen_at):
        real(session, case, list(refs)[:1], seen_at=seen_at)  # some rows are written, then ...
        raise RuntimeError("crash in the middle")

    monkeypatch.setattr(crud, "link_indicators", boom)
    with pytest.raises(RuntimeError), session_scope(db_url) as s:
        create_case(
            session=s,
            case_in=CaseCreate(
                case_no="HALF-1",
                victim=VictimIn(age_band="18-25"),
                phones=["17000000001", "17000000002"],
                transfers=[TransferIn(payee_account="6200000000000000009", amount=Decimal("1"))],
            ),
            actor=None,
        )
    with session_scope(db_url) as s:
        for model in (Case, Victim, Transfer, Indicator, CaseIndicator, AuditLog):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_50_concurrent_writers_lose_no_update(db_url: str) -> None:
    with session_scope(db_url) as s:
        cid = create_case(session=s, case_in=CaseCreate(case_no="CONC-1", phones=["17000000000"]), actor=None).id

    n = 50
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def writer(k: int) -> None:
        def step(session):
            case = session.get(Case, cid)
            # read-modify-write on the same case: suspects +1 and loss + k fen, plus a new and a shared indicator
            return update_case(
                session=session,
                case_id=cid,
                case_in=CaseUpdate(
                    suspects_identified=case.suspects_identified + 1,
                    amount_lost=Decimal(case.amount_lost_fen + k) / 100,
                    qq=[str(900_000_000 + k)],
                    phones=["17000000000", f"1700000{k:04d}"],
                ),
                actor=None,
                expected_version=case.version_id,
            )

        try:
            barrier.wait(timeout=30)
            retry_on_conflict(step, url=db_url, attempts=200)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(1, n + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    with session_scope(db_url) as s:
        case = s.get(Case, cid)
        assert case is not None
        assert case.suspects_identified == n
        assert case.amount_lost_fen == sum(range(1, n + 1))
        assert case.version_id == n + 1
        links = s.scalar(select(func.count()).select_from(CaseIndicator).where(CaseIndicator.case_id == cid))
        assert links == 1 + n + n  # the shared phone once, n QQ numbers, n new phones
        shared = s.scalar(select(Indicator).where(Indicator.kind == "phone", Indicator.value == "17000000000"))
        assert shared is not None and shared.report_count == 1
        assert s.scalar(select(func.count()).select_from(Indicator)) == 1 + 2 * n


def test_concurrent_case_creation_sharing_indicators(db_url: str) -> None:
    """Many intakes at once reporting the same numbers: one register row each, every link recorded."""
    n = 20
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def intake(k: int) -> None:
        try:
            barrier.wait(timeout=30)
            retry_on_conflict(
                lambda s: create_case(
                    session=s,
                    case_in=CaseCreate(
                        case_no=f"PAR-{k}",
                        reported_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=k),
                        phones=["17000005555"],
                        bank_cards=["6200000000005555555"],
                    ),
                    actor=None,
                ),
                url=db_url,
                attempts=200,
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=intake, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == n
        inds = s.scalars(select(Indicator)).all()
        assert len(inds) == 2 and all(i.report_count == n for i in inds)
        assert s.scalar(select(func.count()).select_from(CaseIndicator)) == 2 * n
