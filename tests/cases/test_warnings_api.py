"""Warnings and stats API on SQLite and PostgreSQL: roles on every route, queue pagination, actions, import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fanzha.api.app import create_app
from fanzha.api.security import issue_token
from fanzha.cases.warnings import MAX_IMPORT_BYTES
from fanzha.db.models import Case, User
from fanzha.db.session import session_scope


@pytest.fixture
def api(db_url: str) -> Iterator[TestClient]:
    app = create_app()
    app.state.database_url = db_url
    with TestClient(app) as c:
        yield c


@pytest.fixture
def login(db_url: str, make_user: Callable[..., Any]) -> Callable[[str], tuple[dict[str, str], Any]]:
    def _login(role: str) -> tuple[dict[str, str], Any]:
        user = make_user(role)
        with session_scope(db_url) as s:
            tok = issue_token(s, s.get(User, user.id))
        return {"Authorization": f"Bearer {tok}"}, user

    return _login


ROUTES = [
    ("get", "/api/v1/warnings", None),
    ("post", "/api/v1/warnings", {"reason": "x"}),
    ("get", "/api/v1/warnings/1", None),
    ("post", "/api/v1/warnings/1/actions", {"action": "call"}),
    ("get", "/api/v1/stats/cases", None),
    ("get", "/api/v1/stats/warnings", None),
    ("get", "/api/v1/stats/rising", None),
]

# role -> routes (by index in ROUTES) that must answer 403
FORBIDDEN = {
    "desk_officer": [0, 2, 3, 4, 5, 6],
    "bank_teller": [0, 2, 3, 4, 5, 6],
    "analyst": [0, 1, 2, 3],
    "warning_officer": [4, 5, 6],
}


def test_anonymous_is_refused_everywhere(api: TestClient) -> None:
    for method, path, body in ROUTES:
        r = api.request(method, path, json=body)
        assert r.status_code == 401, (method, path)
    r = api.post("/api/v1/warnings/import", files={"file": ("a.csv", b"phone,reason\n1,x\n", "text/csv")})
    assert r.status_code == 401


@pytest.mark.parametrize("role", sorted(FORBIDDEN))
def test_wrong_role_gets_403(api: TestClient, login: Callable[..., Any], role: str) -> None:
    headers, _ = login(role)
    for i in FORBIDDEN[role]:
        method, path, body = ROUTES[i]
        r = api.request(method, path, json=body, headers=headers)
        assert r.status_code == 403, (role, method, path, r.text)
    if role != "warning_officer":
        r = api.post(
            "/api/v1/warnings/import",
            headers=headers,
            files={"file": ("a.csv", b"phone,reason\n13900000001,x\n", "text/csv")},
        )
        assert r.status_code == 403


def test_create_queue_pagination_actions(api: TestClient, login: Callable[..., Any]) -> None:
    officer_h, officer = login("warning_officer")
    bank_h, _ = login("bank_teller")
    desk_h, _ = login("desk_officer")
    r = api.post(
        "/api/v1/warnings",
        headers=bank_h,
        json={
            "reason": "客户在柜台坚持给“安全账户”汇款",
            "source": "manual",
            "subject_age": 70,
            "typology": "冒充公检法",
        },
    )
    assert r.status_code == 201, r.text
    bank_lead = r.json()
    assert bank_lead["source"] == "bank" and bank_lead["grade"] == "高" and bank_lead["assigned_to"] == officer.id
    assert bank_lead["next_step"] == "sms" and any(g["id"] == "BANK_ESCALATION" for g in bank_lead["grade_reasons"])
    for i in range(4):
        r = api.post(
            "/api/v1/warnings", headers=desk_h, json={"reason": f"群众来电咨询 {i}", "subject_phone": "13900000000"}
        )
        assert r.status_code == 201
        assert r.json()["grade"] == "低"
    assert api.post("/api/v1/warnings", headers=desk_h, json={"reason": "x", "source": "import"}).status_code == 422
    assert api.post("/api/v1/warnings", headers=desk_h, json={"reason": "x", "typology": "?"}).status_code == 422
    bad_json = {**desk_h, "Content-Type": "application/json"}
    assert api.post("/api/v1/warnings", headers=bad_json, content=b'{"reason": ').status_code == 422
    assert api.post("/api/v1/warnings", headers=desk_h, content=b"\xff\x00binary").status_code == 422  # not a 500

    page1 = api.get("/api/v1/warnings?limit=2", headers=officer_h).json()
    assert page1["count"] == 5 and len(page1["data"]) == 2
    assert page1["data"][0]["id"] == bank_lead["id"]  # 高 first
    page3 = api.get("/api/v1/warnings?limit=2&offset=4", headers=officer_h).json()
    assert page3["count"] == 5 and len(page3["data"]) == 1
    assert api.get("/api/v1/warnings?limit=0", headers=officer_h).status_code == 422

    wid = bank_lead["id"]
    r = api.post(f"/api/v1/warnings/{wid}/actions", headers=officer_h, json={"action": "sms"})
    assert r.status_code == 201 and r.json()["warning"]["next_step"] == "call"
    r = api.post(
        f"/api/v1/warnings/{wid}/actions",
        headers=officer_h,
        json={"action": "call", "outcome": "reached", "loss_avoided": "50000.00", "note": "已劝阻"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["warning"]["status"] == "closed" and body["warning"]["loss_avoided"] == "50000.00"
    assert [a["action"] for a in body["warning"]["actions"]] == ["sms", "call"]
    assert api.post(f"/api/v1/warnings/{wid}/actions", headers=officer_h, json={"action": "note"}).status_code == 409
    assert api.post("/api/v1/warnings/999999/actions", headers=officer_h, json={"action": "sms"}).status_code == 404
    assert (
        api.post(
            f"/api/v1/warnings/{wid}/actions", headers=officer_h, json={"action": "call", "loss_avoided": "-5"}
        ).status_code
        == 422
    )
    other_h, _ = login("warning_officer")
    mine = api.get("/api/v1/warnings", headers=officer_h).json()["data"][0]["id"]
    assert api.post(f"/api/v1/warnings/{mine}/actions", headers=other_h, json={"action": "sms"}).status_code == 403
    assert api.get(f"/api/v1/warnings/{mine}", headers=other_h).status_code == 403
    assert api.get(f"/api/v1/warnings/{mine}", headers=officer_h).status_code == 200
    assert api.get("/api/v1/warnings?include_closed=true", headers=officer_h).json()["count"] == 5
    assert api.get("/api/v1/warnings", headers=officer_h).json()["count"] == 4


def test_import_endpoint(api: TestClient, login: Callable[..., Any]) -> None:
    h, _ = login("warning_officer")
    csv_bytes = (
        "编号,姓名,手机号,年龄,预警原因,诈骗类型\nK1,演示戊,13900000041,19,被拉进刷单群做任务连单,刷单\n".encode("gbk")
    )
    r = api.post(
        "/api/v1/warnings/import",
        headers=h,
        data={"provider": "运营商X"},
        files={"file": ("leads.csv", csv_bytes, "text/csv")},
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1 and r.json()["duplicates"] == 0
    r = api.post(
        "/api/v1/warnings/import",
        headers=h,
        data={"provider": "运营商X"},
        files={"file": ("leads.csv", csv_bytes, "text/csv")},
    )
    assert r.json()["created"] == 0 and r.json()["duplicates"] == 1
    bad = b"phone,reason\n13900000042,ok\n13900000043\n"
    r = api.post("/api/v1/warnings/import", headers=h, files={"file": ("bad.csv", bad, "text/csv")})
    assert r.status_code == 400 and r.json()["detail"]["row"] == 3
    assert api.get("/api/v1/warnings", headers=h).json()["count"] == 1  # nothing of the bad file
    huge = b"phone,reason\n" + b"13900000000,x\n" * (MAX_IMPORT_BYTES // 14 + 10)
    r = api.post("/api/v1/warnings/import", headers=h, files={"file": ("huge.csv", huge, "text/csv")})
    assert r.status_code == 413
    r = api.post(
        "/api/v1/warnings/import",
        headers=h,
        data={"source": "citizen_report"},
        files={"file": ("a.csv", csv_bytes, "text/csv")},
    )
    assert r.status_code == 422


def test_stats_endpoints(api: TestClient, login: Callable[..., Any], db_url: str) -> None:
    h, _ = login("analyst")
    now = datetime.now(UTC)
    with session_scope(db_url) as s:
        for i in range(5):
            s.add(
                Case(
                    case_no=f"API-{i}",
                    reported_at=now - timedelta(days=2 + i),
                    typology="刷单返利类",
                    channel="QQ",
                    amount_lost_fen=100_000,
                    status="open",
                    narrative="合成",
                    suspects_identified=1,
                )
            )
        s.add(
            Case(
                case_no="API-old",
                reported_at=now - timedelta(days=40),
                typology="刷单返利类",
                status="open",
                narrative="合成",
                amount_lost_fen=0,
            )
        )
    r = api.get("/api/v1/stats/cases?period=month", headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["totals"]["cases"] == 6 and body["totals"]["loss_yuan"] == "5000.00"  # exact decimal strings
    assert body["by_channel"][0] == {
        "key": "QQ",
        "cases": 5,
        "loss_yuan": "5000.00",
        "recovered_yuan": "0.00",
        "suspects_identified": 5,
    }
    assert api.get("/api/v1/stats/cases?period=year", headers=h).status_code == 422
    assert api.get("/api/v1/stats/cases?date_from=2026-02-01&date_to=2026-01-01", headers=h).status_code == 422
    w = api.get("/api/v1/stats/warnings?period=week", headers=h)
    assert w.status_code == 200 and w.json()["totals"]["leads"] == 0 and w.json()["totals"]["suspects_identified"] == 5
    rising = api.get("/api/v1/stats/rising?window_days=28&min_count=3", headers=h).json()
    assert rising["count"] == 1 and rising["data"][0]["typology"] == "刷单返利类"
    assert "5 cases vs 1 in previous 28 days" in rising["data"][0]["why"]
    assert api.get("/api/v1/stats/rising?window_days=0", headers=h).status_code == 422
