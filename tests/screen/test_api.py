"""POST /api/v1/screen: single text, batch, per-item errors, limits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fanzha.api.app import create_app
from fanzha.api.routes.screen import MAX_BATCH, MAX_BATCH_CHARS


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_single(client: TestClient) -> None:
    r = client.post("/api/v1/screen", json={"text": "您的快递丢失了，我是快递客服，给您三倍理赔，请打开屏幕共享"})
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["fraud"] is True and v["type"] == "冒充电商物流客服类"
    assert v["evidence"] and v["advice"] and v["risk"] in ("high", "medium")


def test_single_kind_and_errors(client: TestClient) -> None:
    assert client.post("/api/v1/screen", json={"text": "你好", "kind": "sms"}).status_code == 200
    assert client.post("/api/v1/screen", json={"text": "你好", "kind": "fax"}).status_code == 422
    assert client.post("/api/v1/screen", json={"text": "   "}).status_code == 422
    assert client.post("/api/v1/screen", json={}).status_code == 422
    assert client.post("/api/v1/screen", json={"text": "a", "items": []}).status_code == 422
    assert client.post("/api/v1/screen", json={"text": 5}).status_code == 422
    assert (
        client.post("/api/v1/screen", content=b"{bad json", headers={"content-type": "application/json"}).status_code
        == 422
    )
    r = client.post("/api/v1/screen", json={"text": "好" * 100_001})
    assert r.status_code == 413 and "too long" in r.json()["detail"]


def test_batch(client: TestClient) -> None:
    items = [
        {"id": "x1", "text": "我是你领导，明天来我办公室一趟，先帮我给这个账户转5万"},
        {"id": "x2"},
        {"id": "x3", "text": ["no"]},
        "not an object",
        {"id": "x5", "text": "周末一起去爬山吧"},
    ]
    r = client.post("/api/v1/screen", json={"items": items})
    assert r.status_code == 200, r.text
    out = r.json()["items"]
    assert [o.get("id") for o in out] == ["x1", "x2", "x3", None, "x5"]
    assert out[0]["fraud"] is True and out[0]["type"] == "冒充领导、熟人类"
    assert "error" in out[1] and "error" in out[2] and "error" in out[3]
    assert out[4]["fraud"] is False and out[4]["category"] == "normal"


def test_batch_cap(client: TestClient) -> None:
    r = client.post("/api/v1/screen", json={"items": [{"id": i, "text": "你好"} for i in range(MAX_BATCH + 1)]})
    assert r.status_code == 413


def test_batch_total_size_cap(client: TestClient) -> None:
    per = 100_000
    n = MAX_BATCH_CHARS // per + 1
    r = client.post("/api/v1/screen", json={"items": [{"id": i, "text": "好" * per} for i in range(n)]})
    assert r.status_code == 413 and "batch too large" in r.json()["detail"]
