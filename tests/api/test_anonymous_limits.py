"""The stateless public checks (screen, indicator check): anonymous callers are rate-limited and get a smaller
batch cap; callers with a token are not limited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fanzha.config import get_settings

CALLS = [
    ("/api/v1/screen", {"text": "您好，我是淘宝客服，您的订单需要退款"}, "items", "text"),
    ("/api/v1/indicators/check", {"value": "taobao-refund.cc/pay"}, "items", "value"),
]


@pytest.mark.parametrize(("path", "body", "batch_key", "field"), CALLS)
def test_anonymous_callers_are_rate_limited(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str, body: dict[str, str], batch_key: str, field: str
) -> None:
    monkeypatch.setattr(get_settings(), "public_api_rate_limit_per_minute", 3)
    assert [client.post(path, json=body).status_code for _ in range(3)] == [200, 200, 200]
    r = client.post(path, json=body)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "token" in r.json()["detail"]


@pytest.mark.parametrize(("path", "body", "batch_key", "field"), CALLS)
def test_token_holders_are_not_rate_limited_and_get_the_full_batch(
    client: TestClient,
    auth_headers: Callable[..., dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    body: dict[str, str],
    batch_key: str,
    field: str,
) -> None:
    monkeypatch.setattr(get_settings(), "public_api_rate_limit_per_minute", 2)
    monkeypatch.setattr(get_settings(), "public_api_max_batch", 5)
    h = auth_headers("analyst")
    assert {client.post(path, json=body, headers=h).status_code for _ in range(4)} == {200}
    batch = {batch_key: [{"id": i, field: body[field]} for i in range(6)]}
    ok = client.post(path, json=batch, headers=h)
    assert ok.status_code == 200 and len(ok.json()["items"]) == 6
    refused = client.post(path, json=batch)  # anonymous: over the smaller cap
    assert refused.status_code == 413 and "without a token" in refused.json()["detail"]
