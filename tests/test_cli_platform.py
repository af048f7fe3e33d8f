"""The warning-officer and analyst commands of ``fanzha`` (platform_cmd) on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fanzha.cases.crud import create_case
from fanzha.cases.schemas import CaseCreate, IndicatorRef, VictimIn
from fanzha.cli import app
from fanzha.db.models import AuditLog, Indicator, Warning
from fanzha.db.session import session_scope

LEADS_CSV = (
    "编号,姓名,手机号,年龄,预警原因,类型,金额\n"
    "T-1,测试甲,17000001001,70,对方自称公安要求把钱转到安全账户,公检法,50000\n"
    "T-2,测试乙,17000001002,22,刷单群要求垫付连单,刷单,\n"
    "T-3,测试丙,17000001003,40,收到贷款推广短信,网贷,\n"
)


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., object]]:
    """invoke(*args) -> Result, with --database-url db_url appended (the env var is restored afterwards)."""
    from fanzha.config import get_settings

    monkeypatch.setenv("FANZHA_DATABASE_URL", db_url)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [*args, "--database-url", db_url])

    yield invoke
    get_settings.cache_clear()


def _count(url: str, model: type) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_warnings_import_then_queue(db_url: str, cli, make_user, tmp_path: Path) -> None:
    officer = make_user("warning_officer", username="officer_w")
    f = tmp_path / "leads.csv"
    f.write_text(LEADS_CSV, encoding="utf-8")
    r = cli("warnings", "import", str(f), "--provider", "operator-a", "--user", "officer_w")
    assert r.exit_code == 0, r.output
    assert "created 3, duplicates 0" in r.output
    r = cli("warnings", "import", str(f), "--provider", "operator-a")  # idempotent
    assert r.exit_code == 0, r.output
    assert "created 0, duplicates 3" in r.output
    assert _count(db_url, Warning) == 3
    with session_scope(db_url) as s:
        assert {w.assigned_to for w in s.scalars(select(Warning))} == {officer.id}
        grades = {w.subject_name: w.grade for w in s.scalars(select(Warning))}
    assert grades["测试甲"] == "高" and grades["测试丙"] == "低"

    # make one overdue: created three hours ago, a 高 lead's first step was due within minutes
    with session_scope(db_url) as s:
        w = s.scalar(select(Warning).where(Warning.subject_name == "测试甲"))
        assert w is not None
        w.created_at = datetime.now(UTC) - timedelta(hours=3)
        w.due_at = w.created_at + timedelta(minutes=2)
    r = cli("warnings", "queue", "--user", "officer_w", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["count"] == 3
    first = data["data"][0]
    assert first["overdue"] is True and first["grade"] == "高"
    assert [d["overdue"] for d in data["data"]] == [True, False, False]
    assert first["subject_phone"] == "170****1001" and first["subject_name"] != "测试甲"  # masked by default
    r = cli("warnings", "queue", "--user", "officer_w")
    assert r.exit_code == 0, r.output
    assert "OVERDUE" in r.output and "170****1001" in r.output and "17000001001" not in r.output
    r = cli("warnings", "queue", "--show-personal")
    assert "17000001001" in r.output
    r = cli("warnings", "queue", "--user", "nobody")
    assert r.exit_code == 2 and "nobody" in r.output
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).where(AuditLog.entity == "warning", AuditLog.action == "read")) >= 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (LEADS_CSV + "T-4,测试丁,abc,30,某原因,刷单,\n", "row 5: phone"),
        ("姓名,年龄\n测试,30\n", "missing column"),
        ("", "empty file"),
        ("\x00\x01binary", "binary"),
    ],
)
def test_warnings_import_bad_file_writes_nothing(db_url: str, cli, tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    r = cli("warnings", "import", str(f))
    assert r.exit_code == 1, r.output
    assert message in r.output and "nothing written" in r.output
    assert _count(db_url, Warning) == 0


def test_warnings_import_missing_file_and_bad_source(cli, tmp_path: Path) -> None:
    assert cli("warnings", "import", str(tmp_path / "absent.csv")).exit_code == 2
    f = tmp_path / "x.csv"
    f.write_text(LEADS_CSV, encoding="utf-8")
    assert cli("warnings", "import", str(f), "--source", "citizen_report").exit_code == 2


def _cases(url: str) -> None:
    now = datetime.now(UTC)
    with session_scope(url) as s:
        for i, (typ, days, yuan) in enumerate(
            [
                ("刷单返利类", 1, 1000),
                ("刷单返利类", 3, 2000),
                ("刷单返利类", 5, 3000),
                ("刷单返利类", 9, 500),
                ("冒充公检法及政府机关类", 40, 90000),
                ("刷单返利类", 45, 100),
            ]
        ):
            create_case(
                session=s,
                case_in=CaseCreate(
                    case_no=f"CLI-{i}",
                    reported_at=now - timedelta(days=days),
                    typology=typ,
                    amount_lost=Decimal(yuan),
                    narrative=f"测试案情，联系电话 1700000200{i}",
                    victim=VictimIn(name=f"测试人{i}", age_band="26-35", contact_phone=f"1700000300{i}"),
                    indicators=[IndicatorRef(kind="phone", value="17000002999", role="fraudster_phone")],
                ),
                actor=None,
            )


def test_stats_cases_and_rising(db_url: str, cli) -> None:
    _cases(db_url)
    r = cli("stats", "cases", "--period", "month", "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert res["totals"]["cases"] == 6 and Decimal(res["totals"]["loss_yuan"]) == Decimal("96600.00")
    assert sum(x["cases"] for x in res["series"]) == 6
    r = cli("stats", "cases", "--period", "week")
    assert r.exit_code == 0, r.output
    assert "6 cases, loss 96600.00 yuan" in r.output and "刷单返利类" in r.output
    today = datetime.now(UTC).date()
    r = cli("stats", "cases", "--from", str(today - timedelta(days=20)), "--to", str(today), "--json")
    assert json.loads(r.output)["totals"]["cases"] == 4
    assert cli("stats", "cases", "--period", "year").exit_code == 2
    assert cli("stats", "cases", "--from", "yesterday").exit_code == 2
    r = cli("stats", "rising", "--json")
    assert r.exit_code == 0, r.output
    rising = json.loads(r.output)
    assert [x["typology"] for x in rising] == ["刷单返利类"] and rising[0]["current"] == 4
    r = cli("stats", "rising")
    assert "刷单返利类: 4 cases vs 1" in r.output


def test_indicators_import_export_round_trip(db_url: str, cli, tmp_path: Path) -> None:
    src = tmp_path / "reg.csv"
    src.write_text(
        "kind,value,status,note\nphone,170-0000-4001,confirmed,测试\nurl,http://pay-check.example/login,suspected,\n"
        "phone,96110,confirmed,官方反诈专线\n",
        encoding="utf-8",
    )
    r = cli("indicators", "import", str(src))
    assert r.exit_code == 0, r.output
    assert "rows 3, created 3" in r.output and "allowlisted 1" in r.output
    out_csv, out_json = tmp_path / "out.csv", tmp_path / "out.json"
    assert cli("indicators", "export", "--format", "csv", "--output", str(out_csv)).exit_code == 0
    assert cli("indicators", "export", "--format", "json", "--output", str(out_json)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert {(x["kind"], x["value"], x["status"]) for x in rows} >= {("phone", "17000004001", "confirmed")}
    assert next(x for x in rows if x["value"] == "96110")["status"] == "allowlisted"
    event = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(json.dumps(event)) > 0 and "17000004001" in json.dumps(event)
    # re-import both exports: idempotent
    before = _count(db_url, Indicator)
    r = cli("indicators", "import", str(out_csv))
    assert r.exit_code == 0 and "created 0, updated 3" in r.output, r.output
    r = cli("indicators", "import", str(out_json), "--format", "json")
    assert r.exit_code == 0 and "created 0" in r.output, r.output
    assert _count(db_url, Indicator) == before
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,value\nphone,17000004002\nspaceship,xyz\n", encoding="utf-8")
    r = cli("indicators", "import", str(bad))
    assert r.exit_code == 1 and "row 3" in r.output and "nothing written" in r.output
    assert _count(db_url, Indicator) == before
    assert cli("indicators", "export", "--format", "xml", "--output", str(out_csv)).exit_code == 2


def test_cases_export_is_masked(db_url: str, cli, make_user, tmp_path: Path) -> None:
    _cases(db_url)
    make_user("analyst", username="ana")
    out = tmp_path / "cases.csv"
    r = cli("cases", "export", "--output", str(out), "--user", "ana")
    assert r.exit_code == 0, r.output
    assert "6 cases written" in r.output
    text = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6
    for secret in ("17000003000", "17000002000", "17000002999", "测试人0"):
        assert secret not in text
    r = cli("cases", "export", "--output", str(out), "--typology", "冒充公检法及政府机关类")
    assert r.exit_code == 0 and "1 cases written" in r.output
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "export", AuditLog.entity == "case")) >= 2
    assert cli("cases", "export", "--output", str(out), "--user", "ghost").exit_code == 2
