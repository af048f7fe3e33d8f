"""Hostile input: huge texts, control characters, binary-ish strings never crash extraction, checks or evidence."""

from __future__ import annotations

import random

import pytest

from fanzha.indicators import check, detect_kind, extract, normalize_value, screening_evidence

_rng = random.Random(20261129)
HOSTILE = [
    "a" * 100_000,
    "1" * 100_000,
    "1 " * 50_000,
    "." * 100_000,
    "点" * 100_000,
    "http://" + "a." * 30_000 + "com",
    "支付宝" * 20_000,
    "QQ" * 30_000 + "12345",
    "\x00\x01\x02\x7f\ufeff\u200b" * 10_000,
    "".join(chr(_rng.randrange(0, 0x3000)) for _ in range(50_000)),
    bytes(_rng.randrange(256) for _ in range(50_000)).decode("latin-1"),
    "\ud800\udfff".encode("utf-16", "surrogatepass").decode("utf-16", "replace") * 1000,
    ("请登录taobao-refund点cc/pay 或致电 +86 95533，卡号6228480402564890018，QQ 12345678 " * 1500),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_text(text: str) -> None:
    inds = extract(text)
    for ind in inds:
        assert text[ind.span[0] : ind.span[1]] == ind.raw
    screening_evidence(text[:20_000])
    detect_kind(text[:3000])
    for kind in ("url", "phone", "qq", "wechat", "bank_card", "app", "alipay", "domain", "ip"):
        try:
            normalize_value(kind, text[:3000])
        except ValueError:
            pass
    try:
        check(text[:2000])
    except ValueError:
        pass


def test_non_str_inputs() -> None:
    with pytest.raises(TypeError):
        extract(b"bytes")  # type: ignore[arg-type]
    assert detect_kind(None) is None  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        normalize_value("phone", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        check(None)  # type: ignore[arg-type]
