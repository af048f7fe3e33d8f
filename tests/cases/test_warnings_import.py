"""CSV import of at-risk people from operators / banks: idempotent, all-or-nothing, UTF-8 / BOM / GBK."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.cases.warnings import MAX_IMPORT_BYTES, CsvImportError, import_leads_csv, parse_leads_csv
from fanzha.db.models import AuditLog, Warning

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

GOOD = (
    "external_id,name,phone,age,reason,typology,fraud_number\n"
    "A001,演示甲,13900000001,71,与涉诈号码通话 35 分钟后准备去银行转账,冒充公检法,17100000001\n"
    "A002,演示乙,13900000002,20,多次访问刷单平台，被要求连单,刷单,\n"
    'A003,"演示丙, 二",+86 139-0000-0003,,收到虚假征信短信,,\n'
)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Warning)) or 0)


def run(session: Session, data: bytes, actor: Any = None, **kw: Any) -> Any:
    res = import_leads_csv(session=session, data=data, actor=actor, now=T0, **kw)
    session.commit()
    return res


def test_happy_path_and_same_file_twice(session: Session, make_user: Callable[..., Any]) -> None:
    o1, o2 = make_user("warning_officer"), make_user("warning_officer")
    admin = make_user("admin")
    res = run(session, GOOD.encode("utf-8"), admin, provider="运营商A")
    assert (res.rows, res.created, res.duplicates) == (3, 3, 0)
    ws = {w.external_key: w for w in session.scalars(select(Warning))}
    a1 = ws["import:运营商A:A001"]
    assert a1.grade == "高" and a1.subject_age_band == "65+" and a1.typology == "冒充公检法及政府机关类"
    assert a1.indicator_kind == "phone" and a1.subject_name == "演示甲" and a1.source == "import"
    assert ws["import:运营商A:A002"].grade in ("中", "高")
    a3 = ws["import:运营商A:A003"]
    assert a3.subject_phone == "13900000003" and a3.subject_name == "演示丙, 二"
    assert {w.assigned_to for w in ws.values()} == {o1.id, o2.id}  # spread over both officers
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
    assert audit.user_id == admin.id and "created=3" in audit.detail

    again = run(session, GOOD.encode("utf-8"), admin, provider="运营商A")
    assert (again.rows, again.created, again.duplicates) == (3, 0, 3)
    assert count(session) == 3
    # another provider's ids are another namespace
    other = run(session, GOOD.encode("utf-8"), admin, provider="银行B")
    assert other.created == 3 and count(session) == 6


def test_rows_without_id_are_keyed_by_content(session: Session) -> None:
    data = "phone,reason\n13900000011,提醒一\n13900000012,提醒二\n13900000011,提醒一\n".encode()
    res = run(session, data)
    assert (res.created, res.duplicates) == (2, 1)
    assert run(session, data).created == 0
    assert count(session) == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_bom_and_gbk(session: Session, encoding: str) -> None:
    data = "编号,姓名,手机号,年龄,预警原因,诈骗类型\nB1,演示丁,13900000021,66,冒充客服要求退款,客服\n".encode(encoding)
    res = run(session, data, source="bank", provider="银行C")
    assert res.created == 1
    w = session.scalars(select(Warning)).one()
    assert w.subject_name == "演示丁" and w.typology == "冒充电商物流客服类" and w.external_key == "bank:银行C:B1"
    assert w.reason.startswith("冒充客服要求退款")


BAD = [
    (b"", None, "empty"),
    (b"\x00\x01\x02binary", None, "binary"),
    ("name,age\n张,3\n".encode(), 1, "missing column"),
    (b"phone,reason\n13900000031,ok\n13900000032\n", 3, "expected 2 fields"),
    (b"phone,reason\n13900000031,ok\nnot-a-phone,bad\n", 3, "phone"),
    (b"phone,reason,age\n13900000031,ok,abc\n", 2, "age"),
    ("phone,reason,typology\n13900000031,ok,外星人\n".encode(), 2, "typology"),
    (b"phone,reason\n13900000031,ok\n13900000033,\n", 3, "reason"),
    (b'phone,reason\n13900000031,"unclosed\n', 2, "malformed"),
    (b"phone,reason\n", None, "no data rows"),
    (b"phone,reason,amount\n13900000031,ok,12abc\n", 2, "amount"),
    (b"\xff\xfe\xfd\xfc,\x81\n", None, "decode"),
]


@pytest.mark.parametrize(("data", "row", "words"), BAD)
def test_bad_files_write_nothing(session: Session, data: bytes, row: int | None, words: str) -> None:
    run(session, "phone,reason\n13900000099,已有线索\n".encode())
    with pytest.raises(CsvImportError) as ei:
        import_leads_csv(session=session, data=data, actor=None, now=T0)
    session.rollback()
    assert ei.value.row == row
    assert words in str(ei.value)
    if row is not None:
        assert f"row {row}" in str(ei.value)
    assert count(session) == 1  # the earlier lead is intact, nothing half-written


def test_huge_file_refused() -> None:
    data = b"phone,reason\n" + b"13900000000,x\n" * (MAX_IMPORT_BYTES // 14 + 10)
    with pytest.raises(CsvImportError, match="too large"):
        parse_leads_csv(data)


@pytest.fixture
def pg_url() -> Iterator[str]:
    from fanzha.db.session import upgrade
    from tests.db_fixtures import create_pg_schema, drop_pg_schema

    schema, url = create_pg_schema()
    try:
        upgrade(url)
        yield url
    finally:
        drop_pg_schema(schema, url)


@pytest.mark.postgres
def test_concurrent_import_of_the_same_file_conflicts_cleanly(pg_url: str) -> None:
    """PostgreSQL (SQLite has a single writer): the second of two simultaneous imports waits on the unique key, then
    fails with LeadConflict and writes nothing; the first import's rows stay."""
    import threading

    from fanzha.cases.warnings import LeadConflict
    from fanzha.db.session import SessionLocal

    db_url = pg_url
    data = GOOD.encode("utf-8")
    s1, s2 = SessionLocal(db_url), SessionLocal(db_url)
    errors: list[BaseException] = []
    try:
        assert import_leads_csv(session=s1, data=data, actor=None, now=T0).created == 3  # flushed, not committed

        def second() -> None:
            try:
                import_leads_csv(session=s2, data=data, actor=None, now=T0)
                s2.commit()
            except BaseException as exc:
                s2.rollback()
                errors.append(exc)

        t = threading.Thread(target=second)
        t.start()
        t.join(timeout=1.0)
        assert t.is_alive()  # blocked on s1's unique keys
        s1.commit()
        t.join(timeout=20)
        assert not t.is_alive()
        assert len(errors) == 1 and isinstance(errors[0], LeadConflict)
        assert count(s1) == 3
    finally:
        s1.close()
        s2.close()
