"""``POST /api/v1/extract``: officers only; the record of ``fanzha extract``; clear 4xx on bad input."""

from __future__ import annotations

import pytest

TEXT = "报案人称昨天下午三点接到电话13912345678，对方返了50元，先转了500，又转了3000元到对方卡6222021895559797115"


@pytest.mark.parametrize("role", ["desk_officer", "admin"])
def test_officer_gets_the_record(client, auth_headers, role: str) -> None:
    r = client.post(
        "/api/v1/extract",
        json={"text": TEXT, "reported_at": "2024-03-08T10:00:00+08:00", "id": 5},
        headers=auth_headers(role),
    )
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["id"] == 5 and set(rec) == {"id", "type", "elements"}
    el = rec["elements"]
    assert el["amount_yuan"] == 3450
    assert el["occurred_at"] == "2024-03-07 15:00"
    assert el["payee_accounts"] == ["6222021895559797115"]


def test_detail_adds_evidence(client, auth_headers) -> None:
    r = client.post(
        "/api/v1/extract?detail=true",
        json={"text": TEXT, "reported_at": "2024-03-08"},
        headers=auth_headers("desk_officer"),
    )
    rec = r.json()
    assert [t["amount"] for t in rec["transfers"]] == ["500", "3000"]
    assert [t["amount"] for t in rec["received"]] == ["50"]
    for e in rec["evidence"]:
        if e["span"]:
            s, t = e["span"]
            assert 0 <= s < t <= len(TEXT)


def test_requires_a_token_and_the_right_role(client, auth_headers) -> None:
    assert client.post("/api/v1/extract", json={"text": TEXT}).status_code == 401
    assert client.post("/api/v1/extract", json={"text": TEXT}, headers=auth_headers("bank_teller")).status_code == 403


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": ""}, 422),
        ({"text": "   "}, 422),
        ({}, 422),
        ({"text": 123}, 422),
        ({"text": "转账5000元", "reported_at": "someday"}, 422),
        ({"text": "转" * 60_000}, 413),
    ],
)
def test_bad_input_is_a_clear_4xx(client, auth_headers, body: dict, code: int) -> None:
    r = client.post("/api/v1/extract", json=body, headers=auth_headers("desk_officer"))
    assert r.status_code == code, r.text


def test_malformed_json_is_4xx(client, auth_headers) -> None:
    h = auth_headers("desk_officer") | {"Content-Type": "application/json"}
    assert client.post("/api/v1/extract", content=b"\xff{not json", headers=h).status_code in (400, 422)
