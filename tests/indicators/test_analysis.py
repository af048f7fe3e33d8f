"""Analysers: lookalikes for many brands, official values never flagged, spoofed numbers, MVNO, BINs, Luhn, apps."""

from __future__ import annotations

import pytest

from fanzha.indicators import check, screening_evidence
from fanzha.indicators.analysis import analyse_card, skeleton, unconfuse
from fanzha.indicators.normalizers import luhn_ok
from fanzha.indicators.official import brands, is_allowlisted, official_numbers

LOOKALIKES = [
    ("taobao-refund点cc/pay", "URL_BRAND_LOOKALIKE", "淘宝"),
    ("ｗｗｗ．ｉｃｂｃ－ｖｅｒｉｆｙ．ｔｏｐ", "URL_BRAND_LOOKALIKE", "工商银行"),
    ("www.icbc.com.cn.verify-user.top", "URL_BRAND_IN_SUBDOMAIN", "工商银行"),
    ("alipay.secure-login.xyz", "URL_BRAND_IN_SUBDOMAIN", "支付宝"),
    ("icbc-verify.com", "URL_BRAND_LOOKALIKE", "工商银行"),
    ("cmbchina-bank.net", "URL_BRAND_LOOKALIKE", "招商银行"),
    ("boczs.com", "URL_SHORT_BRAND_TOKEN", "中国银行"),
    ("1cbc.com.cn", "URL_HOMOGLYPH", "工商银行"),
    ("a1ipay.com", "URL_HOMOGLYPH", "支付宝"),
    ("taoba0.com", "URL_HOMOGLYPH", "淘宝"),
    ("http://аpple.com/id", "URL_HOMOGLYPH", "苹果"),  # Cyrillic а, punycode xn--pple-43d
    ("taoboa.com", "URL_TYPOSQUAT", "淘宝"),
    ("xn--80ak6aa92e.com", "URL_HOMOGLYPH", "苹果"),  # аррӏе.com, all Cyrillic
    ("alipayy.com", "URL_TYPOSQUAT", "支付宝"),
    ("alipay-help.com", "URL_BRAND_LOOKALIKE", "支付宝"),
    ("pinduodou.com", "URL_TYPOSQUAT", "拼多多"),
    ("iccbc.com", "URL_TYPOSQUAT", "工商银行"),  # repetition
    ("ibcc.com.cn", "URL_TYPOSQUAT", "工商银行"),  # transposition
    ("icvc.com.cn", "URL_TYPOSQUAT", "工商银行"),  # keyboard neighbour v/b
    ("alipy.com", "URL_TYPOSQUAT", "支付宝"),  # omission
    ("cmbchian.com", "URL_TYPOSQUAT", "招商银行"),  # transposition in a long label
    ("icbc.cc", "URL_TLD_SWAP", "工商银行"),
    ("12306.top", "URL_TLD_SWAP", "中国铁路12306"),
    ("12306-cn.top", "URL_BRAND_LOOKALIKE", "中国铁路12306"),
    ("jd-tuikuan.top/refund", "URL_SHORT_BRAND_TOKEN", "京东"),
    ("sf-express-lipei.com", "URL_BRAND_LOOKALIKE", "顺丰速运"),
    ("etc-renzheng.vip", "URL_SHORT_BRAND_TOKEN", "ETC"),
    ("10086-jifen.cn", "URL_BRAND_LOOKALIKE", "中国移动"),
    ("pbccrc-zhengxin.com", "URL_BRAND_LOOKALIKE", "人民银行征信中心"),
    ("chsi-zhuxiao.top", "URL_BRAND_LOOKALIKE", "学信网"),
    ("ccb-vip.cc", "URL_SHORT_BRAND_TOKEN", "建设银行"),
    ("95533-vip.com", "URL_BRAND_LOOKALIKE", "建设银行"),
    ("wwwicbc.com", "URL_BRAND_LOOKALIKE", "工商银行"),
    ("icbc.com.cn-login.xyz", "URL_BRAND_IN_SUBDOMAIN", "工商银行"),
    ("http://www.icbc.com.cn@evil.top/", "URL_AT_SIGN", "工商银行"),
]


