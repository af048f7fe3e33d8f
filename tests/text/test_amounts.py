"""The project's one amount parser: table tests, negatives, and round-trip property tests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.text.amounts import AmountMatch, find_amounts, format_cn, parse_amount, range_bounds

PARSE_CASES = [
    ("3万元", 30000),
    ("3万", 30000),
    ("叁万", 30000),
    ("參萬", 30000),
    ("参万元", 30000),
    ("３万", 30000),
    ("2.5万", 25000),
    ("5000块", 5000),
    ("5000块钱", 5000),
    ("八千八", 8800),
    ("¥1,200.50", Decimal("1200.50")),
    ("￥1，200.50", Decimal("1200.50")),
    ("RMB 300", 300),
    ("rmb300", 300),
    ("人民币5万", 50000),
    ("1.2w", 12000),
    ("1.2W", 12000),
    ("3k", 3000),
    ("3K", 3000),
    ("十万八千", 108000),
    ("两万", 20000),
    ("兩萬", 20000),
    ("一千五", 1500),
    ("5万多", 50000),
    ("三四万", 30000),
    ("10万余元", 100000),
    ("一千零五元", 1005),
    ("一万零五百", 10500),
    ("三点五万", 35000),
    ("壹仟伍佰元", 1500),
    ("贰拾万元整", 200000),
    ("貳拾萬", 200000),
    ("二十多万", 200000),
    ("十几万", 100000),
    ("3万5", 35000),
    ("3万5千", 35000),
    ("3万5000", 35000),
    ("两万三", 23000),
    ("一亿五", 150000000),
    ("一亿三千万", 130000000),
    ("十五元", 15),
    ("三百五十块", 350),
    ("1200", 1200),
    ("1200元", 1200),
    ("1200.5元", Decimal("1200.5")),
    ("  3000 元  ", 3000),
    ("5000元左右", 5000),
    ("3-5万", 30000),  # ranges: the lower bound
    ("三到五万", 30000),
    ("300~500元", 300),
    ("8块8", Decimal("8.8")),  # the digit after 块 is 角
    ("三块五", Decimal("3.5")),
    ("5块8毛", Decimal("5.8")),
    ("十块", 10),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse_amount(text: str, expected: int | Decimal) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "一" + "亿" * 50 + "元",
        "一起",
        "千万不要",
        "万一",
        "三番五次",
        "2023年",
        "20%",
        "3个人",
        "13812345678",
        "abc",
        "元",
        "¥",
        "十万火急吧",
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    assert parse_amount(text) is None


def test_jionlp_gap_eight_thousand_eight() -> None:
    # a widespread parser reads 八千八 as 8008; colloquially it is 8800
    assert parse_amount("八千八") == Decimal(8800)
    assert parse_amount("八千零八") == Decimal(8008)


FIND_CASES = [
    # (text, [(raw, value, approximate)])
    ("他让我转了3万元到安全账户", [("3万元", 30000, False)]),
    ("被骗叁萬元，後來又轉了貳仟", [("叁萬元", 30000, False)]),
    ("先付¥1,200.50定金，再付RMB 300手续费", [("¥1,200.50", Decimal("1200.50"), False), ("RMB 300", 300, False)]),
    ("前后被骗十几万，其中一次转了八千八", [("十几万", 100000, True), ("八千八", 8800, False)]),
    ("损失5万多，另有10万余元贷款", [("5万多", 50000, True), ("10万余元", 100000, True)]),
    ("大概三四万块", [("三四万块", 30000, True)]),
    ("刷单佣金1.2w，本金3k", [("1.2w", 12000, False), ("3k", 3000, False)]),
    ("月入１２０００元", [("１２０００元", 12000, False)]),
    ("投资100美元", [("100美元", 100, False)]),
    ("共计人民币伍万元整", [("人民币伍万元整", 50000, False)]),
    ("额度3-5万，手续费500~800元", [("3-5万", 30000, True), ("500~800元", 500, True)]),
    ("大约三到五万块", [("三到五万块", 30000, True)]),
    ("一块钱都不给，三块五也行", [("一块钱", 1, False), ("三块五", Decimal("3.5"), False)]),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_find_amounts(text: str, expected: list[tuple[str, int | Decimal, bool]]) -> None:
    got = find_amounts(text)
    assert [(m.raw, m.value, m.approximate) for m in got] == [(r, Decimal(v), a) for r, v, a in expected]
    for m in got:
        assert text[m.start : m.end] == m.raw
        assert m.start <= m.num_start < m.num_end <= m.end


@pytest.mark.parametrize(
    "text",
    [
        "2023年3月5日10:30在家",
        "年化收益20%，稳赚不赔",
        "我们3个人一起去",
        "注册用户3万人",
        "今天走了一万步",
        "十万火急，千万不要挂电话",
        "万一出事怎么办",
        "三番五次打电话",
        "请拨打13812345678",
        "卡号6222021234567890123",
        "粉丝5w多人",
        "跑了3km",
        "第2023期",
        "版本v3.2.1",
        "请在3到5天内回复",
        "客服电话400-123-4567",
        "扫二维码付款",
        "我们一块去吃饭",
        "买了两块蛋糕",
    ],
)
def test_find_amounts_negatives(text: str) -> None:
    assert find_amounts(text) == []


def test_currency_and_offsets() -> None:
    (m,) = find_amounts("对方要求先交$500保证金")
    assert m.currency == "USD" and m.value == 500
    assert isinstance(m, AmountMatch)
    (m,) = find_amounts("交了５０００元")
    assert (m.start, m.end, m.num_start, m.num_end) == (2, 7, 2, 6)


@pytest.mark.parametrize(
    ("n", "cn"), [(0, "零"), (15, "十五"), (108000, "十万八千"), (10500, "一万零五百"), (1010, "一千零一十")]
)
def test_format_cn(n: int, cn: str) -> None:
    assert format_cn(n) == cn


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**11))
def test_roundtrip_chinese(n: int) -> None:
    cn = format_cn(n)
    assert parse_amount(cn + "元") == n
    found = find_amounts(f"对方让我转{cn}元过去")
    assert [m.value for m in found] == [n]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**11), st.integers(min_value=0, max_value=99))
def test_roundtrip_formatted(n: int, cents: int) -> None:
    value = Decimal(n) + Decimal(cents) / 100
    assert parse_amount(f"¥{n:,}.{cents:02d}") == value
    assert parse_amount(f"{n:,}.{cents:02d}元") == value
    assert parse_amount(f"RMB {n}") == n
    found = find_amounts(f"请于今日转入￥{n:,}.{cents:02d}至指定账户")
    assert [m.value for m in found] == ([value] if value else [])  # a zero amount is not reported


@given(st.text(max_size=200))
def test_never_crashes(s: str) -> None:
    parse_amount(s)
    for m in find_amounts(s):
        assert 0 <= m.start < m.end <= len(s)
        assert s[m.start : m.end] == m.raw
        assert m.value > 0


@pytest.mark.parametrize(
    ("num", "bounds"), [("3-5万", (30000, 50000)), ("三到五万", (30000, 50000)), ("1万-3万", (10000, 30000))]
)
def test_range_bounds(num: str, bounds: tuple[int, int]) -> None:
    assert range_bounds(num) == (Decimal(bounds[0]), Decimal(bounds[1]))
    assert range_bounds("3万") is None


def test_wrong_types() -> None:
    assert parse_amount(None) is None  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        find_amounts(b"3\xe4\xb8\x87")  # type: ignore[arg-type]
    assert find_amounts("被骗\ud8003万元") and find_amounts("\ud800" * 50) == []
