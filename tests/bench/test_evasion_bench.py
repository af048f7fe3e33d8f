"""bench/evasion_bench.py: the evasions are deterministic, do what they say, and the lossless ones are undone by the
normaliser (on hand-written sentences; the corpus run is the bench itself)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from fanzha.text import normalize

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import evasion_bench as eb

SENTENCES = [
    "您好，我是淘宝客服，您的订单需要退款，请加微信kf8899并提供验证码。",
    "在家刷单返利，日赚500元，佣金当天结，点击链接 www.example-task.com 下载APP。",
    "您的账户涉嫌洗钱，请将资金转账到安全账户，否则将冻结您的银行卡。",
    "无抵押贷款秒批，额度3万元，先交保证金2000元解冻账户。",
]


@pytest.mark.parametrize("name", list(eb.EVASIONS))
def test_deterministic(name: str) -> None:
    assert eb.evade(name, SENTENCES, 0) == eb.evade(name, SENTENCES, 0)


@pytest.mark.parametrize("name", [n for n in eb.EVASIONS if n != "none"])
def test_every_evasion_changes_something(name: str) -> None:
    assert any(a != b for a, b in zip(eb.evade(name, SENTENCES, 0), SENTENCES, strict=True))


@pytest.mark.parametrize(
    "name", ["全角", "spaced (all CJK gaps)", "spaced (30 % of gaps)", "emoji/symbol split", "繁体"]
)
def test_lossless_evasions_are_undone_by_the_normaliser(name: str) -> None:
    for seed in range(3):
        for raw, ev in zip(SENTENCES, eb.evade(name, SENTENCES, seed), strict=True):
            assert normalize(ev).text == normalize(raw).text, ev


@pytest.mark.parametrize(
    ("n", "plain", "financial"),
    [(0, "零", "零"), (15, "十五", "壹拾伍"), (110, "一百一十", "壹佰壹拾"), (2005, "二千零五", "贰仟零伍"),
     (10050, "一万零五十", "壹万零伍拾"), (30000, "三万", "叁万"), (120000000, "一亿二千万", "壹亿贰仟万")],
)  # fmt: skip
def test_cn_number(n: int, plain: str, financial: str) -> None:
    assert eb.cn_number(n) == plain
    assert eb.cn_number(n, financial=True) == financial


def test_numerals_round_trip_through_the_normaliser() -> None:
    ev = eb.ev_numerals("转账3000元，再付1.5万", random.Random(0))
    assert not any(c.isdigit() for c in ev)
    assert normalize(ev).text == normalize("转账3000元，再付1.5万").text
