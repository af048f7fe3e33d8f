"""Indicator register: merge rules, allowlist, CSV / MISP round trip, idempotent and all-or-nothing imports."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import fanzha.cases.register as register
from fanzha.cases.register import ImportFailed, all_indicators, export_csv, export_misp, import_bytes, upsert_indicator
from fanzha.db.models import AuditLog, Indicator
from fanzha.db.session import session_scope

CSV_OK = (
    "kind,value,status,first_seen,last_seen,report_count,source,note\n"
    "phone,170 0000 1111,confirmed,2026-01-02T03:04:05+00:00,2026-02-01T00:00:00+00:00,3,demo-feed,演示\n"
    "bank_card,6200 0000 1234 5678 901,suspected,,,1,demo-feed,\n"
    "url,HTTPS://Demo-Gang.example/login,suspected,,,,demo-feed,\n"
    "phone,96110,confirmed,,,5,demo-feed,官方号码也被报告\n"
    'qq,123456789,suspected,,,2,demo-feed,=HYPERLINK("x")\n'
)


def _snapshot(url: str) -> list[tuple]:
    with session_scope(url) as s:
        return [
            (i.kind, i.value, i.status, i.report_count, i.first_seen, i.last_seen, i.source, i.note)
            for i in all_indicators(s)
        ]


def test_upsert_merges_and_allowlist_wins(db_url: str) -> None:
    t1, t2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
    with session_scope(db_url) as s:
        a = upsert_indicator(s, kind="phone", value="170-0000-1111", seen_at=t2, add_report=True)
        b = upsert_indicator(s, kind="phone", value="+86 17000001111", seen_at=t1, add_report=True, status="confirmed")
        assert a.id == b.id and b.value == "17000001111"
        assert b.report_count == 2 and b.first_seen == t1 and b.last_seen == t2 and b.status == "confirmed"
        c = upsert_indicator(s, kind="phone", value="17000001111", status="suspected")
        assert c.status == "confirmed"  # never downgraded by a merge
        off = upsert_indicator(s, kind="phone", value="96110", status="confirmed", add_report=True)
        assert off.status == "allowlisted"  # official numbers can never be flagged
        dom = upsert_indicator(s, kind="url", value="https://www.gov.cn/fraud", status="confirmed")
        assert dom.status == "allowlisted"
        with pytest.raises(ValueError):
            upsert_indicator(s, kind="nonsense", value="x")
        with pytest.raises(ValueError):
            upsert_indicator(s, kind="phone", value="   ")


def test_csv_import_idempotent_and_roundtrip(db_url: str, empty_db_url: str) -> None:
    with session_scope(db_url) as s:
        res = import_bytes(s, CSV_OK.encode(), fmt="csv")
    assert (res.rows, res.created, res.updated, res.allowlisted) == (5, 5, 0, 1)
    first = _snapshot(db_url)
    assert ("phone", "96110", "allowlisted") in [(k, v, st) for k, v, st, *_ in first]
    with session_scope(db_url) as s:
        res2 = import_bytes(s, CSV_OK.encode(), fmt="csv")
    assert (res2.created, res2.updated) == (0, 5)
    assert _snapshot(db_url) == first  # same file twice: nothing changes

    # export CSV -> import into an empty database -> identical register
    with session_scope(db_url) as s:
        text = export_csv(all_indicators(s))
    assert "'=HYPERLINK" in text  # formula injection neutralised in the export
    from fanzha.db.session import upgrade

    upgrade(empty_db_url)
    with session_scope(empty_db_url) as s:
        import_bytes(s, text.encode(), fmt="csv")
    assert _snapshot(empty_db_url) == first


def test_misp_roundtrip(db_url: str) -> None:
    with session_scope(db_url) as s:
        import_bytes(s, CSV_OK.encode(), fmt="csv")
        doc = export_misp(all_indicators(s))
    attrs = doc["Event"]["Attribute"]
    types = {a["type"] for a in attrs}
    assert {"phone-number", "bank-account-nr", "url", "text"} <= types
    assert all({"type", "value", "comment", "first_seen", "last_seen"} <= set(a) for a in attrs)
    before = _snapshot(db_url)
    with session_scope(db_url) as s:
        res = import_bytes(s, json.dumps(doc).encode(), fmt="json")
    assert res.created == 0 and _snapshot(db_url) == before
    # a plain MISP event without fanzha tags maps by type
    plain = {"Event": {"Attribute": [{"type": "ip-dst", "value": "203.0.113.7", "to_ids": True}]}}
    with session_scope(db_url) as s:
        import_bytes(s, json.dumps(plain).encode(), fmt="json")
        ip = s.scalar(select(Indicator).where(Indicator.kind == "ip"))
        assert ip is not None and ip.status == "confirmed"


@pytest.mark.parametrize(
    ("payload", "fmt", "row"),
    [
        (CSV_OK + "phone,,suspected,,,,x,\n", "csv", 7),
        (CSV_OK + "spaceship,abc,suspected,,,,x,\n", "csv", 7),
        (CSV_OK + "phone,17000002222,bogus,,,,x,\n", "csv", 7),
        (CSV_OK + "phone,17000002222,suspected,not-a-date,,,x,\n", "csv", 7),
        (CSV_OK + "phone,17000002222,suspected,,,-4,x,\n", "csv", 7),
        ("value\n1\n", "csv", 1),
        (
            '{"Event": {"Attribute": [{"type": "url", "value": "https://a.example"}, {"type": "weird", "value": ""}]}}',
            "json",
            2,
        ),
        ('{"Event": ', "json", None),
        ("\x00\x01binary", "csv", None),
    ],
)
def test_bad_row_writes_nothing(db_url: str, payload: str, fmt: str, row: int | None) -> None:
    with pytest.raises(ImportFailed) as ei, session_scope(db_url) as s:
        import_bytes(s, payload.encode(), fmt=fmt)
    assert ei.value.row == row
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Indicator)) == 0


def test_crash_in_the_middle_of_an_import_leaves_nothing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = register._merge_existing
    seen = {"calls": 0, "written": 0}

    def flaky(session, merged):
        seen["calls"] += 1
        if seen["calls"] == 2:  # the second chunk: the first chunk's rows are already in the transaction
            seen["written"] = session.scalar(select(func.count()).select_from(Indicator))
            raise RuntimeError("disk on fire")
        return real(session, merged)

    monkeypatch.setattr(register, "IMPORT_CHUNK", 2)
    monkeypatch.setattr(register, "_merge_existing", flaky)
    with pytest.raises(RuntimeError), session_scope(db_url) as s:
        import_bytes(s, CSV_OK.encode(), fmt="csv")
    assert seen["written"] >= 3  # rows were written inside the transaction before the crash
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Indicator)) == 0


def test_register_api(client, auth_headers, db_url: str) -> None:
    ana = auth_headers("analyst")
    r = client.post("/api/v1/indicators/import", content=CSV_OK.encode(), headers={**ana, "content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 5 and r.json()["total_in_register"] == 5
    r = client.post("/api/v1/indicators/import", files={"file": ("reg.csv", CSV_OK.encode(), "text/csv")}, headers=ana)
    assert r.status_code == 200 and r.json()["created"] == 0 and r.json()["total_in_register"] == 5
    bad = client.post(
        "/api/v1/indicators/import",
        files={"file": ("reg.csv", (CSV_OK + "phone,,x,,,,,\n").encode(), "text/csv")},
        headers=ana,
    )
    assert bad.status_code == 400 and "row 7" in bad.json()["detail"]
    assert client.post("/api/v1/indicators/import", content=b"", headers=ana).status_code == 400
    huge = b"kind,value\n" + b"qq,12345678\n" * (register.MAX_IMPORT_BYTES // 12 + 1)
    assert client.post("/api/v1/indicators/import", content=huge, headers=ana).status_code == 413
    for junk in (b"\x00\x01\x02", "kind,value\nphone,1\n".encode("utf-16"), b"\xff\xfe\xfa not utf8"):
        r = client.post("/api/v1/indicators/import", content=junk, headers={**ana, "content-type": "text/csv"})
        assert r.status_code == 400, (junk[:10], r.status_code)
    page = client.get("/api/v1/indicators", params={"kind": "phone"}, headers=auth_headers("bank_teller")).json()
    assert page["count"] == 2
    ex = client.get("/api/v1/indicators/export.json", headers=ana)
    assert ex.status_code == 200 and len(ex.json()["Event"]["Attribute"]) == 5
    assert client.get("/api/v1/indicators/export.csv", headers=ana).text.count("\n") == 6
    add = client.post(
        "/api/v1/indicators", json={"kind": "domain", "value": "demo-new.example", "status": "confirmed"}, headers=ana
    )
    assert add.status_code == 200 and add.json()["status"] == "confirmed"
    off = client.post(
        "/api/v1/indicators", json={"kind": "phone", "value": "96110", "status": "confirmed"}, headers=ana
    )
    assert off.json()["status"] == "allowlisted"
    with session_scope(db_url) as s:
        acts = {a.action for a in s.scalars(select(AuditLog).where(AuditLog.entity == "indicator"))}
    assert {"import", "export", "create"} <= acts


def test_patch_entry_status_and_allowlist_guard(client, auth_headers) -> None:
    ana = auth_headers("analyst")
    a = client.post(
        "/api/v1/indicators", json={"kind": "phone", "value": "17000000042", "status": "confirmed"}, headers=ana
    )
    iid = a.json()["id"]
    r = client.patch(f"/api/v1/indicators/{iid}", json={"status": "suspected", "note": "误报复核"}, headers=ana)
    assert r.status_code == 200 and r.json()["status"] == "suspected" and r.json()["note"] == "误报复核"
    r = client.patch(f"/api/v1/indicators/{iid}", json={"expires_at": "2030-01-01T00:00:00Z"}, headers=ana)
    assert r.json()["expires_at"].startswith("2030-01-01")
    r = client.patch(f"/api/v1/indicators/{iid}", json={"clear_expiry": True}, headers=ana)
    assert r.json()["expires_at"] is None
    off = client.post("/api/v1/indicators", json={"kind": "phone", "value": "96110"}, headers=ana).json()
    r = client.patch(f"/api/v1/indicators/{off['id']}", json={"status": "confirmed"}, headers=ana)
    assert r.status_code == 422 and "official" in r.json()["detail"]
    assert client.patch("/api/v1/indicators/999999", json={"status": "suspected"}, headers=ana).status_code == 404
    assert client.patch(f"/api/v1/indicators/{iid}", json={"status": "x"}, headers=ana).status_code == 422
    assert (
        client.patch(
            f"/api/v1/indicators/{iid}", json={"status": "suspected"}, headers=auth_headers("bank_teller")
        ).status_code
        == 403
    )
