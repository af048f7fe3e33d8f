"""normalize_value / detect_kind: tables, and hypothesis properties (no crash, idempotent, round trips)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fanzha.indicators import KINDS, detect_kind, extract, normalize_value
from fanzha.indicators.recognizers import tld_ok

NORMALIZE_CASES = [
    ("phone", "+86 138-1234-5678", "13812345678"),
    ("phone", "0086 13812345678", "13812345678"),
    ("phone", "8613812345678", "13812345678"),
    ("phone", "010-1234 5678", "01012345678"),
    ("phone", "+86 10 1234 5678", "01012345678"),
    ("phone", "+86 571 95188", "057195188"),
    ("phone", "95533", "95533"),
    ("phone", "+86 95533", "+8695533"),  # kept distinct from the official 95533: that is how spoofs look
    ("phone", "+63 917 123 4567", "+639171234567"),
    ("phone", "４００－８２０－８８２０", "4008208820"),
    ("qq", " 12345 678 ", "12345678"),
    ("wechat", "Abc_123X", "abc_123x"),
    ("alipay", "Pay.Me@163.COM", "pay.me@163.com"),
    ("alipay", "139 1234 5678", "13912345678"),
    ("bank_card", "6222 0212 3456 7890 123", "6222021234567890123"),
    ("url", "HTTPS://WWW.Example.COM:443/Path?q=1#frag", "www.example.com/Path?q=1"),
    ("url", "taobao-refund点cc/pay", "taobao-refund.cc/pay"),
    ("url", "http://аpple.com/", "xn--pple-43d.com"),
    ("url", "ftp://files.example.com/a", "ftp://files.example.com/a"),
    ("domain", "WWW.ICBC.COM.CN.", "www.icbc.com.cn"),
    ("domain", "https://abc.top/x", "abc.top"),
    ("ip", "http://10.0.0.1:8080/x", "10.0.0.1:8080"),
    ("app", "“安心理财”APP", "安心理财"),
    ("app", "ToDesk 软件", "todesk"),
    ("amount", "3万元", "30000"),
]


@pytest.mark.parametrize(("kind", "value", "expected"), NORMALIZE_CASES)
def test_normalize_value(kind: str, value: str, expected: str) -> None:
    assert normalize_value(kind, value) == expected
    assert normalize_value(kind, expected) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [("phone", "abc"), ("qq", "qq"), ("url", "///"), ("nope", "1"), ("phone", ""), ("alipay", "a@"), ("app", "  ")],
)
def test_normalize_rejects(kind: str, value: str) -> None:
    with pytest.raises(ValueError):
        normalize_value(kind, value)


DETECT_CASES = [
    ("https://abc.top/x", "url"),
    ("taobao-refund点cc", "domain"),
    ("www.icbc-verify.top", "domain"),
    ("1.2.3.4", "ip"),
    ("13812345678", "phone"),
    ("+86 95533", "phone"),
    ("95533", "phone"),
    ("010-12345678", "phone"),
    ("+63 917 123 4567", "phone"),
    ("6228480402564890018", "bank_card"),
    ("6222 0212 3456 7890 123", "bank_card"),
    ("123456789", "qq"),
    ("12345678@qq.com", "qq"),
    ("abc_123x", "wechat"),
    ("pay.me@163.com", "alipay"),
    ("腾讯会议", "app"),
    ("", None),
    ("你好", None),
    ("0", None),
]


@pytest.mark.parametrize(("value", "kind"), DETECT_CASES)
def test_detect_kind(value: str, kind: str | None) -> None:
    assert detect_kind(value) == kind


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.text(max_size=60))
def test_normalize_value_total_and_idempotent(kind: str, value: str) -> None:
    try:
        once = normalize_value(kind, value)
    except ValueError:
        return
    assert normalize_value(kind, once) == once


_phoneish = st.from_regex(r"(\+86|0086|86)?[ -]?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(_phoneish)
def test_phone_round_trip(value: str) -> None:
    norm = normalize_value("phone", value)
    assert normalize_value("phone", norm) == norm
    assert detect_kind(norm) == "phone"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_detect_and_extract_never_crash(text: str) -> None:
    detect_kind(text)
    for ind in extract(text):
        assert text[ind.span[0] : ind.span[1]] == ind.raw
        assert normalize_value(ind.kind, ind.normalized) == ind.normalized or ind.kind == "amount"


_labels = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(_labels, st.sampled_from(["com", "cn", "top", "cc", "xyz"]), st.sampled_from([".", "点", "。", "．", " . "]))
def test_domain_round_trip_through_text(label: str, tld: str, dot: str) -> None:
    assume(tld_ok(f"{label}.{tld}"))  # gx.cn, sh.cn ... are public suffixes, not registrable domains
    text = f"请访问{label}{dot}{tld}办理"
    found = [i for i in extract(text) if i.kind == "domain"]
    assert [i.normalized for i in found] == [f"{label}.{tld}"]


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"62[0-9]{14,17}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_card_round_trip_through_text(digits: str, sep: str) -> None:
    shown = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4)) if sep else digits
    assert normalize_value("bank_card", shown) == digits
    found = [i for i in extract(f"请转账到银行卡号{shown}，谢谢") if i.kind == "bank_card"]
    assert [i.normalized for i in found] == [digits]


@settings(max_examples=150, deadline=None)
@given(
    st.from_regex(r"[1-9][0-9]{4,10}", fullmatch=True), st.sampled_from(["QQ", "qq号", "扣扣", "QQ：", "Ｑ Ｑ 号："])
)
def test_qq_round_trip_through_text(num: str, kw: str) -> None:
    found = [i for i in extract(f"加我{kw}{num}详聊") if i.kind == "qq"]
    assert [i.normalized for i in found] == [num]
    assert not [i for i in extract(f"加我{kw}{num}详聊") if i.kind in ("phone", "bank_card")]


@settings(max_examples=150, deadline=None)
@given(
    st.from_regex(r"[a-zA-Z][-_a-zA-Z0-9]{5,19}", fullmatch=True),
    st.sampled_from(["微信", "微信号：", "vx:", "加V", "薇信 "]),
)
def test_wechat_round_trip_through_text(wid: str, kw: str) -> None:
    found = [i for i in extract(f"请加{kw}{wid} 领取") if i.kind == "wechat"]
    assert [i.normalized for i in found] == [wid.lower()]
    assert normalize_value("wechat", wid) == wid.lower()


@settings(max_examples=150, deadline=None)
@given(_labels, st.sampled_from(["top", "cc", "xyz"]), st.from_regex(r"/[a-zA-Z0-9_]{1,12}", fullmatch=True))
def test_url_round_trip(label: str, tld: str, path: str) -> None:
    assume(tld_ok(f"{label}.{tld}"))
    for shown in (f"http://{label}.{tld}{path}", f"{label}点{tld}{path}", f"ＨＴＴＰＳ://{label}.{tld}{path}"):
        norm = normalize_value("url", shown)
        assert norm == f"{label}.{tld}{path}"
        assert normalize_value("url", norm) == norm
        assert detect_kind(shown) == "url"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([None, "url", "domain", "ip", "phone", "bank_card", "qq", "wechat", "alipay", "app"]),
    st.text(max_size=80),
)
def test_check_only_raises_value_error(kind: str | None, value: str) -> None:
    from fanzha.indicators import check

    try:
        r = check(value, kind)
    except ValueError:
        return
    assert r.risk in ("high", "medium", "low", "none")
    assert r.risky == (r.risk in ("high", "medium"))
    assert r.reasons