@pytest.mark.parametrize(("value", "signal", "brand"), LOOKALIKES)
def test_lookalike_urls(value: str, signal: str, brand: str) -> None:
    r = check(value)
    ids = [s["id"] for s in r.details["signals"]]
    assert signal in ids, (ids, r.reasons)
    assert r.risky and r.risk == ("medium" if value == "boczs.com" else "high")  # a bare 3-letter brand + letters
    assert r.details["imitates"]["brand"] == brand


def test_every_official_domain_and_subdomain_is_never_risky() -> None:
    n = 0
    for b in brands():
        for d in b.domains:
            for v in (d, f"www.{d}", f"https://m.{d}/refund/verify?login=1", f"HTTP://{d.upper()}/"):
                r = check(v)
                assert not r.risky and r.risk == "none", (v, r.reasons)
                assert is_allowlisted(r.kind, r.normalized)
                n += 1
    assert n > 200
    assert check("https://www.mps.gov.cn/").risk == "none"
    assert check("any-county.gov.cn").risk == "none"


OTHER_URLS = [
    ("http://1.2.3.4:8888/login", "URL_IP_HOST", True),
    ("t.cn/A6xYz9", "URL_SHORTENER", False),
    ("some-shop.top", "URL_ABUSED_TLD", False),
    ("lucky-prize.top/lingqu/jifen", "URL_LURE_WORDS", True),
    ("xn--fiqs8s.com", "URL_PUNYCODE", False),
]


@pytest.mark.parametrize(("value", "signal", "risky"), OTHER_URLS)
def test_other_url_signals(value: str, signal: str, risky: bool) -> None:
    r = check(value)
    assert signal in [s["id"] for s in r.details["signals"]]
    assert r.risky is risky


@pytest.mark.parametrize(
    "value", ["example.com", "github.com", "wikipedia.org", "python.org", "zhihu.com", "bilibili.com"]
)
def test_ordinary_domains_are_not_flagged(value: str) -> None:
    r = check(value)
    assert r.risk == "none" and not r.risky, r.reasons


def test_homoglyph_helpers() -> None:
    assert unconfuse("аррӏе") == "apple"
    assert skeleton("1cbc") == skeleton("icbc") == skeleton("lcbc")
    assert skeleton("rnicrosoft") == skeleton("microsoft")
    assert skeleton("taobao") != skeleton("tmall")


SPOOFS = [
    ("+86 95533", "建设银行"),
    ("0086 95588", "工商银行"),
    ("+8696110", "公安反诈预警劝阻专线"),
    ("+95533", "建设银行"),
    ("955330", "建设银行"),
    ("1955880", "工商银行"),
    ("0095566", "中国银行"),
    ("+852 95533", "建设银行"),
    ("95533 1", "建设银行"),
]


@pytest.mark.parametrize(("value", "owner"), SPOOFS)
def test_spoofed_official_numbers(value: str, owner: str) -> None:
    r = check(value, "phone")
    assert "PHONE_SPOOFED_OFFICIAL" in [s["id"] for s in r.details["signals"]], r.reasons
    assert r.risk == "high"
    assert r.details["imitates"]["owner"] == r.details["imitates"]["brand"] == owner


def test_every_official_number_is_never_risky() -> None:
    for num, o in official_numbers().items():
        r = check(num, "phone")
        assert r.risk == "none" and not r.risky, (num, r.reasons)
        assert r.details["official_value"] is True, num
        assert is_allowlisted("phone", r.normalized)
        assert o.owner


def test_area_code_96110_is_official() -> None:
    r = check("025-96110")
    assert r.risk == "none" and r.details["official"]["number"] == "96110"


@pytest.mark.parametrize("value", ["17012345678", "17112345678", "16212345678", "16512345678", "16712345678"])
def test_mvno_segments(value: str) -> None:
    r = check(value)
    assert r.kind == "phone" and r.risk == "medium"
    assert r.details["mvno"] is True


@pytest.mark.parametrize(
    "value", ["13812345678", "15912345678", "18612345678", "01012345678", "4008208820", "1069095533"]
)
def test_ordinary_numbers_are_not_risky(value: str) -> None:
    assert not check(value, "phone").risky


def test_foreign_number() -> None:
    r = check("+63 917 123 4567")
    assert r.risk == "medium" and r.details["region"] == "PH"
    assert "菲律宾" in r.reasons[0]


