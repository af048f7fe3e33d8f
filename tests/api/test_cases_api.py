"""Cases API end to end (TestClient on SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from fanzha.db.models import AuditLog
from fanzha.db.session import session_scope


def _case(**kw):
    body = {
        "reported_at": "2026-05-01T10:00:00+08:00",
        "typology": "刷单返利类",
        "channel": "QQ",
        "amount_lost": "12800.50",
        "narrative": "示例：受害人联系电话13912345678，按对方要求向6222020200112233445转账。",
        "victim": {"name": "演示王五", "age_band": "26-35", "gender": "女", "contact_phone": "13912345678"},
        "phones": ["170 0000 1111"],
        "qq": ["123456789"],
        "transfers": [{"payee_account": "6222020200112233445", "payee_bank": "演示银行", "amount": "12800.50"}],
    }
    body.update(kw)
    return body


def test_create_read_update_links_export(client, auth_headers, db_url: str) -> None:
    desk = auth_headers("desk_officer")
    r1 = client.post("/api/v1/cases", json=_case(), headers=desk)
    assert r1.status_code == 201, r1.text
    c1 = r1.json()
    assert c1["amount_lost"] == "12800.50" and c1["amount_lost_fen"] == 1_280_050
    assert c1["version_id"] == 1 and c1["linked_cases"]["direct"] == []
    kinds = sorted(i["kind"] for i in c1["indicators"])
    assert kinds == ["bank_card", "phone", "qq"]
    # a second case sharing the QQ number shows the first at once
    r2 = client.post("/api/v1/cases", json=_case(phones=[], transfers=[], qq=["123456789"]), headers=desk)
    assert r2.status_code == 201, r2.text
    direct = r2.json()["linked_cases"]["direct"]
    assert [d["case_id"] for d in direct] == [c1["id"]]
    assert [s["kind"] for s in direct[0]["shared"]] == ["qq"]
    # a third case sharing only case 1's bank card: case 2 sees it in second degree
    r3 = client.post(
        "/api/v1/cases",
        json=_case(phones=[], qq=[], payee_accounts=["6222 0202 0011 2233 445"], transfers=[]),
        headers=desk,
    )
    assert r3.status_code == 201
    links = client.get(f"/api/v1/cases/{r2.json()['id']}/links", headers=desk).json()
    assert [d["case_id"] for d in links["second_degree"]] == [r3.json()["id"]]
    assert links["second_degree"][0]["via_case_ids"] == [c1["id"]]

    # read: full victim for the desk officer, masked for an analyst
    got = client.get(f"/api/v1/cases/{c1['id']}", headers=desk).json()
    assert got["victim"]["contact_phone"] == "13912345678"
    ana = auth_headers("analyst")
    got_a = client.get(f"/api/v1/cases/{c1['id']}", headers=ana).json()
    assert got_a["victim"]["contact_phone"] == "139****5678" and got_a["victim"]["name"] == "演***"
    assert "13912345678" not in got_a["narrative"]

    # update with optimistic locking
    up = client.patch(f"/api/v1/cases/{c1['id']}", json={"status": "investigating", "version_id": 1}, headers=desk)
    assert up.status_code == 200, up.text
    assert up.json()["version_id"] == 2 and up.json()["status"] == "investigating"
    stale = client.patch(f"/api/v1/cases/{c1['id']}", json={"status": "closed", "version_id": 1}, headers=desk)
    assert stale.status_code == 409
    stale2 = client.patch(f"/api/v1/cases/{c1['id']}", json={"status": "closed"}, headers={**desk, "If-Match": "1"})
    assert stale2.status_code == 409
    assert client.get(f"/api/v1/cases/{c1['id']}", headers=desk).json()["status"] == "investigating"

    # list + pagination
    page = client.get("/api/v1/cases", params={"limit": 2}, headers=ana).json()
    assert page["count"] == 3 and len(page["data"]) == 2
    assert client.get("/api/v1/cases", params={"limit": 100000}, headers=ana).status_code == 422
    assert (
        client.get("/api/v1/cases", params={"typology": "刷单返利类", "min_amount": "12800.50"}, headers=ana).json()[
            "count"
        ]
        == 3
    )

    # export: masked
    ex = client.get("/api/v1/cases/export.csv", headers=ana)
    assert ex.status_code == 200
    text = ex.content.decode("utf-8-sig")
    assert "13912345678" not in text and "6222020200112233445" not in text and "演示王五" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and rows[0]["victim_phone"] == "139****5678"

    # audit rows: creates, reads (incl. list and export) by the right users
    with session_scope(db_url) as s:
        log = s.scalars(select(AuditLog).where(AuditLog.entity.in_(["case", "victim"]))).all()
        actions = {(a.action, a.entity) for a in log}
        assert {
            ("create", "case"),
            ("create", "victim"),
            ("read", "case"),
            ("read", "victim"),
            ("update", "case"),
            ("export", "case"),
        } <= actions
        assert all("13912345678" not in (a.detail or "") for a in log)


def test_bad_input_is_4xx_and_nothing_written(client, auth_headers) -> None:
    desk = auth_headers("desk_officer")
    for bad in (
        {"amount_lost": "-1"},
        {"amount_lost": "1.234"},
        {"amount_lost": "NaN"},
        {"typology": "不存在"},
        {"victim": {"age_band": "99"}},
        {"bogus_field": 1},
        {"phones": ["   "], "indicators": [{"kind": "nope", "value": "x"}]},
    ):
        r = client.post("/api/v1/cases", json=_case(**bad), headers=desk)
        assert r.status_code == 422, (bad, r.status_code, r.text)
    r = client.post("/api/v1/cases", content=b"\x00\xff not json", headers={**desk, "content-type": "application/json"})
    assert r.status_code in (400, 422)
    assert client.get("/api/v1/cases", headers=desk).json()["count"] == 0
    assert client.get("/api/v1/cases/999999", headers=desk).status_code == 404
    assert client.patch("/api/v1/cases/999999", json={"status": "closed"}, headers=desk).status_code == 404
    ok = client.post("/api/v1/cases", json=_case(case_no="DUP-1"), headers=desk)
    assert ok.status_code == 201
    dup = client.post("/api/v1/cases", json=_case(case_no="DUP-1"), headers=desk)
    assert dup.status_code == 409
    assert client.get("/api/v1/cases", headers=desk).json()["count"] == 1


def test_openapi_docs_served(client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/cases" in paths and "/api/v1/auth/token" in paths