def test_phone_geocoder_details() -> None:
    r = check("13812345678")
    assert r.details["carrier"] == "中国移动"
    assert r.details["location"]


def test_luhn() -> None:
    assert luhn_ok("6228480402564890018")
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert not luhn_ok("")
    assert not luhn_ok("12a4")


BIN_CASES = [
    ("6222021234567890123", "工商银行"),
    ("6228480402564890018", "农业银行"),
    ("6217001234567890", "建设银行"),
    ("4367421234567894", "建设银行"),
    ("6216611234567890123", "中国银行"),
    ("6222621234567890", "交通银行"),
    ("6225881234567890", "招商银行"),
    ("6221501234567890123", "邮储银行"),
]


@pytest.mark.parametrize(("number", "bank"), BIN_CASES)
def test_bin_lookup(number: str, bank: str) -> None:
    a = analyse_card(number)
    assert a.details["bank"] == bank
    assert analyse_card(number, bank).findings == [
        f for f in analyse_card(number, bank).findings if f.id != "CARD_BIN_MISMATCH"
    ]
    other = "工商银行" if bank != "工商银行" else "农业银行"
    assert "CARD_BIN_MISMATCH" in [f.id for f in analyse_card(number, other).findings]


def test_card_unknown_bin_and_bad_length() -> None:
    a = analyse_card("9999123412341234")
    assert a.details["bank"] is None
    assert "CARD_BIN_MISMATCH" not in [f.id for f in analyse_card("9999123412341234", "工商银行").findings]
    assert "CARD_BAD_LENGTH" in [f.id for f in analyse_card("622202123456").findings]


def test_check_card_with_claimed_bank() -> None:
    r = check("6228480402564890018", "bank_card", claimed_bank="工商银行")
    assert r.risky and "农业银行" in r.reasons[0]


ACCOUNTS = [
    ("123456789", "qq", True),
    ("012345", "qq", False),
    ("abc_123x", "wechat", True),
    ("1abcdef", "wechat", False),
    ("pay.me@163.com", "alipay", True),
    ("13912345678", "alipay", True),
]


@pytest.mark.parametrize(("value", "kind", "valid"), ACCOUNTS)
def test_account_formats(value: str, kind: str, valid: bool) -> None:
    r = check(value, kind)
    assert r.details["valid_format"] is valid
    assert not r.risky


def test_wechat_brand_impersonation() -> None:
    assert check("icbc_kefu01", "wechat").risk == "medium"
    assert check("zhangsan_88", "wechat").risk == "none"


APPS = [("腾讯会议", "medium"), ("ToDesk", "medium"), ("纸飞机", "low"), ("安心理财", "medium"), ("速借钱包", "medium"),
        ("京东金融", "none"), ("国家反诈中心", "none"), ("王者荣耀", "none")]  # fmt: skip


@pytest.mark.parametrize(("name", "risk"), APPS)
def test_apps(name: str, risk: str) -> None:
    assert check(name, "app").risk == risk


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_check_rejects_bad_values(bad: str) -> None:
    with pytest.raises(ValueError):
        check(bad)


def test_check_rejects_unknown_kind_and_mismatch() -> None:
    with pytest.raises(ValueError):
        check("13812345678", "fax")
    with pytest.raises(ValueError):
        check("no digits", "phone")
    with pytest.raises(ValueError):
        check("你好")


def test_record_shape() -> None:
    rec = check("+86 95533").to_record("a1")
    assert set(rec) == {"id", "kind", "normalized", "risky", "risk", "reasons", "details"}
    assert rec["risk"] in ("high", "medium", "low", "none")


# ---------------------------------------------------------------- screening evidence


def test_screening_evidence_spans_and_ids() -> None:
    text = "【建设银行】您的账户异常，请登录 ｗｗｗ．ｃｃｂ－ｖｉｐ．ｃｃ 或致电 +86 95533 核实"
    ev = screening_evidence(text)
    ids = {e.id for e in ev}
    assert {"URL_SHORT_BRAND_TOKEN", "PHONE_SPOOFED_OFFICIAL"} <= ids
    for e in ev:
        assert e.source == "indicator"
        assert e.span is not None and text[e.span[0] : e.span[1]] == e.matched


def test_screening_police_mobile_and_card_mismatch() -> None:
    text = "我是公安局民警，请拨打13812345678，把钱转到安全账户 工商银行 6228480402564890018"
    ids = [e.id for e in screening_evidence(text)]
    assert "PHONE_MOBILE_CLAIMS_OFFICIAL" in ids
    assert "CARD_BIN_MISMATCH" in ids
    assert "CARD_PAYEE" in ids


def test_screening_normal_texts_have_no_positive_evidence() -> None:
    for text in [
        "明天下午3点开会，地点在3楼会议室，电话13812345678找我",
        "您的快递已到驿站，取件码 5-2-1234",
        "工行提醒：请勿向他人透露验证码，官网 www.icbc.com.cn 客服95588",
        "订单号202310051381234567已发货，金额1380元",
    ]:
        assert sum(e.weight for e in screening_evidence(text)) <= 0, text


def test_same_signal_counted_once() -> None:
    ev = screening_evidence("下载腾讯会议，开启屏幕共享，再打开腾讯会议")
    assert sum(e.weight for e in ev if e.id == "APP_SCREEN_SHARE") == 2.5


def test_link_in_a_text_that_claims_another_brand() -> None:
    text = "【建设银行】您的E令即将过期，请登录 e-ling-update.com 更新"
    ev = [e for e in screening_evidence(text) if e.id == "URL_CLAIMED_BRAND_NOT_OFFICIAL"]
    assert len(ev) == 1 and "建设银行" in ev[0].why and ev[0].matched == "e-ling-update.com"
    # the brand's own domain, or a short link, is not evidence
    assert not [e for e in screening_evidence("【建设银行】详见 www.ccb.com/cn") if e.weight > 0]
    assert not [e for e in screening_evidence("【中国联通】流量包 u.10010.cn/abc") if e.weight > 0]
    assert "URL_CLAIMED_BRAND_NOT_OFFICIAL" not in {e.id for e in screening_evidence("【京东】订单详情 3.cn/Ab1")}


def test_bank_text_with_another_banks_number() -> None:
    ids = {e.id for e in screening_evidence("【工商银行】您的账户异常，请致电95533处理")}
    assert "PHONE_OFFICIAL_OWNER_MISMATCH" in ids
    assert "PHONE_OFFICIAL_OWNER_MISMATCH" not in {e.id for e in screening_evidence("【建设银行】如有疑问请致电95533")}
    assert "PHONE_OFFICIAL_OWNER_MISMATCH" not in {
        e.id for e in screening_evidence("【工商银行】谨防诈骗，可拨打96110咨询")
    }


def test_every_emitted_signal_is_defined_in_signals_yaml() -> None:
    import re
    from pathlib import Path

    import fanzha.indicators as pkg
    from fanzha.indicators.analysis import risk_bands, signals

    table = signals()
    src = "".join((Path(pkg.__file__).parent / f).read_text(encoding="utf-8") for f in ("analysis.py", "check.py"))
    used = set(re.findall(r'(?:a\.add|_ev)\(\s*"([A-Z_]+)"', src)) | set(
        re.findall(r'"([A-Z_]{6,})" if looks else "([A-Z_]+)"', src)[0]
    )
    assert len(used) > 30
    assert used <= set(table), used - set(table)
    assert all(s.level in ("high", "medium", "low", "none") for s in table.values())
    high, medium = risk_bands()
    assert high > medium > 0


def test_brand_names_written_in_digits_need_boundaries() -> None:
    ids = {e.id for e in screening_evidence("电话13851730000，网址 abc-shop.com")}
    assert "URL_CLAIMED_BRAND_NOT_OFFICIAL" not in ids
    assert "URL_CLAIMED_BRAND_NOT_OFFICIAL" in {e.id for e in screening_evidence("5173 客服：请到 game-deal.com 验证")}


def test_requested_link_kind_is_reported() -> None:
    assert check("https://abc-pay.top/x").kind == "url"
    r = check("https://abc-pay.top/x", "domain")
    assert (r.kind, r.normalized) == ("domain", "abc-pay.top")
    assert check("abc-pay.top").kind == "domain"
